//! Approval forms: a schema of typed fields, and the check that turns what a member
//! filled in into trusted values (computed totals filled in by us, never by the client).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a field holds. Money is integer fen (分) everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text up to `max_len` characters.
    Text {
        /// Longest accepted text, in characters.
        max_len: usize,
    },
    /// A number, optionally bounded.
    Number {
        /// Smallest accepted value.
        min: Option<f64>,
        /// Largest accepted value.
        max: Option<f64>,
    },
    /// An amount in fen, ≥ 0.
    Money,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// `[start, end]` days, start ≤ end.
    DateRange,
    /// One of `options`.
    Select {
        /// The choices.
        options: Vec<String>,
    },
    /// Any of `options`, at least one.
    MultiSelect {
        /// The choices.
        options: Vec<String>,
    },
    /// WeCom userids.
    Members {
        /// More than one allowed.
        multiple: bool,
    },
    /// WeCom department ids.
    Departments {
        /// More than one allowed.
        multiple: bool,
    },
    /// A Gantry project id.
    Project,
    /// Uploaded files or photos by id, at most `max`.
    Attachments {
        /// Most files.
        max: usize,
    },
    /// The sum of the named money fields; computed, never supplied.
    Total {
        /// Money fields to add up.
        of: Vec<String>,
    },
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Key in the values map; unique in the form.
    pub key: String,
    /// Chinese label shown on the form and the card.
    pub label: String,
    /// What it holds.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Must be filled in.
    #[serde(default)]
    pub required: bool,
}

/// A form: fields in display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormSchema {
    /// The fields.
    pub fields: Vec<Field>,
}

/// Filled-in values by field key.
pub type FormValues = BTreeMap<String, Value>;

/// Why values do not fit the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A required field is empty.
    #[error("「{0}」必填")]
    Missing(String),
    /// A value has the wrong shape or is out of range.
    #[error("「{label}」{why}")]
    Invalid {
        /// The field's label.
        label: String,
        /// What is wrong, in Chinese.
        why: String,
    },
    /// A key the form does not have.
    #[error("表单没有字段 {0}")]
    Unknown(String),
}

/// Why a schema itself is wrong (admins editing templates).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// Two fields share a key.
    #[error("duplicate field key {0}")]
    DuplicateKey(String),
    /// A select without options, a total over a non-money field, …
    #[error("field {key}: {why}")]
    Bad {
        /// The field.
        key: String,
        /// What is wrong.
        why: String,
    },
}

impl FormSchema {
    /// The field with `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Checks the schema is usable.
    pub fn check(&self) -> Result<(), SchemaError> {
        let mut seen = std::collections::BTreeSet::new();
        for f in &self.fields {
            if !seen.insert(f.key.as_str()) {
                return Err(SchemaError::DuplicateKey(f.key.clone()));
            }
            let bad = |why: &str| SchemaError::Bad {
                key: f.key.clone(),
                why: why.to_owned(),
            };
            match &f.kind {
                FieldKind::Select { options } | FieldKind::MultiSelect { options }
                    if options.is_empty() =>
                {
                    return Err(bad("no options"));
                }
                FieldKind::Total { of } => {
                    for key in of {
                        match self.field(key).map(|g| &g.kind) {
                            Some(FieldKind::Money) => {}
                            _ => return Err(bad(&format!("{key} is not a money field"))),
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks `values` against the form and returns them normalised: totals computed,
    /// empty optional fields dropped.
    pub fn validate(&self, values: &FormValues) -> Result<FormValues, FormError> {
        if let Some(unknown) = values.keys().find(|k| self.field(k).is_none()) {
            return Err(FormError::Unknown(unknown.clone()));
        }
        let mut out = FormValues::new();
        for f in &self.fields {
            if matches!(f.kind, FieldKind::Total { .. }) {
                continue;
            }
            let value = values.get(&f.key).filter(|v| !is_empty(v));
            match value {
                None if f.required => return Err(FormError::Missing(f.label.clone())),
                None => {}
                Some(v) => {
                    check_value(&f.kind, v).map_err(|why| FormError::Invalid {
                        label: f.label.clone(),
                        why,
                    })?;
                    out.insert(f.key.clone(), v.clone());
                }
            }
        }
        for f in &self.fields {
            if let FieldKind::Total { of } = &f.kind {
                let mut sum: i64 = 0;
                for key in of {
                    let part = out.get(key).and_then(Value::as_i64).unwrap_or(0);
                    sum = sum.checked_add(part).ok_or_else(|| FormError::Invalid {
                        label: f.label.clone(),
                        why: "金额过大".into(),
                    })?;
                }
                out.insert(f.key.clone(), Value::from(sum));
            }
        }
        Ok(out)
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn check_value(kind: &FieldKind, v: &Value) -> Result<(), String> {
    match kind {
        FieldKind::Text { max_len } => {
            let s = v.as_str().ok_or("应为文本")?;
            if s.chars().count() > *max_len {
                return Err(format!("不能超过 {max_len} 字"));
            }
        }
        FieldKind::Number { min, max } => {
            let n = v.as_f64().ok_or("应为数字")?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err("超出范围".into());
            }
        }
        FieldKind::Money => {
            let fen = v.as_i64().ok_or("应为以分计的整数金额")?;
            if fen < 0 {
                return Err("金额不能为负".into());
            }
        }
        FieldKind::Date => {
            day(v).ok_or("应为 YYYY-MM-DD 日期")?;
        }
        FieldKind::DateRange => {
            let pair = v
                .as_array()
                .filter(|a| a.len() == 2)
                .ok_or("应为起止日期")?;
            let (start, end) = (
                day(&pair[0]).ok_or("开始日期无效")?,
                day(&pair[1]).ok_or("结束日期无效")?,
            );
            if start > end {
                return Err("开始日期晚于结束日期".into());
            }
        }
        FieldKind::Select { options } => {
            let s = v.as_str().ok_or("应为选项")?;
            if !options.iter().any(|o| o == s) {
                return Err("不是可选项".into());
            }
        }
        FieldKind::MultiSelect { options } => {
            let items = v.as_array().ok_or("应为选项列表")?;
            for item in items {
                let s = item.as_str().ok_or("应为选项")?;
                if !options.iter().any(|o| o == s) {
                    return Err("不是可选项".into());
                }
            }
        }
        FieldKind::Members { multiple } => {
            ids(v, *multiple, |x| x.as_str().is_some_and(|s| !s.is_empty()))?;
        }
        FieldKind::Departments { multiple } => {
            ids(v, *multiple, |x| x.as_i64().is_some_and(|n| n > 0))?;
        }
        FieldKind::Project => {
            v.as_i64().filter(|n| *n > 0).ok_or("应为项目")?;
        }
        FieldKind::Attachments { max } => {
            let items = v.as_array().ok_or("应为附件列表")?;
            if items.len() > *max {
                return Err(format!("最多 {max} 个附件"));
            }
            if !items
                .iter()
                .all(|x| x.as_str().is_some_and(|s| !s.is_empty()))
            {
                return Err("附件无效".into());
            }
        }
        FieldKind::Total { .. } => {}
    }
    Ok(())
}

/// One id, or a list of ids when `multiple`.
fn ids(v: &Value, multiple: bool, ok: impl Fn(&Value) -> bool) -> Result<(), String> {
    match v.as_array() {
        Some(items) if multiple => {
            if items.iter().all(ok) {
                Ok(())
            } else {
                Err("包含无效的选择".into())
            }
        }
        Some(_) => Err("只能选一个".into()),
        None if ok(v) => Ok(()),
        None => Err("选择无效".into()),
    }
}

/// `YYYY-MM-DD` as a comparable (year, month, day), calendar-checked.
pub(crate) fn day(v: &Value) -> Option<(u32, u32, u32)> {
    let s = v.as_str()?;
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn purchase() -> FormSchema {
        let field = |key: &str, label: &str, kind, required| Field {
            key: key.into(),
            label: label.into(),
            kind,
            required,
        };
        FormSchema {
            fields: vec![
                field("title", "事由", FieldKind::Text { max_len: 20 }, true),
                field("steel", "钢材", FieldKind::Money, false),
                field("cement", "水泥", FieldKind::Money, false),
                field(
                    "total",
                    "合计",
                    FieldKind::Total {
                        of: vec!["steel".into(), "cement".into()],
                    },
                    false,
                ),
                field("when", "到货", FieldKind::DateRange, false),
                field(
                    "kind",
                    "类别",
                    FieldKind::Select {
                        options: vec!["主材".into(), "辅材".into()],
                    },
                    true,
                ),
                field("photos", "照片", FieldKind::Attachments { max: 2 }, false),
            ],
        }
    }

    #[test]
    fn totals_are_computed_and_client_totals_ignored() {
        let form = purchase();
        form.check().expect("valid schema");
        let values: FormValues = [
            ("title".to_owned(), json!("三号楼钢筋")),
            ("steel".to_owned(), json!(5_000_000)),
            ("cement".to_owned(), json!(1_250_050)),
            ("kind".to_owned(), json!("主材")),
            ("when".to_owned(), json!(["2026-02-28", "2026-03-01"])),
        ]
        .into();
        let out = form.validate(&values).expect("valid");
        assert_eq!(out["total"], json!(6_250_050));
        let mut forged = values.clone();
        forged.insert("total".into(), json!(1));
        assert_eq!(
            form.validate(&forged).expect("valid")["total"],
            json!(6_250_050)
        );
    }

    #[test]
    fn bad_values_are_named_in_chinese() {
        let form = purchase();
        let base: FormValues = [
            ("title".to_owned(), json!("x")),
            ("kind".to_owned(), json!("主材")),
        ]
        .into();
        let with = |key: &str, v: Value| {
            let mut values = base.clone();
            values.insert(key.into(), v);
            form.validate(&values).expect_err("refused").to_string()
        };
        assert_eq!(with("title", json!("  ")), "「事由」必填");
        assert!(with("steel", json!(-1)).contains("负"));
        assert!(with("steel", json!(1.5)).contains("分"));
        assert!(with("kind", json!("木材")).contains("可选项"));
        assert!(with("when", json!(["2026-03-02", "2026-03-01"])).contains("晚于"));
        assert!(with("when", json!(["2026-02-30", "2026-03-01"])).contains("无效"));
        assert!(with("photos", json!(["a", "b", "c"])).contains("最多 2"));
        assert!(with("title", json!("一二三四五六七八九十一二三四五六七八九十一")).contains("20"));
        assert!(with("nope", json!(1)).contains("nope"));
    }

    #[test]
    fn schemas_are_checked() {
        let mut form = purchase();
        form.fields.push(form.fields[0].clone());
        assert_eq!(form.check(), Err(SchemaError::DuplicateKey("title".into())));
        let mut form = purchase();
        form.fields[3].kind = FieldKind::Total {
            of: vec!["title".into()],
        };
        assert!(matches!(form.check(), Err(SchemaError::Bad { .. })));
    }

    #[test]
    fn calendar_days() {
        assert_eq!(day(&json!("2024-02-29")), Some((2024, 2, 29)));
        assert_eq!(day(&json!("2100-02-29")), None);
        assert_eq!(day(&json!("2026-13-01")), None);
        assert_eq!(day(&json!("2026-1-01")), None);
    }
}
