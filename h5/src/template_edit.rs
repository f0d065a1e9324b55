//! Editing an approval template as JSON, the way the visual editor's buttons do: fields and
//! top-level flow nodes added, moved, removed and changed. Works on `serde_json::Value` so
//! parts the editor does not draw (branch conditions, timeouts) pass through untouched; the
//! server checks the whole template on save. Pure, tested natively.

use serde_json::{Value, json};

/// Field types the editor offers, with their Chinese names.
pub const FIELD_TYPES: [(&str, &str); 12] = [
    ("text", "文本"),
    ("number", "数字"),
    ("money", "金额"),
    ("date", "日期"),
    ("date_range", "日期区间"),
    ("select", "单选"),
    ("multi_select", "多选"),
    ("members", "成员"),
    ("departments", "部门"),
    ("project", "项目"),
    ("attachments", "照片/附件"),
    ("total", "合计"),
];

/// Approver rules the editor offers.
pub const RULES: [(&str, &str); 7] = [
    ("members", "指定成员"),
    ("leader", "上级领导"),
    ("leader_chain", "逐级领导"),
    ("project_role", "项目角色"),
    ("chosen", "发起人自选"),
    ("finance", "财务"),
    ("tag", "标签成员"),
];

/// A new, empty template.
pub fn blank(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name": name,
        "form": {"fields": []},
        "flow": [],
        "card_fields": [],
        "on_reject": "initiator"
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
        all.push(json!({"key": key, "label": "新字段", "type": "text", "max_len": 200, "required": false}));
    }
}

/// Appends an approval node (first approver: the initiator's leader) or a CC node.
pub fn add_node(template: &mut Value, cc: bool) {
    if let Some(all) = nodes(template) {
        let id = fresh(all, "node", "id");
        all.push(if cc {
            json!({"type": "cc", "id": id, "name": "抄送", "rule": {"type": "leader", "level": 1}})
        } else {
            json!({"type": "approve", "id": id, "name": "审批", "mode": "any",
                   "rule": {"type": "leader", "level": 1}})
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
pub fn set_field_type(template: &mut Value, index: usize, kind: &str) {
    let Some(field) = fields(template).and_then(|all| all.get_mut(index)) else {
        return;
    };
    let Some(object) = field.as_object_mut() else {
        return;
    };
    for stale in ["max_len", "min", "max", "options", "multiple", "of"] {
        object.remove(stale);
    }
    object.insert("type".into(), json!(kind));
    match kind {
        "text" => {
            object.insert("max_len".into(), json!(200));
        }
        "select" | "multi_select" => {
            object.insert("options".into(), json!(["选项一", "选项二"]));
        }
        "members" | "departments" => {
            object.insert("multiple".into(), json!(false));
        }
        "attachments" => {
            object.insert("max".into(), json!(9));
        }
        "total" => {
            object.insert("of".into(), json!([]));
        }
        _ => {}
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
pub fn set_rule(template: &mut Value, index: usize, kind: &str, setting: &str) {
    let rule = match kind {
        "members" => json!({"type": "members", "userids": options_of(setting)}),
        "leader" => json!({"type": "leader", "level": setting.parse::<u8>().unwrap_or(1).max(1)}),
        "leader_chain" => {
            json!({"type": "leader_chain", "levels": setting.parse::<u8>().unwrap_or(2).max(1)})
        }
        "project_role" => json!({"type": "project_role",
            "role": if setting.is_empty() { "manager" } else { setting }}),
        "tag" => json!({"type": "tag", "tag_id": setting.parse::<i64>().unwrap_or(1)}),
        "chosen" => json!({"type": "chosen"}),
        _ => json!({"type": "finance"}),
    };
    set(template, Part::Nodes, index, "rule", rule);
}

/// The one setting of a rule, as the editor shows it in a text box.
pub fn rule_setting(rule: &Value) -> String {
    match rule["type"].as_str().unwrap_or_default() {
        "members" => rule["userids"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        "leader" => rule["level"].to_string(),
        "leader_chain" => rule["levels"].to_string(),
        "project_role" => rule["role"].as_str().unwrap_or_default().to_owned(),
        "tag" => rule["tag_id"].to_string(),
        _ => String::new(),
    }
}

/// A node in words, for the flow diagram.
pub fn describe(node: &Value) -> String {
    let rule = &node["rule"];
    let who = match rule["type"].as_str().unwrap_or_default() {
        "members" => format!("指定成员 {}", rule_setting(rule)),
        "leader" => format!("第 {} 级上级", rule["level"]),
        "leader_chain" => format!("逐级上级至第 {} 级", rule["levels"]),
        "project_role" => format!(
            "项目{}",
            project_role(rule["role"].as_str().unwrap_or_default())
        ),
        "chosen" => "发起人自选".to_owned(),
        "finance" => "财务".to_owned(),
        "tag" => format!("标签 {} 成员", rule["tag_id"]),
        _ => "—".to_owned(),
    };
    match node["type"].as_str().unwrap_or_default() {
        "approve" => {
            let mode = match node["mode"].as_str().unwrap_or_default() {
                "all" => "会签",
                "sequential" => "依次审批",
                _ => "或签",
            };
            format!("审批：{who}（{mode}）")
        }
        "cc" => format!("抄送：{who}"),
        "branch" => format!(
            "条件分支：{} 个分支（在 JSON 中编辑）",
            node["arms"].as_array().map_or(0, Vec::len)
        ),
        _ => "未知节点".to_owned(),
    }
}

fn project_role(code: &str) -> &'static str {
    match code {
        "manager" => "经理",
        "engineer" => "工程师",
        "safety" => "安全员",
        "foreman" => "施工员",
        _ => "成员",
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
        set_field_type(&mut t, 1, "select");
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
        set_rule(&mut t, 0, "members", "zhangsan, lisi");
        set(&mut t, Part::Nodes, 0, "mode", json!("all"));
        assert_eq!(
            describe(&t["flow"][0]),
            "审批：指定成员 zhangsan,lisi（会签）"
        );
        assert_eq!(rule_setting(&t["flow"][0]["rule"]), "zhangsan,lisi");
        set_rule(&mut t, 1, "project_role", "");
        assert_eq!(describe(&t["flow"][1]), "抄送：项目经理");
        set_rule(&mut t, 0, "leader_chain", "x");
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
