//! A branch arm's condition as the visual editor edits it: the engine's JSON
//! (`crates/domain/src/approval/flow.rs` `Condition`: a field compared with a value, the
//! initiator's department, the project, and all/any/not of those) read into a tree of
//! [`Cond`], changed by the editor's buttons at a path in that tree, and written back.
//! What the editor does not know is kept as it was ([`Cond::Other`]).

use api::{FieldType, FormField};
use serde_json::{Value, json};

use crate::text;

/// A condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// A form field compared with a value (`op` is the engine's code, e.g. `gt`).
    Field {
        /// The field key.
        key: String,
        /// How to compare.
        op: String,
        /// With what (money in 分, as the form holds it).
        value: Value,
    },
    /// The initiator is in one of these departments (or below them).
    InitiatorIn(Vec<i64>),
    /// The form's project is one of these.
    ProjectIn(Vec<i64>),
    /// Every one holds.
    All(Vec<Cond>),
    /// At least one holds.
    Any(Vec<Cond>),
    /// It does not hold.
    Not(Box<Cond>),
    /// Something the editor does not draw, passed through.
    Other(Value),
}

/// The comparisons, as (engine code, label).
pub const OPS: [(&str, &str); 6] = [
    ("gt", "大于"),
    ("ge", "大于等于"),
    ("lt", "小于"),
    ("le", "小于等于"),
    ("eq", "等于"),
    ("ne", "不等于"),
];

/// The kinds of condition the editor offers, as (code, label).
pub const KINDS: [(&str, &str); 6] = [
    ("field", "表单字段"),
    ("initiator_in", "发起人部门"),
    ("project_in", "所属项目"),
    ("all", "同时满足"),
    ("any", "满足任一"),
    ("not", "不满足"),
];

fn ids(v: &Value) -> Option<Vec<i64>> {
    v.as_array()?.iter().map(Value::as_i64).collect()
}

impl Cond {
    /// Reads the engine's JSON.
    pub fn read(v: &Value) -> Cond {
        let list = |of: &Value| -> Option<Vec<Cond>> {
            Some(of.as_array()?.iter().map(Cond::read).collect())
        };
        let read = match v["type"].as_str() {
            Some("field") => match (v["key"].as_str(), v["op"].as_str()) {
                (Some(key), Some(op)) => Some(Cond::Field {
                    key: key.to_owned(),
                    op: op.to_owned(),
                    value: v["value"].clone(),
                }),
                _ => None,
            },
            Some("initiator_in") => ids(&v["departments"]).map(Cond::InitiatorIn),
            Some("project_in") => ids(&v["projects"]).map(Cond::ProjectIn),
            Some("all") => list(&v["of"]).map(Cond::All),
            Some("any") => list(&v["of"]).map(Cond::Any),
            Some("not") if v["of"].is_object() => Some(Cond::Not(Box::new(Cond::read(&v["of"])))),
            _ => None,
        };
        read.unwrap_or_else(|| Cond::Other(v.clone()))
    }

    /// The engine's JSON.
    pub fn write(&self) -> Value {
        let all = |of: &[Cond]| Value::Array(of.iter().map(Cond::write).collect());
        match self {
            Cond::Field { key, op, value } => {
                json!({"type": "field", "key": key, "op": op, "value": value})
            }
            Cond::InitiatorIn(d) => json!({"type": "initiator_in", "departments": d}),
            Cond::ProjectIn(p) => json!({"type": "project_in", "projects": p}),
            Cond::All(of) => json!({"type": "all", "of": all(of)}),
            Cond::Any(of) => json!({"type": "any", "of": all(of)}),
            Cond::Not(of) => json!({"type": "not", "of": of.write()}),
            Cond::Other(v) => v.clone(),
        }
    }

    /// Its kind's code (one of [`KINDS`], or `other`).
    pub fn kind(&self) -> &'static str {
        match self {
            Cond::Field { .. } => "field",
            Cond::InitiatorIn(_) => "initiator_in",
            Cond::ProjectIn(_) => "project_in",
            Cond::All(_) => "all",
            Cond::Any(_) => "any",
            Cond::Not(_) => "not",
            Cond::Other(_) => "other",
        }
    }

    /// The conditions inside a group (none for a leaf).
    pub fn children(&self) -> Vec<&Cond> {
        match self {
            Cond::All(of) | Cond::Any(of) => of.iter().collect(),
            Cond::Not(of) => vec![of],
            _ => Vec::new(),
        }
    }

    /// The condition at `path` (child indices from here).
    pub fn at_mut(&mut self, path: &[usize]) -> Option<&mut Cond> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match self {
            Cond::All(of) | Cond::Any(of) => of.get_mut(*first)?,
            Cond::Not(of) if *first == 0 => of,
            _ => return None,
        };
        child.at_mut(rest)
    }
}

/// A new comparison: the form's first number or money field (a total too) above 0, else
/// its first comparable field equal to nothing yet.
pub fn default_leaf(fields: &[FormField]) -> Cond {
    let numeric = fields.iter().find(|f| {
        matches!(
            f.kind,
            FieldType::Number | FieldType::Money | FieldType::Total
        )
    });
    match numeric.or_else(|| fields.iter().find(|f| comparable(f.kind))) {
        Some(f) => Cond::Field {
            key: f.key.clone(),
            op: if numeric.is_some() { "gt" } else { "eq" }.to_owned(),
            value: if numeric.is_some() {
                json!(0)
            } else {
                json!("")
            },
        },
        None => Cond::InitiatorIn(Vec::new()),
    }
}

/// Fields a condition may compare (a value, not a list or a file).
pub fn comparable(kind: FieldType) -> bool {
    matches!(
        kind,
        FieldType::Text
            | FieldType::Number
            | FieldType::Money
            | FieldType::Total
            | FieldType::Date
            | FieldType::Select
    )
}

/// Turns the condition at `path` into one of `kind`: a group wraps what was there, a leaf
/// starts afresh (a group turned into a leaf keeps its first leaf, if any).
pub fn set_kind(root: &mut Cond, path: &[usize], kind: &str, fields: &[FormField]) {
    let Some(here) = root.at_mut(path) else {
        return;
    };
    if here.kind() == kind {
        return;
    }
    let was = std::mem::replace(here, Cond::All(Vec::new()));
    let first_leaf = match &was {
        Cond::All(of) | Cond::Any(of) => of.first().cloned(),
        Cond::Not(of) => Some((**of).clone()),
        _ => None,
    };
    let wrapped = match &was {
        Cond::All(of) | Cond::Any(of) => of.clone(),
        other => vec![other.clone()],
    };
    *here = match kind {
        "all" => Cond::All(wrapped),
        "any" => Cond::Any(wrapped),
        "not" => Cond::Not(Box::new(was)),
        "initiator_in" => Cond::InitiatorIn(Vec::new()),
        "project_in" => Cond::ProjectIn(Vec::new()),
        _ => first_leaf
            .filter(|c| c.kind() == "field")
            .unwrap_or_else(|| default_leaf(fields)),
    };
}

/// Adds a new comparison to the group at `path`.
pub fn add_child(root: &mut Cond, path: &[usize], fields: &[FormField]) {
    if let Some(Cond::All(of) | Cond::Any(of)) = root.at_mut(path) {
        of.push(default_leaf(fields));
    }
}

/// Removes the condition at `path` from its group (`not` gives way to what it held).
pub fn remove(root: &mut Cond, path: &[usize]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match root.at_mut(parent) {
        Some(Cond::All(of) | Cond::Any(of)) if *last < of.len() => {
            of.remove(*last);
        }
        Some(here @ Cond::Not(_)) => {
            if let Cond::Not(inner) = std::mem::replace(here, Cond::All(Vec::new())) {
                *here = *inner;
            }
        }
        _ => {}
    }
}

/// A comparison's value as the editor shows it: money in 元, numbers plain, text as is.
pub fn value_text(kind: Option<FieldType>, value: &Value) -> String {
    match (kind, value) {
        (Some(FieldType::Money | FieldType::Total), Value::Number(n)) => {
            n.as_i64().map(text::yuan).unwrap_or_default()
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, other) => other.to_string(),
    }
}

/// What was typed as a comparison's value: money in 元 to 分, numbers as numbers; `Err`
/// says why it is not one.
pub fn value_of_text(kind: Option<FieldType>, typed: &str) -> Result<Value, String> {
    let typed = typed.trim();
    match kind {
        Some(FieldType::Money | FieldType::Total) => text::parse_yuan(typed)
            .map(|fen| json!(fen))
            .map_err(str::to_owned),
        Some(FieldType::Number) => typed
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|n| json!(n))
            .ok_or_else(|| "应为数字".to_owned()),
        _ => Ok(json!(typed)),
    }
}

/// Ids typed as `3, 5，8` (either comma); what is not a number is left out.
pub fn ids_of(typed: &str) -> Vec<i64> {
    typed
        .split([',', '，'])
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The condition in words, for the flow diagram.
pub fn describe(c: &Cond, fields: &[FormField]) -> String {
    let joined = |ids: &[i64]| {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join("、")
    };
    let group = |of: &[Cond], word: &str| {
        let parts: Vec<String> = of.iter().map(|c| describe(c, fields)).collect();
        match parts.len() {
            0 => "任何情况".to_owned(),
            1 => parts[0].clone(),
            _ => format!("（{}）", parts.join(word)),
        }
    };
    match c {
        Cond::Field { key, op, value } => {
            let field = fields.iter().find(|f| f.key == *key);
            let label = field.map_or(key.as_str(), |f| f.label.as_str());
            let op = OPS
                .iter()
                .find(|(code, _)| code == op)
                .map_or(op.as_str(), |o| o.1);
            let kind = field.map(|f| f.kind);
            let unit = if matches!(kind, Some(FieldType::Money | FieldType::Total)) {
                " 元"
            } else {
                ""
            };
            format!("{label} {op} {}{unit}", value_text(kind, value))
        }
        Cond::InitiatorIn(d) => format!("发起人属于部门 {}", joined(d)),
        Cond::ProjectIn(p) => format!("项目为 {}", joined(p)),
        Cond::All(of) => group(of, " 且 "),
        Cond::Any(of) => group(of, " 或 "),
        Cond::Not(of) => format!("非（{}）", describe(of, fields)),
        Cond::Other(_) => "其他条件（在 JSON 中编辑）".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<FormField> {
        serde_json::from_value(json!([
            {"key": "items", "label": "明细", "type": "text"},
            {"key": "total", "label": "合计", "type": "total", "of": []},
            {"key": "days", "label": "天数", "type": "number"}
        ]))
        .expect("fields")
    }

    #[test]
    fn the_engines_json_reads_and_writes_back_unchanged() {
        let json = json!({"type": "any", "of": [
            {"type": "field", "key": "total", "op": "gt", "value": 5_000_000},
            {"type": "not", "of": {"type": "initiator_in", "departments": [3, 5]}},
            {"type": "all", "of": [{"type": "project_in", "projects": [12]}]},
            {"type": "someday", "x": 1}
        ]});
        let c = Cond::read(&json);
        assert_eq!(c.kind(), "any");
        assert_eq!(c.children().len(), 4);
        assert!(matches!(c.children()[3], Cond::Other(_)), "unknown kept");
        assert_eq!(c.write(), json);
        assert_eq!(
            describe(&c, &fields()),
            "（合计 大于 50,000.00 元 或 非（发起人属于部门 3、5） 或 项目为 12 或 其他条件（在 JSON 中编辑））"
        );
        // A malformed one is kept as it was, not lost.
        let odd = json!({"type": "field", "key": 3});
        assert_eq!(Cond::read(&odd), Cond::Other(odd.clone()));
    }

    #[test]
    fn kinds_change_wrapping_or_starting_afresh() {
        let f = fields();
        let mut c = default_leaf(&f);
        assert_eq!(
            c.write(),
            json!({"type": "field", "key": "total", "op": "gt", "value": 0}),
            "the first numeric field"
        );
        set_kind(&mut c, &[], "all", &f);
        assert_eq!(c.children().len(), 1, "a group wraps the leaf");
        add_child(&mut c, &[], &f);
        set_kind(&mut c, &[1], "initiator_in", &f);
        if let Some(Cond::InitiatorIn(d)) = c.at_mut(&[1]) {
            *d = ids_of("3，5, x");
        }
        assert_eq!(
            c.write()["of"][1],
            json!({"type": "initiator_in", "departments": [3, 5]})
        );
        set_kind(&mut c, &[1], "not", &f);
        assert_eq!(c.write()["of"][1]["of"]["departments"], json!([3, 5]));
        remove(&mut c, &[1, 0]);
        assert_eq!(
            c.at_mut(&[1]).map(|c| c.kind()),
            Some("initiator_in"),
            "not unwrapped"
        );
        remove(&mut c, &[1]);
        assert_eq!(c.children().len(), 1);
        set_kind(&mut c, &[], "field", &f);
        assert_eq!(c.kind(), "field", "back to its first leaf");
        assert_eq!(
            c.at_mut(&[]).map(|c| c.kind()),
            Some("field"),
            "the root is itself"
        );
        assert!(c.at_mut(&[0]).is_none(), "a leaf has nothing inside");
        let bare = default_leaf(&[]);
        assert_eq!(bare, Cond::InitiatorIn(Vec::new()), "no field to compare");
    }

    #[test]
    fn values_are_typed_as_people_read_them() {
        let money = Some(FieldType::Total);
        assert_eq!(value_of_text(money, "50,000"), Ok(json!(5_000_000)));
        assert_eq!(value_text(money, &json!(5_000_000)), "50,000.00");
        assert!(value_of_text(money, "很多").is_err());
        assert_eq!(
            value_of_text(Some(FieldType::Number), " 3.5 "),
            Ok(json!(3.5))
        );
        assert!(value_of_text(Some(FieldType::Number), "三").is_err());
        assert_eq!(
            value_of_text(Some(FieldType::Select), "年假"),
            Ok(json!("年假"))
        );
        assert_eq!(value_text(None, &json!("年假")), "年假");
        assert!(comparable(FieldType::Date) && !comparable(FieldType::Attachments));
    }
}
