//! Editing an approval template the way the visual editor's buttons do: fields and
//! top-level flow nodes added, moved, removed and changed. Works on the typed
//! `api::TemplateDefinition`; what the editor does not draw (branch conditions, timeouts)
//! is carried in it as JSON and passes through untouched. The server checks the whole
//! template on save. Pure, tested natively.
//!
//! The field types, node types, approver rules and sign modes it offers (and their Chinese
//! names) are the `api` enums' `ALL` and `label()`: one list shared with the server.

use api::{
    FieldType, FlowNode, FormDefinition, FormField, NodeType, ProjectRole, RejectDefault, RuleSpec,
    RuleType, SelfApproval, SignMode, TemplateDefinition,
};

/// A new, empty template.
pub fn blank(code: &str, name: &str) -> TemplateDefinition {
    TemplateDefinition {
        code: code.to_owned(),
        name: name.to_owned(),
        form: FormDefinition::default(),
        flow: Vec::new(),
        card_fields: Vec::new(),
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

/// The first of `prefix1`, `prefix2`, … not in `taken`.
fn fresh<'a>(taken: impl Iterator<Item = &'a str>, prefix: &str) -> String {
    let taken: Vec<&str> = taken.collect();
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|k| !taken.contains(&k.as_str()))
        .unwrap_or_default()
}

/// Field `index`, to change.
pub fn field_mut(template: &mut TemplateDefinition, index: usize) -> Option<&mut FormField> {
    template.form.fields.get_mut(index)
}

/// Top-level node `index`, to change.
pub fn node_mut(template: &mut TemplateDefinition, index: usize) -> Option<&mut FlowNode> {
    template.flow.get_mut(index)
}

/// Appends a text field.
pub fn add_field(template: &mut TemplateDefinition) {
    let all = &mut template.form.fields;
    let key = fresh(all.iter().map(|f| f.key.as_str()), "field");
    let mut field = FormField::new(&key, "新字段", FieldType::Text);
    field.max_len = Some(200);
    all.push(field);
}

/// Appends an approval node (first approver: the initiator's leader) or a CC node.
pub fn add_node(template: &mut TemplateDefinition, cc: bool) {
    let all = &mut template.flow;
    let id = fresh(all.iter().map(|n| n.id.as_str()), "node");
    let mut rule = RuleSpec::new(RuleType::Leader);
    rule.level = Some(1);
    let (kind, name, mode) = if cc {
        (NodeType::Cc, "抄送", None)
    } else {
        (NodeType::Approve, "审批", Some(SignMode::Any))
    };
    all.push(FlowNode {
        kind,
        id,
        name: Some(name.to_owned()),
        rule: Some(rule),
        mode,
        timeout: None,
        arms: None,
        otherwise: Vec::new(),
    });
}

/// Which list an edit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Form fields.
    Fields,
    /// Top-level flow nodes.
    Nodes,
}

/// Removes item `index`.
pub fn remove(template: &mut TemplateDefinition, which: Part, index: usize) {
    fn at<T>(all: &mut Vec<T>, index: usize) {
        if index < all.len() {
            all.remove(index);
        }
    }
    match which {
        Part::Fields => at(&mut template.form.fields, index),
        Part::Nodes => at(&mut template.flow, index),
    }
}

/// Moves item `index` one place up (or down).
pub fn shift(template: &mut TemplateDefinition, which: Part, index: usize, up: bool) {
    fn at<T>(all: &mut [T], index: usize, up: bool) {
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1)
        };
        if let Some(other) = other.filter(|o| *o < all.len() && index < all.len()) {
            all.swap(index, other);
        }
    }
    match which {
        Part::Fields => at(&mut template.form.fields, index, up),
        Part::Nodes => at(&mut template.flow, index, up),
    }
}

/// Changes field `index` to `kind`, giving the settings that type needs and dropping the
/// others.
pub fn set_field_type(template: &mut TemplateDefinition, index: usize, kind: FieldType) {
    let Some(field) = field_mut(template, index) else {
        return;
    };
    let mut next = FormField::new(&field.key, &field.label, kind);
    next.required = field.required;
    match kind {
        FieldType::Text => next.max_len = Some(200),
        FieldType::Select | FieldType::MultiSelect => {
            next.options = Some(vec!["选项一".to_owned(), "选项二".to_owned()]);
        }
        FieldType::Members | FieldType::Departments => next.multiple = Some(false),
        FieldType::Attachments => next.max = Some(9.0),
        FieldType::Total => next.of = Some(Vec::new()),
        FieldType::Number
        | FieldType::Money
        | FieldType::Date
        | FieldType::DateRange
        | FieldType::Project => {}
    }
    *field = next;
}

/// Options typed as `a，b, c` (either comma) into a list.
pub fn options_of(typed: &str) -> Vec<String> {
    typed
        .split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sets node `index`'s approver rule from its type and the one setting it takes.
pub fn set_rule(template: &mut TemplateDefinition, index: usize, kind: RuleType, setting: &str) {
    let mut rule = RuleSpec::new(kind);
    let was = template.flow.get(index).and_then(|n| n.rule.as_ref());
    match kind {
        RuleType::Members => rule.userids = Some(options_of(setting)),
        RuleType::Leader => rule.level = Some(setting.parse::<u8>().unwrap_or(1).max(1)),
        RuleType::LeaderChain => rule.levels = Some(setting.parse::<u8>().unwrap_or(2).max(1)),
        RuleType::ProjectRole => {
            rule.role = Some(ProjectRole::from_code(setting).unwrap_or(ProjectRole::Manager));
        }
        RuleType::Tag => rule.tag_id = Some(setting.parse::<i64>().unwrap_or(1)),
        // The bound is typed here; a scope set in JSON is kept.
        RuleType::Chosen => {
            rule.max = setting.parse::<u8>().ok().filter(|n| *n > 0);
            rule.among = was.and_then(|r| r.among.clone());
        }
        RuleType::Finance => {}
    }
    if let Some(node) = node_mut(template, index) {
        node.rule = Some(rule);
    }
}

/// The one setting of a rule, as the editor shows it in a text box.
pub fn rule_setting(rule: &RuleSpec) -> String {
    let shown = |n: Option<String>| n.unwrap_or_default();
    match rule.kind {
        RuleType::Members => rule.userids.as_deref().unwrap_or_default().join(","),
        RuleType::Leader => shown(rule.level.map(|n| n.to_string())),
        RuleType::LeaderChain => shown(rule.levels.map(|n| n.to_string())),
        RuleType::ProjectRole => rule
            .role
            .map(ProjectRole::code)
            .unwrap_or_default()
            .to_owned(),
        RuleType::Tag => shown(rule.tag_id.map(|n| n.to_string())),
        RuleType::Chosen => shown(rule.max.map(|n| n.to_string())),
        RuleType::Finance => String::new(),
    }
}

/// A node in words, for the flow diagram.
pub fn describe(node: &FlowNode) -> String {
    let who = match &node.rule {
        Some(rule) => match rule.kind {
            RuleType::Members => format!("指定成员 {}", rule_setting(rule)),
            RuleType::Leader => format!("第 {} 级上级", rule_setting(rule)),
            RuleType::LeaderChain => format!("逐级上级至第 {} 级", rule_setting(rule)),
            RuleType::ProjectRole => rule.role.map_or("项目成员", ProjectRole::label).to_owned(),
            RuleType::Tag => format!("标签 {} 成员", rule_setting(rule)),
            RuleType::Chosen => format!(
                "{}（最多 {} 人）",
                RuleType::Chosen.label(),
                rule.max.unwrap_or(20)
            ),
            RuleType::Finance => RuleType::Finance.label().to_owned(),
        },
        None => "—".to_owned(),
    };
    match node.kind {
        NodeType::Approve => {
            let mode = node.mode.unwrap_or(SignMode::Any);
            format!("{}：{who}（{}）", NodeType::Approve.label(), mode.label())
        }
        NodeType::Cc => format!("{}：{who}", NodeType::Cc.label()),
        NodeType::Branch => format!(
            "{}：{} 个分支（在 JSON 中编辑）",
            NodeType::Branch.label(),
            node.arms.as_ref().map_or(0, Vec::len)
        ),
    }
}

/// The template as the JSON view shows it.
pub fn to_json(template: &TemplateDefinition) -> String {
    serde_json::to_string_pretty(template).unwrap_or_default()
}

/// What the JSON view holds, read back; the error says where it does not fit.
pub fn from_json(text: &str) -> Result<TemplateDefinition, String> {
    serde_json::from_str(text).map_err(|e| format!("JSON 格式不正确：{e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_are_added_typed_moved_and_removed() {
        let mut t = blank("leave", "请假");
        add_field(&mut t);
        add_field(&mut t);
        assert_eq!(t.form.fields[1].key, "field2");
        if let Some(f) = field_mut(&mut t, 0) {
            f.label = "事由".into();
        }
        set_field_type(&mut t, 1, FieldType::Select);
        assert_eq!(
            t.form.fields[1].options.as_deref(),
            Some(&["选项一".to_owned(), "选项二".to_owned()][..])
        );
        assert_eq!(t.form.fields[1].max_len, None, "stale settings go");
        if let Some(f) = field_mut(&mut t, 1) {
            f.options = Some(options_of("年假，病假, 事假,"));
        }
        assert_eq!(
            t.form.fields[1].options,
            Some(vec!["年假".into(), "病假".into(), "事假".into()])
        );
        shift(&mut t, Part::Fields, 1, true);
        assert_eq!(t.form.fields[0].key, "field2");
        shift(&mut t, Part::Fields, 1, false);
        shift(&mut t, Part::Fields, 0, true);
        assert_eq!(t.form.fields[0].key, "field2", "edges stay put");
        remove(&mut t, Part::Fields, 0);
        remove(&mut t, Part::Fields, 9);
        assert_eq!(t.form.fields.len(), 1);
        add_field(&mut t);
        assert_eq!(t.form.fields[1].key, "field2", "a freed key is reused");
    }

    #[test]
    fn nodes_get_rules_and_read_as_words() {
        let mut t = blank("leave", "请假");
        add_node(&mut t, false);
        add_node(&mut t, true);
        assert_eq!(describe(&t.flow[0]), "审批：第 1 级上级（或签）");
        set_rule(&mut t, 0, RuleType::Members, "zhangsan, lisi");
        if let Some(n) = node_mut(&mut t, 0) {
            n.mode = Some(SignMode::All);
        }
        assert_eq!(describe(&t.flow[0]), "审批：指定成员 zhangsan,lisi（会签）");
        assert_eq!(
            t.flow[0].rule.as_ref().map(rule_setting).as_deref(),
            Some("zhangsan,lisi")
        );
        set_rule(&mut t, 1, RuleType::ProjectRole, "");
        assert_eq!(describe(&t.flow[1]), "抄送：项目经理");
        set_rule(&mut t, 0, RuleType::LeaderChain, "x");
        assert_eq!(
            serde_json::to_value(&t.flow[0].rule).expect("json"),
            json!({"type": "leader_chain", "levels": 2})
        );
        let branch: FlowNode = serde_json::from_value(
            json!({"type": "branch", "id": "b", "arms": [{"when": {}, "nodes": []},
                {"when": {}, "nodes": []}]}),
        )
        .expect("a branch");
        assert_eq!(describe(&branch), "条件分支：2 个分支（在 JSON 中编辑）");
    }

    #[test]
    fn what_the_editor_does_not_draw_passes_through() {
        let mut t = blank("x", "x");
        let flow = json!([{"type": "branch", "id": "b1", "arms": [{"when": {"type": "field",
            "key": "amount", "op": "gt", "value": 100}, "nodes": [{"type": "approve", "id": "a",
            "name": "a", "mode": "any", "rule": {"type": "finance"},
            "timeout": {"remind_after_hours": 24, "escalate_after_hours": 48}}]}],
            "otherwise": [{"type": "cc", "id": "c", "name": "c", "rule": {"type": "chosen"}}]}]);
        t.flow = serde_json::from_value(flow.clone()).expect("flow");
        add_node(&mut t, false);
        assert_eq!(t.flow[1].id, "node1");
        let written = serde_json::to_value(&t).expect("json");
        assert_eq!(written["flow"][0], flow[0], "the branch is kept whole");
        assert_eq!(from_json(&to_json(&t)), Ok(t), "the JSON view round-trips");
        assert!(from_json("{").is_err());
    }
}
