//! Editing an approval template the way the visual editor's buttons do: fields and flow
//! nodes added, moved, removed and changed, at the top of the flow or inside a branch's
//! arms ([`At`]), and branch conditions edited as a tree ([`condition`]). Works on the
//! typed `api::TemplateDefinition`; what the editor does not draw (timeouts, conditions
//! it does not know) is carried in it as JSON and passes through untouched. The server
//! checks the whole template on save and names the node at fault ([`fault_node`]). Pure,
//! tested natively.
//!
//! The field types, node types, approver rules and sign modes it offers (and their Chinese
//! names) are the `api` enums' `ALL` and `label()`: one list shared with the server.

pub mod condition;

use api::{
    BranchArm, FieldType, FlowNode, FormDefinition, FormField, NodeType, ProjectRole,
    RejectDefault, RuleSpec, RuleType, SelfApproval, SignMode, TemplateDefinition,
};

use condition::Cond;

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

/// Which list of a branch node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The nodes of arm `n`.
    Arm(usize),
    /// The nodes taken when no arm is.
    Otherwise,
}

/// Where a list of flow nodes sits: the top of the flow (no steps), or inside branches,
/// each step a branch node's index in the list so far and which of its lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct At(pub Vec<(usize, Slot)>);

impl At {
    /// The list inside node `index` of this one.
    pub fn inside(&self, index: usize, slot: Slot) -> At {
        let mut steps = self.0.clone();
        steps.push((index, slot));
        At(steps)
    }
}

/// The list of nodes at `at`, to change.
pub fn nodes_mut<'a>(
    template: &'a mut TemplateDefinition,
    at: &At,
) -> Option<&'a mut Vec<FlowNode>> {
    let mut list = &mut template.flow;
    for (index, slot) in &at.0 {
        let node = list.get_mut(*index)?;
        list = match slot {
            Slot::Arm(arm) => &mut node.arms.as_mut()?.get_mut(*arm)?.nodes,
            Slot::Otherwise => &mut node.otherwise,
        };
    }
    Some(list)
}

/// Node `index` of the list at `at`, to change.
pub fn node_mut<'a>(
    template: &'a mut TemplateDefinition,
    at: &At,
    index: usize,
) -> Option<&'a mut FlowNode> {
    nodes_mut(template, at)?.get_mut(index)
}

/// Every node id in the flow, branches included, in flow order.
pub fn all_ids(template: &TemplateDefinition) -> Vec<String> {
    fn walk(nodes: &[FlowNode], out: &mut Vec<String>) {
        for n in nodes {
            out.push(n.id.clone());
            for arm in n.arms.iter().flatten() {
                walk(&arm.nodes, out);
            }
            walk(&n.otherwise, out);
        }
    }
    let mut out = Vec::new();
    walk(&template.flow, &mut out);
    out
}

/// The node the server's message is about: it names it as `节点 {id}：`.
pub fn fault_node(template: &TemplateDefinition, message: &str) -> Option<String> {
    all_ids(template)
        .into_iter()
        .find(|id| message.contains(&format!("节点 {id}：")))
}

/// Appends a text field.
pub fn add_field(template: &mut TemplateDefinition) {
    let all = &mut template.form.fields;
    let key = fresh(all.iter().map(|f| f.key.as_str()), "field");
    let mut field = FormField::new(&key, "新字段", FieldType::Text);
    field.max_len = Some(200);
    all.push(field);
}

/// Appends to the list at `at` an approval node (first approver: the initiator's leader),
/// a CC node, or a branch with one arm (a comparison on the form) and nothing else yet.
pub fn add_node(template: &mut TemplateDefinition, at: &At, kind: NodeType) {
    let ids = all_ids(template);
    let prefix = if kind == NodeType::Branch {
        "branch"
    } else {
        "node"
    };
    let id = fresh(ids.iter().map(String::as_str), prefix);
    let arm = new_arm(&template.form.fields);
    let Some(list) = nodes_mut(template, at) else {
        return;
    };
    let mut rule = RuleSpec::new(RuleType::Leader);
    rule.level = Some(1);
    let (name, mode) = match kind {
        NodeType::Cc => ("抄送", None),
        _ => ("审批", Some(SignMode::Any)),
    };
    let branch = kind == NodeType::Branch;
    list.push(FlowNode {
        kind,
        id,
        name: (!branch).then(|| name.to_owned()),
        rule: (!branch).then_some(rule),
        mode: mode.filter(|_| !branch),
        timeout: None,
        arms: branch.then(|| vec![arm]),
        otherwise: Vec::new(),
    });
}

fn new_arm(fields: &[FormField]) -> BranchArm {
    BranchArm {
        when: condition::default_leaf(fields).write(),
        nodes: Vec::new(),
    }
}

/// Adds an arm to branch node `index` of the list at `at`.
pub fn add_arm(template: &mut TemplateDefinition, at: &At, index: usize) {
    let arm = new_arm(&template.form.fields);
    if let Some(arms) = node_mut(template, at, index).and_then(|n| n.arms.as_mut()) {
        arms.push(arm);
    }
}

/// Removes arm `arm` of branch node `index` of the list at `at`.
pub fn remove_arm(template: &mut TemplateDefinition, at: &At, index: usize, arm: usize) {
    if let Some(arms) = node_mut(template, at, index).and_then(|n| n.arms.as_mut())
        && arm < arms.len()
    {
        arms.remove(arm);
    }
}

/// Changes the condition of arm `arm` of branch node `index` of the list at `at`: `change`
/// gets it as a [`Cond`] tree and the form's fields.
pub fn change_when(
    template: &mut TemplateDefinition,
    at: &At,
    index: usize,
    arm: usize,
    change: impl FnOnce(&mut Cond, &[FormField]),
) {
    let fields = template.form.fields.clone();
    let Some(when) = node_mut(template, at, index)
        .and_then(|n| n.arms.as_mut())
        .and_then(|arms| arms.get_mut(arm))
        .map(|a| &mut a.when)
    else {
        return;
    };
    let mut tree = Cond::read(when);
    change(&mut tree, &fields);
    *when = tree.write();
}

/// Which list an edit applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Form fields.
    Fields,
    /// The flow nodes at a place.
    Nodes(At),
}

/// Removes item `index`.
pub fn remove(template: &mut TemplateDefinition, which: &Part, index: usize) {
    fn at<T>(all: &mut Vec<T>, index: usize) {
        if index < all.len() {
            all.remove(index);
        }
    }
    match which {
        Part::Fields => at(&mut template.form.fields, index),
        Part::Nodes(place) => {
            if let Some(list) = nodes_mut(template, place) {
                at(list, index);
            }
        }
    }
}

/// Moves item `index` one place up (or down).
pub fn shift(template: &mut TemplateDefinition, which: &Part, index: usize, up: bool) {
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
        Part::Nodes(place) => {
            if let Some(list) = nodes_mut(template, place) {
                at(list, index, up);
            }
        }
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

/// Sets the approver rule of node `index` of the list at `at` from its type and the one
/// setting it takes.
pub fn set_rule(
    template: &mut TemplateDefinition,
    at: &At,
    index: usize,
    kind: RuleType,
    setting: &str,
) {
    let mut rule = RuleSpec::new(kind);
    let was = node_mut(template, at, index).and_then(|n| n.rule.take());
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
            rule.among = was.and_then(|r| r.among);
        }
        RuleType::Finance => {}
    }
    if let Some(node) = node_mut(template, at, index) {
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
            "{}：{} 个分支",
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
        shift(&mut t, &Part::Fields, 1, true);
        assert_eq!(t.form.fields[0].key, "field2");
        shift(&mut t, &Part::Fields, 1, false);
        shift(&mut t, &Part::Fields, 0, true);
        assert_eq!(t.form.fields[0].key, "field2", "edges stay put");
        remove(&mut t, &Part::Fields, 0);
        remove(&mut t, &Part::Fields, 9);
        assert_eq!(t.form.fields.len(), 1);
        add_field(&mut t);
        assert_eq!(t.form.fields[1].key, "field2", "a freed key is reused");
    }

    #[test]
    fn nodes_get_rules_and_read_as_words() {
        let (mut t, top) = (blank("leave", "请假"), At::default());
        add_node(&mut t, &top, NodeType::Approve);
        add_node(&mut t, &top, NodeType::Cc);
        assert_eq!(describe(&t.flow[0]), "审批：第 1 级上级（或签）");
        set_rule(&mut t, &top, 0, RuleType::Members, "zhangsan, lisi");
        if let Some(n) = node_mut(&mut t, &top, 0) {
            n.mode = Some(SignMode::All);
        }
        assert_eq!(describe(&t.flow[0]), "审批：指定成员 zhangsan,lisi（会签）");
        assert_eq!(
            t.flow[0].rule.as_ref().map(rule_setting).as_deref(),
            Some("zhangsan,lisi")
        );
        set_rule(&mut t, &top, 1, RuleType::ProjectRole, "");
        assert_eq!(describe(&t.flow[1]), "抄送：项目经理");
        set_rule(&mut t, &top, 0, RuleType::LeaderChain, "x");
        assert_eq!(
            serde_json::to_value(&t.flow[0].rule).expect("json"),
            json!({"type": "leader_chain", "levels": 2})
        );
        let branch: FlowNode = serde_json::from_value(
            json!({"type": "branch", "id": "b", "arms": [{"when": {}, "nodes": []},
                {"when": {}, "nodes": []}]}),
        )
        .expect("a branch");
        assert_eq!(describe(&branch), "条件分支：2 个分支");
    }

    #[test]
    fn what_the_editor_does_not_draw_passes_through() {
        let (mut t, top) = (blank("x", "x"), At::default());
        let flow = json!([{"type": "branch", "id": "b1", "arms": [{"when": {"type": "field",
            "key": "amount", "op": "gt", "value": 100}, "nodes": [{"type": "approve", "id": "a",
            "name": "a", "mode": "any", "rule": {"type": "finance"},
            "timeout": {"remind_after_hours": 24, "escalate_after_hours": 48}}]}],
            "otherwise": [{"type": "cc", "id": "c", "name": "c", "rule": {"type": "chosen"}}]}]);
        t.flow = serde_json::from_value(flow.clone()).expect("flow");
        add_node(&mut t, &top, NodeType::Approve);
        assert_eq!(t.flow[1].id, "node1");
        let written = serde_json::to_value(&t).expect("json");
        assert_eq!(written["flow"][0], flow[0], "the branch is kept whole");
        assert_eq!(from_json(&to_json(&t)), Ok(t), "the JSON view round-trips");
        assert!(from_json("{").is_err());
    }

    #[test]
    fn branches_are_added_with_arms_and_nodes_inside_them() {
        let (mut t, top) = (blank("buy", "采购"), At::default());
        add_field(&mut t);
        set_field_type(&mut t, 0, FieldType::Money);
        add_node(&mut t, &top, NodeType::Approve);
        add_node(&mut t, &top, NodeType::Branch);
        let branch = &t.flow[1];
        assert_eq!(
            (branch.kind, branch.id.as_str()),
            (NodeType::Branch, "branch1")
        );
        assert_eq!((branch.name.as_ref(), branch.rule.as_ref()), (None, None));
        assert_eq!(
            branch.arms.as_ref().map(|a| a[0].when.clone()),
            Some(serde_json::json!({"type": "field", "key": "field1", "op": "gt", "value": 0})),
            "a first arm compares the money field"
        );
        // Nodes go inside an arm and in 其他情况; ids stay unique across the whole flow.
        let arm = top.inside(1, Slot::Arm(0));
        let otherwise = top.inside(1, Slot::Otherwise);
        add_node(&mut t, &arm, NodeType::Approve);
        add_node(&mut t, &arm, NodeType::Cc);
        add_node(&mut t, &otherwise, NodeType::Cc);
        assert_eq!(all_ids(&t), ["node1", "branch1", "node2", "node3", "node4"]);
        set_rule(&mut t, &arm, 0, RuleType::Finance, "");
        assert_eq!(
            describe(&t.flow[1].arms.as_ref().expect("arms")[0].nodes[0]),
            "审批：财务（或签）"
        );
        shift(&mut t, &Part::Nodes(arm.clone()), 0, false);
        assert_eq!(
            t.flow[1].arms.as_ref().expect("arms")[0].nodes[0].id,
            "node3"
        );
        remove(&mut t, &Part::Nodes(otherwise.clone()), 0);
        assert!(t.flow[1].otherwise.is_empty());
        // A second arm, its condition changed as a tree, then the first arm removed.
        add_arm(&mut t, &top, 1);
        change_when(&mut t, &top, 1, 1, |c, fields| {
            condition::set_kind(c, &[], "any", fields);
            condition::add_child(c, &[], fields);
            condition::set_kind(c, &[1], "initiator_in", fields);
        });
        let when = &t.flow[1].arms.as_ref().expect("arms")[1].when;
        assert_eq!(when["type"], "any");
        assert_eq!(
            when["of"][1],
            serde_json::json!({"type": "initiator_in", "departments": []})
        );
        remove_arm(&mut t, &top, 1, 0);
        remove_arm(&mut t, &top, 1, 5);
        assert_eq!(describe(&t.flow[1]), "条件分支：1 个分支");
        assert!(
            nodes_mut(&mut t, &top.inside(0, Slot::Arm(0))).is_none(),
            "not a branch"
        );
        assert!(nodes_mut(&mut t, &top.inside(1, Slot::Arm(3))).is_none());
        // Nested: a branch inside an arm.
        let inner = top.inside(1, Slot::Arm(0));
        add_node(&mut t, &inner, NodeType::Branch);
        add_node(&mut t, &inner.inside(0, Slot::Otherwise), NodeType::Approve);
        assert_eq!(all_ids(&t), ["node1", "branch1", "branch2", "node2"]);
    }

    #[test]
    fn the_servers_message_names_the_node_at_fault() {
        let (mut t, top) = (blank("x", "x"), At::default());
        for _ in 0..10 {
            add_node(&mut t, &top, NodeType::Approve);
        }
        add_node(&mut t, &top, NodeType::Branch);
        add_node(&mut t, &top.inside(10, Slot::Arm(0)), NodeType::Cc);
        let found = |m: &str| fault_node(&t, m);
        assert_eq!(
            found("模板无效：节点 branch1：表单中没有字段 x").as_deref(),
            Some("branch1")
        );
        assert_eq!(
            found("模板无效：节点 node11：没有可以审批的人").as_deref(),
            Some("node11")
        );
        assert_eq!(
            found("模板无效：节点 node10：没有可以审批的人").as_deref(),
            Some("node10")
        );
        assert_eq!(found("模板无效：卡片字段 x 不在表单中"), None);
    }
}
