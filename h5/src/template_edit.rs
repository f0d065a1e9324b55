//! Editing an approval template as JSON, the way the visual editor's buttons do: fields and
//! top-level flow nodes added, moved, removed and changed. Works on `serde_json::Value` so
//! parts the editor does not draw (branch conditions, timeouts) pass through untouched; the
//! server checks the whole template on save. Pure, tested natively.

//!
//! The field types, node types, approver rules and sign modes it offers (and their Chinese
//! names) are the `api` enums' `ALL` and `label()`: one list shared with the server.

use api::{FieldType, NodeType, ProjectRole, RejectDefault, RuleType, SignMode};
use serde_json::{Value, json};

/// A new, empty template.
pub fn blank(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name": name,
        "form": {"fields": []},
        "flow": [],
        "card_fields": [],
        "on_reject": RejectDefault::Initiator.code()
    })
}

fn list<'a>(template: &'a mut Value, path: &[&str]) -> Option<&'a mut Vec<Value>> {
    let mut at = template;
    for key in path {
        at = at.get_mut(*key)?;
    }
    at.as_array_mut()
}

fn fields(template: &mut Value) -> Option<&mut Vec<Value>> {
    list(template, &["form", "fields"])
}

fn nodes(template: &mut Value) -> Option<&mut Vec<Value>> {
    list(template, &["flow"])
}

/// A key not used by any field yet (`field1`, `field2`, …).
fn fresh(taken: &[Value], prefix: &str, key: &str) -> String {
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|k| !taken.iter().any(|v| v[key] == json!(k)))
        .unwrap_or_default()
}

/// Appends a text field.
pub fn add_field(template: &mut Value) {
    if let Some(all) = fields(template) {
        let key = fresh(all, "field", "key");
        all.push(
            json!({"key": key, "label": "新字段", "type": FieldType::Text.code(),
            "max_len": 200, "required": false}),
        );
    }
}

/// Appends an approval node (first approver: the initiator's leader) or a CC node.
pub fn add_node(template: &mut Value, cc: bool) {
    if let Some(all) = nodes(template) {
        let id = fresh(all, "node", "id");
        let rule = json!({"type": RuleType::Leader.code(), "level": 1});
        all.push(if cc {
            json!({"type": NodeType::Cc.code(), "id": id, "name": "抄送", "rule": rule})
        } else {
            json!({"type": NodeType::Approve.code(), "id": id, "name": "审批",
                   "mode": SignMode::Any.code(), "rule": rule})
        });
    }
}

/// Which list an edit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Form fields.
    Fields,
    /// Top-level flow nodes.
    Nodes,
}

fn part(template: &mut Value, part: Part) -> Option<&mut Vec<Value>> {
    match part {
        Part::Fields => fields(template),
        Part::Nodes => nodes(template),
    }
}

/// Removes item `index`.
pub fn remove(template: &mut Value, which: Part, index: usize) {
    if let Some(all) = part(template, which)
        && index < all.len()
    {
        all.remove(index);
    }
}

/// Moves item `index` one place up (or down).
pub fn shift(template: &mut Value, which: Part, index: usize, up: bool) {
    if let Some(all) = part(template, which) {
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(other) = other.filter(|o| *o < all.len() && index < all.len()) {
            all.swap(index, other);
        }
    }
}

/// Sets `key` of item `index` to `value`.
pub fn set(template: &mut Value, which: Part, index: usize, key: &str, value: Value) {
    if let Some(item) = part(template, which).and_then(|all| all.get_mut(index)) {
        item[key] = value;
    }
}

/// Changes field `index` to `kind`, giving the settings that type needs.
pub fn set_field_type(template: &mut Value, index: usize, kind: FieldType) {
    let Some(field) = fields(template).and_then(|all| all.get_mut(index)) else {
        return;
    };
    let Some(object) = field.as_object_mut() else {
        return;
    };
    for stale in ["max_len", "min", "max", "options", "multiple", "of"] {
        object.remove(stale);
    }
    object.insert("type".into(), json!(kind.code()));
    match kind {
        FieldType::Text => {
            object.insert("max_len".into(), json!(200));
        }
        FieldType::Select | FieldType::MultiSelect => {
            object.insert("options".into(), json!(["选项一", "选项二"]));
        }
        FieldType::Members | FieldType::Departments => {
            object.insert("multiple".into(), json!(false));
        }
        FieldType::Attachments => {
            object.insert("max".into(), json!(9));
        }
        FieldType::Total => {
            object.insert("of".into(), json!([]));
        }
        FieldType::Number
        | FieldType::Money
        | FieldType::Date
        | FieldType::DateRange
        | FieldType::Project => {}
    }
}

/// Options typed as `a，b, c` (either comma) into a list.
pub fn options_of(typed: &str) -> Value {
    json!(
        typed
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    )
}

/// Sets node `index`'s approver rule from its type and the one setting it takes.
pub fn set_rule(template: &mut Value, index: usize, kind: RuleType, setting: &str) {
    let code = kind.code();
    let rule = match kind {
        RuleType::Members => json!({"type": code, "userids": options_of(setting)}),
        RuleType::Leader => {
            json!({"type": code, "level": setting.parse::<u8>().unwrap_or(1).max(1)})
        }
        RuleType::LeaderChain => {
            json!({"type": code, "levels": setting.parse::<u8>().unwrap_or(2).max(1)})
        }
        RuleType::ProjectRole => json!({"type": code,
            "role": ProjectRole::from_code(setting).unwrap_or(ProjectRole::Manager).code()}),
        RuleType::Tag => json!({"type": code, "tag_id": setting.parse::<i64>().unwrap_or(1)}),
        RuleType::Chosen | RuleType::Finance => json!({"type": code}),
    };
    set(template, Part::Nodes, index, "rule", rule);
}

/// The one setting of a rule, as the editor shows it in a text box.
pub fn rule_setting(rule: &Value) -> String {
    match rule_type(rule) {
        Some(RuleType::Members) => rule["userids"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        Some(RuleType::Leader) => rule["level"].to_string(),
        Some(RuleType::LeaderChain) => rule["levels"].to_string(),
        Some(RuleType::ProjectRole) => rule["role"].as_str().unwrap_or_default().to_owned(),
        Some(RuleType::Tag) => rule["tag_id"].to_string(),
        Some(RuleType::Chosen | RuleType::Finance) | None => String::new(),
    }
}

/// A rule's type, if it is one this H5 knows.
pub fn rule_type(rule: &Value) -> Option<RuleType> {
    RuleType::from_code(rule["type"].as_str()?)
}

/// A field's type, if it is one this H5 knows.
pub fn field_type(field: &Value) -> Option<FieldType> {
    FieldType::from_code(field["type"].as_str()?)
}

/// A node's type, if it is one this H5 knows.
pub fn node_type(node: &Value) -> Option<NodeType> {
    NodeType::from_code(node["type"].as_str()?)
}

/// A node in words, for the flow diagram.
pub fn describe(node: &Value) -> String {
    let rule = &node["rule"];
    let who = match rule_type(rule) {
        Some(RuleType::Members) => format!("指定成员 {}", rule_setting(rule)),
        Some(RuleType::Leader) => format!("第 {} 级上级", rule["level"]),
        Some(RuleType::LeaderChain) => format!("逐级上级至第 {} 级", rule["levels"]),
        Some(RuleType::ProjectRole) => rule["role"]
            .as_str()
            .and_then(ProjectRole::from_code)
            .map_or("项目成员", ProjectRole::label)
            .to_owned(),
        Some(RuleType::Tag) => format!("标签 {} 成员", rule["tag_id"]),
        Some(other @ (RuleType::Chosen | RuleType::Finance)) => other.label().to_owned(),
        None => "—".to_owned(),
    };
    match node_type(node) {
        Some(NodeType::Approve) => {
            let mode = node["mode"]
                .as_str()
                .and_then(SignMode::from_code)
                .unwrap_or(SignMode::Any);
            format!("{}：{who}（{}）", NodeType::Approve.label(), mode.label())
        }
        Some(NodeType::Cc) => format!("{}：{who}", NodeType::Cc.label()),
        Some(NodeType::Branch) => format!(
            "{}：{} 个分支（在 JSON 中编辑）",
            NodeType::Branch.label(),
            node["arms"].as_array().map_or(0, Vec::len)
        ),
        None => "未知节点".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_added_typed_moved_and_removed() {
        let mut t = blank("leave", "请假");
        add_field(&mut t);
        add_field(&mut t);
        assert_eq!(t["form"]["fields"][1]["key"], json!("field2"));
        set(&mut t, Part::Fields, 0, "label", json!("事由"));
        set_field_type(&mut t, 1, FieldType::Select);
        assert_eq!(
            t["form"]["fields"][1]["options"],
            json!(["选项一", "选项二"])
        );
        assert!(
            t["form"]["fields"][1].get("max_len").is_none(),
            "stale settings go"
        );
        set(
            &mut t,
            Part::Fields,
            1,
            "options",
            options_of("年假，病假, 事假,"),
        );
        assert_eq!(
            t["form"]["fields"][1]["options"],
            json!(["年假", "病假", "事假"])
        );
        shift(&mut t, Part::Fields, 1, true);
        assert_eq!(t["form"]["fields"][0]["key"], json!("field2"));
        shift(&mut t, Part::Fields, 1, false);
        shift(&mut t, Part::Fields, 0, true);
        assert_eq!(
            t["form"]["fields"][0]["key"],
            json!("field2"),
            "edges stay put"
        );
        remove(&mut t, Part::Fields, 0);
        remove(&mut t, Part::Fields, 9);
        assert_eq!(t["form"]["fields"].as_array().map(Vec::len), Some(1));
        add_field(&mut t);
        assert_eq!(
            t["form"]["fields"][1]["key"],
            json!("field2"),
            "a freed key is reused"
        );
    }

    #[test]
    fn nodes_get_rules_and_read_as_words() {
        let mut t = blank("leave", "请假");
        add_node(&mut t, false);
        add_node(&mut t, true);
        assert_eq!(describe(&t["flow"][0]), "审批：第 1 级上级（或签）");
        set_rule(&mut t, 0, RuleType::Members, "zhangsan, lisi");
        set(&mut t, Part::Nodes, 0, "mode", json!("all"));
        assert_eq!(
            describe(&t["flow"][0]),
            "审批：指定成员 zhangsan,lisi（会签）"
        );
        assert_eq!(rule_setting(&t["flow"][0]["rule"]), "zhangsan,lisi");
        set_rule(&mut t, 1, RuleType::ProjectRole, "");
        assert_eq!(describe(&t["flow"][1]), "抄送：项目经理");
        set_rule(&mut t, 0, RuleType::LeaderChain, "x");
        assert_eq!(
            t["flow"][0]["rule"],
            json!({"type": "leader_chain", "levels": 2})
        );
        let branch = json!({"type": "branch", "id": "b", "arms": [{}, {}]});
        assert_eq!(describe(&branch), "条件分支：2 个分支（在 JSON 中编辑）");
    }

    #[test]
    fn what_the_editor_does_not_draw_passes_through() {
        let mut t = blank("x", "x");
        t["flow"] = json!([{"type": "branch", "id": "b1", "arms": [{"when": {"type": "field",
            "key": "amount", "op": "gt", "value": 100}, "nodes": []}], "otherwise": []}]);
        add_node(&mut t, false);
        assert_eq!(t["flow"][0]["arms"][0]["when"]["op"], json!("gt"));
        assert_eq!(t["flow"][1]["id"], json!("node1"));
    }
}
