//! Approval forms generated from a template's schema: what each field is, and turning what
//! a person typed into the value the server expects (money typed in 元, sent in 分).
//! Pure, tested natively; `pages::submit` draws it.

use api::{FieldType, RuleType};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::text;

/// A field as the form draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Key in the values map.
    pub key: String,
    /// Label.
    pub label: String,
    /// Type and its settings.
    pub kind: Kind,
    /// Must be filled in.
    pub required: bool,
}

/// Field types with their settings; which types exist is [`FieldType`]'s one list.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Text.
    Text {
        /// Longest text.
        max_len: usize,
    },
    /// A number.
    Number {
        /// Smallest value.
        min: Option<f64>,
        /// Largest value.
        max: Option<f64>,
    },
    /// Money: typed in 元, sent in 分.
    Money,
    /// A day.
    Date,
    /// Two days.
    DateRange,
    /// One option.
    Select {
        /// Options.
        options: Vec<String>,
    },
    /// Several options.
    MultiSelect {
        /// Options.
        options: Vec<String>,
    },
    /// Members.
    Members {
        /// More than one.
        multiple: bool,
    },
    /// Departments.
    Departments {
        /// More than one.
        multiple: bool,
    },
    /// A project.
    Project,
    /// Photos or files.
    Attachments {
        /// Most files.
        max: usize,
    },
    /// Computed by the server.
    Total {
        /// Money fields added up.
        of: Vec<String>,
    },
}

/// The fields of a template definition (`{"form": {"fields": [...]}}`); fields of a type
/// this H5 does not know are left out rather than breaking the form. Read by hand: serde's
/// flattened tagged enum costs ~18 KB of wasm for the same thing.
pub fn fields_of(definition: &Value) -> Vec<Field> {
    definition["form"]["fields"]
        .as_array()
        .map(|all| all.iter().filter_map(field_of).collect())
        .unwrap_or_default()
}

fn field_of(f: &Value) -> Option<Field> {
    let strings = |key: &str| -> Vec<String> {
        f[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let count = |key: &str, default: usize| {
        f[key]
            .as_u64()
            .map_or(default, |n| usize::try_from(n).unwrap_or(default))
    };
    let multiple = f["multiple"].as_bool().unwrap_or(false);
    let kind = match FieldType::from_code(f["type"].as_str()?)? {
        FieldType::Text => Kind::Text {
            max_len: count("max_len", 500),
        },
        FieldType::Number => Kind::Number {
            min: f["min"].as_f64(),
            max: f["max"].as_f64(),
        },
        FieldType::Money => Kind::Money,
        FieldType::Date => Kind::Date,
        FieldType::DateRange => Kind::DateRange,
        FieldType::Select => Kind::Select {
            options: strings("options"),
        },
        FieldType::MultiSelect => Kind::MultiSelect {
            options: strings("options"),
        },
        FieldType::Members => Kind::Members { multiple },
        FieldType::Departments => Kind::Departments { multiple },
        FieldType::Project => Kind::Project,
        FieldType::Attachments => Kind::Attachments {
            max: count("max", 9),
        },
        FieldType::Total => Kind::Total { of: strings("of") },
    };
    Some(Field {
        key: f["key"].as_str()?.to_owned(),
        label: f["label"].as_str()?.to_owned(),
        kind,
        required: f["required"].as_bool().unwrap_or(false),
    })
}

/// Approval nodes whose approvers the initiator picks (自选), as `(node id, node name)`,
/// in flow order, branches included (which branch applies is only known on submit).
pub fn chosen_nodes(definition: &Value) -> Vec<(String, String)> {
    fn walk(nodes: &Value, out: &mut Vec<(String, String)>) {
        for node in nodes.as_array().into_iter().flatten() {
            if node["rule"]["type"] == RuleType::Chosen.code()
                && let Some(id) = node["id"].as_str()
            {
                let name = node["name"].as_str().unwrap_or(id);
                out.push((id.to_owned(), name.to_owned()));
            }
            for arm in node["arms"].as_array().into_iter().flatten() {
                walk(&arm["nodes"], out);
            }
            walk(&node["otherwise"], out);
        }
    }
    let mut out = Vec::new();
    walk(&definition["flow"], &mut out);
    out
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
pub fn value_of(field: &Field, entry: &Entry) -> Result<Option<Value>, String> {
    let typed = entry.text.trim();
    let wrong = |why: &str| format!("「{}」{why}", field.label);
    let value = match &field.kind {
        Kind::Total { .. } => return Ok(None),
        Kind::Text { max_len } => {
            if typed.chars().count() > *max_len {
                return Err(wrong(&format!("不能超过 {max_len} 字")));
            }
            (!typed.is_empty()).then(|| json!(typed))
        }
        Kind::Number { min, max } => match typed {
            "" => None,
            t => {
                let n: f64 = t.parse().map_err(|_| wrong("应为数字"))?;
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    return Err(wrong("超出允许范围"));
                }
                Some(json!(n))
            }
        },
        Kind::Money => match typed {
            "" => None,
            t => {
                let fen = text::parse_yuan(t).map_err(wrong)?;
                if fen < 0 {
                    return Err(wrong("不能为负数"));
                }
                Some(json!(fen))
            }
        },
        Kind::Date | Kind::Select { .. } => (!typed.is_empty()).then(|| json!(typed)),
        Kind::DateRange => match (typed, entry.until.trim()) {
            ("", "") => None,
            (from, until) if !from.is_empty() && !until.is_empty() => {
                if until < from {
                    return Err(wrong("结束日期不能早于开始日期"));
                }
                Some(json!([from, until]))
            }
            _ => return Err(wrong("请填写开始和结束日期")),
        },
        Kind::MultiSelect { .. } | Kind::Attachments { .. } => {
            (!entry.items.is_empty()).then(|| json!(entry.items))
        }
        Kind::Members { multiple } => many_or_one(&entry.items, *multiple, |s| json!(s)),
        Kind::Departments { multiple } => {
            let ids: Vec<i64> = entry.items.iter().filter_map(|s| s.parse().ok()).collect();
            match (ids.as_slice(), multiple) {
                ([], _) => None,
                (ids, true) => Some(json!(ids)),
                ([one, ..], false) => Some(json!(one)),
            }
        }
        Kind::Project => match typed {
            "" => None,
            t => Some(json!(t.parse::<i64>().map_err(|_| wrong("请选择项目"))?)),
        },
    };
    if value.is_none() && field.required {
        return Err(wrong("必填"));
    }
    Ok(value)
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

    fn schema() -> Value {
        json!({"form": {"fields": [
            {"key": "title", "label": "事由", "type": "text", "max_len": 10, "required": true},
            {"key": "amount", "label": "金额", "type": "money", "required": true},
            {"key": "days", "label": "天数", "type": "number", "min": 0.5, "max": 30.0},
            {"key": "range", "label": "日期", "type": "date_range"},
            {"key": "who", "label": "同行人", "type": "members", "multiple": true},
            {"key": "dept", "label": "部门", "type": "departments", "multiple": false},
            {"key": "sum", "label": "合计", "type": "total", "of": ["amount"]},
            {"key": "future", "label": "未来的类型", "type": "hologram"}
        ]}})
    }

    fn entry(text: &str) -> Entry {
        Entry {
            text: text.to_owned(),
            ..Entry::default()
        }
    }

    #[test]
    fn nodes_the_initiator_staffs_are_found_in_branches_too() {
        let definition = json!({"flow": [
            {"type": "approve", "id": "pm", "name": "项目经理", "rule": {"type": "project_role", "role": "manager"}},
            {"type": "approve", "id": "tech", "name": "技术会签", "rule": {"type": "chosen"}},
            {"type": "branch", "id": "b", "arms": [
                {"when": {}, "nodes": [{"type": "cc", "id": "c1", "name": "抄送自选", "rule": {"type": "chosen"}}]}
            ], "otherwise": [{"type": "approve", "id": "o1", "rule": {"type": "chosen"}}]}
        ]});
        assert_eq!(
            chosen_nodes(&definition),
            [
                ("tech".into(), "技术会签".into()),
                ("c1".into(), "抄送自选".into()),
                ("o1".into(), "o1".into())
            ]
        );
        assert!(chosen_nodes(&json!({})).is_empty());
    }

    #[test]
    fn a_schema_becomes_fields_skipping_unknown_types() {
        let fields = fields_of(&schema());
        let keys: Vec<_> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            ["title", "amount", "days", "range", "who", "dept", "sum"]
        );
        assert_eq!(fields[0].kind, Kind::Text { max_len: 10 });
        assert!(fields_of(&json!({})).is_empty());
    }

    #[test]
    fn typed_values_become_what_the_server_takes() {
        let f = fields_of(&schema());
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
    fn wrong_or_missing_input_is_named_by_its_label() {
        let f = fields_of(&schema());
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
