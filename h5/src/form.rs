//! Approval forms drawn from a template's typed fields (`api::FormField`, whose type is the
//! one `api::FieldType` list): each type's settings with their defaults, the nodes whose
//! approvers the initiator picks, and turning what a person typed into the value the
//! server expects (money typed in 元, sent in 分).
//! Pure, tested natively; `pages::submit` draws it.

use api::{FieldType, FormField};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::text;

/// Longest text when a text field names no `max_len`.
const TEXT_MAX: u32 = 500;
/// Most files when an attachments field names no `max`.
const FILES_MAX: usize = 9;

/// A text field's longest text.
pub fn max_len(field: &FormField) -> u32 {
    field.max_len.unwrap_or(TEXT_MAX)
}

/// An attachments field's most files.
pub fn max_files(field: &FormField) -> usize {
    field
        .max
        .filter(|m| m.is_finite() && *m >= 0.0)
        .map_or(FILES_MAX, |m| m as usize)
}

/// A select's choices.
pub fn options(field: &FormField) -> &[String] {
    field.options.as_deref().unwrap_or_default()
}

/// What a person entered for one field, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, Deserialize)]
pub struct Entry {
    /// Typed text (text, number, money, date, select).
    #[serde(default)]
    pub text: String,
    /// Second day of a range.
    #[serde(default)]
    pub until: String,
    /// Chosen items (multi-select options, member ids, department ids, upload keys).
    #[serde(default)]
    pub items: Vec<String>,
}

/// The value to send for `field`, `Ok(None)` when left empty, or why it is wrong.
pub fn value_of(field: &FormField, entry: &Entry) -> Result<Option<Value>, String> {
    let typed = entry.text.trim();
    let wrong = |why: &str| format!("「{}」{why}", field.label);
    let multiple = field.multiple.unwrap_or(false);
    let value = match field.kind {
        FieldType::Total => return Ok(None),
        FieldType::Text => {
            let max_len = max_len(field);
            if typed.chars().count() > max_len as usize {
                return Err(wrong(&format!("不能超过 {max_len} 字")));
            }
            (!typed.is_empty()).then(|| json!(typed))
        }
        FieldType::Number => match typed {
            "" => None,
            t => {
                let n: f64 = t.parse().map_err(|_| wrong("应为数字"))?;
                if field.min.is_some_and(|m| n < m) || field.max.is_some_and(|m| n > m) {
                    return Err(wrong("超出允许范围"));
                }
                Some(json!(n))
            }
        },
        FieldType::Money => match typed {
            "" => None,
            t => {
                let fen = text::parse_yuan(t).map_err(wrong)?;
                if fen < 0 {
                    return Err(wrong("不能为负数"));
                }
                Some(json!(fen))
            }
        },
        FieldType::Date | FieldType::Select => (!typed.is_empty()).then(|| json!(typed)),
        FieldType::DateRange => match (typed, entry.until.trim()) {
            ("", "") => None,
            (from, until) if !from.is_empty() && !until.is_empty() => {
                if until < from {
                    return Err(wrong("结束日期不能早于开始日期"));
                }
                Some(json!([from, until]))
            }
            _ => return Err(wrong("请填写开始和结束日期")),
        },
        FieldType::MultiSelect | FieldType::Attachments => {
            (!entry.items.is_empty()).then(|| json!(entry.items))
        }
        FieldType::Members => many_or_one(&entry.items, multiple, |s| json!(s)),
        FieldType::Departments => {
            let ids: Vec<i64> = entry.items.iter().filter_map(|s| s.parse().ok()).collect();
            match (ids.as_slice(), multiple) {
                ([], _) => None,
                (ids, true) => Some(json!(ids)),
                ([one, ..], false) => Some(json!(one)),
            }
        }
        FieldType::Project => match typed {
            "" => None,
            t => Some(json!(t.parse::<i64>().map_err(|_| wrong("请选择项目"))?)),
        },
    };
    if value.is_none() && field.required {
        return Err(wrong("必填"));
    }
    Ok(value)
}

/// What a person would have entered to send `value` for `field`: the inverse of
/// [`value_of`], to fill a returned request's form with what was sent.
pub fn entry_of(field: &FormField, value: &Value) -> Entry {
    let text_of = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let items = |v: &Value| match v {
        Value::Array(all) => all.iter().map(text_of).collect(),
        Value::Null => Vec::new(),
        one => vec![text_of(one)],
    };
    match (field.kind, value) {
        (FieldType::Total, _) => Entry::default(),
        (FieldType::Money, Value::Number(n)) => Entry {
            text: n.as_i64().map(text::yuan).unwrap_or_default(),
            ..Entry::default()
        },
        (FieldType::DateRange, Value::Array(range)) => Entry {
            text: range.first().map(text_of).unwrap_or_default(),
            until: range.get(1).map(text_of).unwrap_or_default(),
            items: Vec::new(),
        },
        (
            FieldType::MultiSelect
            | FieldType::Attachments
            | FieldType::Members
            | FieldType::Departments,
            v,
        ) => Entry {
            items: items(v),
            ..Entry::default()
        },
        (_, v) => Entry {
            text: text_of(v),
            ..Entry::default()
        },
    }
}

fn many_or_one(items: &[String], multiple: bool, one: impl Fn(&str) -> Value) -> Option<Value> {
    match (items, multiple) {
        ([], _) => None,
        (items, true) => Some(Value::Array(items.iter().map(|s| one(s)).collect())),
        ([first, ..], false) => Some(one(first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<FormField> {
        serde_json::from_value(json!([
            {"key": "title", "label": "事由", "type": "text", "max_len": 10, "required": true},
            {"key": "amount", "label": "金额", "type": "money", "required": true},
            {"key": "days", "label": "天数", "type": "number", "min": 0.5, "max": 30.0},
            {"key": "range", "label": "日期", "type": "date_range"},
            {"key": "who", "label": "同行人", "type": "members", "multiple": true},
            {"key": "dept", "label": "部门", "type": "departments", "multiple": false},
            {"key": "sum", "label": "合计", "type": "total", "of": ["amount"]},
            {"key": "photos", "label": "照片", "type": "attachments", "max": 3}
        ]))
        .expect("fields")
    }

    fn entry(text: &str) -> Entry {
        Entry {
            text: text.to_owned(),
            ..Entry::default()
        }
    }

    #[test]
    fn settings_have_defaults_when_absent() {
        let f = fields();
        assert_eq!(max_len(&f[0]), 10);
        assert_eq!(max_files(&f[7]), 3);
        let bare = FormField::new("x", "x", FieldType::Text);
        assert_eq!(max_len(&bare), TEXT_MAX);
        assert_eq!(max_files(&bare), FILES_MAX);
        assert!(options(&bare).is_empty());
    }

    #[test]
    fn typed_values_become_what_the_server_takes() {
        let f = fields();
        assert_eq!(value_of(&f[1], &entry("1,200.5")), Ok(Some(json!(120_050))));
        assert_eq!(value_of(&f[2], &entry("2.5")), Ok(Some(json!(2.5))));
        let range = Entry {
            text: "2026-12-01".into(),
            until: "2026-12-03".into(),
            items: vec![],
        };
        assert_eq!(
            value_of(&f[3], &range),
            Ok(Some(json!(["2026-12-01", "2026-12-03"])))
        );
        let people = Entry {
            items: vec!["a".into(), "b".into()],
            ..Entry::default()
        };
        assert_eq!(value_of(&f[4], &people), Ok(Some(json!(["a", "b"]))));
        let dept = Entry {
            items: vec!["7".into()],
            ..Entry::default()
        };
        assert_eq!(value_of(&f[5], &dept), Ok(Some(json!(7))));
        assert_eq!(
            value_of(&f[6], &entry("999")),
            Ok(None),
            "totals are computed by the server"
        );
    }

    #[test]
    fn what_was_sent_fills_the_form_again() {
        let f = fields();
        let sent = [
            json!("修脚手架"),
            json!(120_050),
            json!(2.5),
            json!(["2026-12-01", "2026-12-03"]),
            json!(["a", "b"]),
            json!(7),
            json!(999),
            json!(["sha256:1"]),
        ];
        for (field, value) in f.iter().zip(&sent) {
            let entry = entry_of(field, value);
            let expected = if field.kind == FieldType::Total {
                None
            } else {
                Some(value.clone())
            };
            assert_eq!(value_of(field, &entry), Ok(expected), "{}", field.key);
        }
        assert_eq!(entry_of(&f[1], &json!(120_050)).text, "1,200.50");
        assert_eq!(entry_of(&f[0], &Value::Null), Entry::default());
    }

    #[test]
    fn wrong_or_missing_input_is_named_by_its_label() {
        let f = fields();
        assert_eq!(value_of(&f[0], &entry("  ")), Err("「事由」必填".into()));
        assert!(value_of(&f[0], &entry("一二三四五六七八九十十一")).is_err());
        assert_eq!(
            value_of(&f[1], &entry("-5")),
            Err("「金额」不能为负数".into())
        );
        assert!(value_of(&f[1], &entry("1.234")).is_err());
        assert!(value_of(&f[2], &entry("31")).is_err());
        assert!(value_of(&f[2], &entry("many")).is_err());
        let backwards = Entry {
            text: "2026-12-03".into(),
            until: "2026-12-01".into(),
            items: vec![],
        };
        assert!(value_of(&f[3], &backwards).is_err());
        assert_eq!(value_of(&f[2], &entry("")), Ok(None), "optional and empty");
    }
}
