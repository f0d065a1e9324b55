//! The engine's values as the API names them. Every match is exhaustive, so a new engine
//! variant fails to compile here until the wire has a name for it.

use domain::approval::instance::{EntryKind, SeatState};
use domain::approval::{FieldKind, SignMode, Status, StepKind, Template};

/// An instance's status.
pub fn status(s: Status) -> api::ApprovalStatus {
    match s {
        Status::Pending => api::ApprovalStatus::Pending,
        Status::Returned => api::ApprovalStatus::Returned,
        Status::Approved => api::ApprovalStatus::Approved,
        Status::Rejected => api::ApprovalStatus::Rejected,
        Status::Withdrawn => api::ApprovalStatus::Withdrawn,
    }
}

/// The engine's status for a wire status (a list filter).
pub fn status_of(s: api::ApprovalStatus) -> Status {
    match s {
        api::ApprovalStatus::Pending => Status::Pending,
        api::ApprovalStatus::Returned => Status::Returned,
        api::ApprovalStatus::Approved => Status::Approved,
        api::ApprovalStatus::Rejected => Status::Rejected,
        api::ApprovalStatus::Withdrawn => Status::Withdrawn,
    }
}

/// A seat's state.
pub fn seat_state(s: SeatState) -> api::SeatState {
    match s {
        SeatState::Waiting => api::SeatState::Waiting,
        SeatState::Pending => api::SeatState::Pending,
        SeatState::Approved => api::SeatState::Approved,
        SeatState::Rejected => api::SeatState::Rejected,
        SeatState::Passed => api::SeatState::Passed,
        SeatState::Skipped => api::SeatState::Skipped,
        SeatState::Copied => api::SeatState::Copied,
    }
}

/// How a step's approvers decide.
pub fn sign_mode(m: SignMode) -> api::SignMode {
    match m {
        SignMode::Any => api::SignMode::Any,
        SignMode::All => api::SignMode::All,
        SignMode::Sequential => api::SignMode::Sequential,
    }
}

/// A step's kind and, for approve steps, its mode.
pub fn step_kind(k: StepKind) -> (api::StepKind, Option<api::SignMode>) {
    match k {
        StepKind::Approve(mode) => (api::StepKind::Approve, Some(sign_mode(mode))),
        StepKind::Cc => (api::StepKind::Cc, None),
    }
}

/// What a timeline entry records.
pub fn timeline_kind(k: &EntryKind) -> api::TimelineKind {
    match k {
        EntryKind::Submitted { .. } => api::TimelineKind::Submitted,
        EntryKind::Approved => api::TimelineKind::Approved,
        EntryKind::Rejected { .. } => api::TimelineKind::Rejected,
        EntryKind::Transferred { .. } => api::TimelineKind::Transferred,
        EntryKind::SignerAdded { .. } => api::TimelineKind::SignerAdded,
        EntryKind::Withdrawn => api::TimelineKind::Withdrawn,
        EntryKind::Reminded { .. } => api::TimelineKind::Reminded,
        EntryKind::Commented => api::TimelineKind::Commented,
        EntryKind::Copied { .. } => api::TimelineKind::Copied,
        EntryKind::Escalated { .. } => api::TimelineKind::Escalated,
        EntryKind::Finished { .. } => api::TimelineKind::Finished,
        EntryKind::SelfApproval { .. } => api::TimelineKind::SelfApproval,
    }
}

/// A form field's type (its settings stay in the template definition).
pub fn field_type(k: &FieldKind) -> api::FieldType {
    match k {
        FieldKind::Text { .. } => api::FieldType::Text,
        FieldKind::Number { .. } => api::FieldType::Number,
        FieldKind::Money => api::FieldType::Money,
        FieldKind::Date => api::FieldType::Date,
        FieldKind::DateRange => api::FieldType::DateRange,
        FieldKind::Select { .. } => api::FieldType::Select,
        FieldKind::MultiSelect { .. } => api::FieldType::MultiSelect,
        FieldKind::Members { .. } => api::FieldType::Members,
        FieldKind::Departments { .. } => api::FieldType::Departments,
        FieldKind::Project => api::FieldType::Project,
        FieldKind::Attachments { .. } => api::FieldType::Attachments,
        FieldKind::Total { .. } => api::FieldType::Total,
    }
}

/// A template as the wire carries it. The wire types name every key of the engine's JSON,
/// so this is a serde round trip (tested lossless for every built-in template).
pub fn definition(t: &Template) -> Result<api::TemplateDefinition, serde_json::Error> {
    serde_json::from_value(serde_json::to_value(t)?)
}

/// What an initiator needs of a template: its fields and the nodes they staff.
pub fn form(t: &Template) -> Result<api::ApprovalForm, serde_json::Error> {
    Ok(api::ApprovalForm {
        code: t.code.clone(),
        name: t.name.clone(),
        fields: serde_json::from_value(serde_json::to_value(&t.form.fields)?)?,
        chosen: t
            .chosen()
            .into_iter()
            .map(|n| api::ChosenNode {
                id: n.id.to_owned(),
                name: n.name.to_owned(),
                max: n.max,
            })
            .collect(),
    })
}

/// The engine's template for a wire definition; an error names the key that does not fit
/// (a select without `options`, an approve node without `mode`, …).
pub fn template(d: &api::TemplateDefinition) -> Result<Template, serde_json::Error> {
    serde_json::from_value(serde_json::to_value(d)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::approval::instance::Entry;
    use domain::approval::{ApproverRule, Node, builtin};
    use serde_json::{Value, json};

    /// The engine's serde tag for a value, as the template definition and the timeline
    /// carry it.
    fn tag(value: impl serde::Serialize) -> String {
        let v = serde_json::to_value(value).expect("json");
        match v {
            Value::String(s) => s,
            other => other["type"].as_str().expect("tagged").to_owned(),
        }
    }

    #[test]
    fn engine_and_wire_use_the_same_names() {
        for s in Status::ALL {
            assert_eq!(status(s).code(), s.code());
            assert_eq!(status_of(status(s)), s);
        }
        for s in [
            SeatState::Waiting,
            SeatState::Pending,
            SeatState::Approved,
            SeatState::Rejected,
            SeatState::Passed,
            SeatState::Skipped,
            SeatState::Copied,
        ] {
            assert_eq!(seat_state(s).code(), tag(s));
        }
        for m in [SignMode::Any, SignMode::All, SignMode::Sequential] {
            assert_eq!(sign_mode(m).code(), tag(m));
            assert_eq!(step_kind(StepKind::Approve(m)).0.code(), "approve");
        }
        assert_eq!(step_kind(StepKind::Cc).0.code(), "cc");
    }

    #[test]
    fn timeline_kinds_are_the_engine_tags() {
        let kinds = [
            EntryKind::Submitted { round: 1 },
            EntryKind::Approved,
            EntryKind::Rejected { back_to: None },
            EntryKind::Transferred { to: "a".into() },
            EntryKind::SignerAdded {
                who: "a".into(),
                before: true,
            },
            EntryKind::Withdrawn,
            EntryKind::Reminded { to: vec![] },
            EntryKind::Commented,
            EntryKind::Copied { to: vec![] },
            EntryKind::Escalated {
                from: "a".into(),
                to: "b".into(),
            },
            EntryKind::Finished {
                status: Status::Approved,
            },
            EntryKind::SelfApproval {
                note: domain::approval::SelfApprovalNote::Skipped,
            },
        ];
        assert_eq!(kinds.len(), api::TimelineKind::ALL.len());
        for kind in kinds {
            let entry = Entry {
                at_ms: 0,
                actor: "a".into(),
                step: None,
                kind: kind.clone(),
                comment: None,
                attachments: vec![],
            };
            assert_eq!(timeline_kind(&kind).code(), tag(&entry));
        }
    }

    #[test]
    fn field_types_and_rules_are_the_engine_tags() {
        let fields = json!([
            {"key": "a", "label": "a", "type": "text", "max_len": 5},
            {"key": "b", "label": "b", "type": "number", "min": null, "max": null},
            {"key": "c", "label": "c", "type": "money"},
            {"key": "d", "label": "d", "type": "date"},
            {"key": "e", "label": "e", "type": "date_range"},
            {"key": "f", "label": "f", "type": "select", "options": ["x"]},
            {"key": "g", "label": "g", "type": "multi_select", "options": ["x"]},
            {"key": "h", "label": "h", "type": "members", "multiple": true},
            {"key": "i", "label": "i", "type": "departments", "multiple": false},
            {"key": "j", "label": "j", "type": "project"},
            {"key": "k", "label": "k", "type": "attachments", "max": 9},
            {"key": "l", "label": "l", "type": "total", "of": ["c"]}
        ]);
        let rules = json!([
            {"type": "members", "userids": []},
            {"type": "leader", "level": 1},
            {"type": "leader_chain", "levels": 2},
            {"type": "project_role", "role": "manager"},
            {"type": "chosen"},
            {"type": "finance"},
            {"type": "tag", "tag_id": 1}
        ]);
        let flow: Vec<Value> = rules
            .as_array()
            .expect("rules")
            .iter()
            .enumerate()
            .map(
                |(i, rule)| json!({"type": "cc", "id": format!("n{i}"), "name": "n", "rule": rule}),
            )
            .collect();
        let template: Template = serde_json::from_value(json!({
            "code": "t", "name": "t", "form": {"fields": fields}, "flow": flow
        }))
        .expect("every wire field type and rule type is one the engine reads");
        let types: Vec<_> = template
            .form
            .fields
            .iter()
            .map(|f| field_type(&f.kind))
            .collect();
        assert_eq!(types, api::FieldType::ALL);
        for (node, wire) in template.flow.iter().zip(api::RuleType::ALL) {
            let Node::Cc { rule, .. } = node else {
                panic!("cc node");
            };
            assert_eq!(tag(rule), wire.code());
            let _: &ApproverRule = rule;
        }
        assert_eq!(template.flow.len(), api::RuleType::ALL.len());
        assert_eq!(
            tag(template.on_reject),
            api::RejectDefault::Initiator.code()
        );
        assert_eq!(
            tag(domain::approval::RejectDefault::End),
            api::RejectDefault::End.code()
        );
    }

    /// JSON with nulls and empty lists dropped (an absent optional or defaulted list is the
    /// same to the engine) and every number an f64 (`9` and `9.0` are the same count).
    fn normal(v: Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                    .map(|(k, v)| (k, normal(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(normal).collect()),
            Value::Number(n) => json!(n.as_f64()),
            other => other,
        }
    }

    #[test]
    fn built_in_templates_cross_the_wire_losslessly() {
        for t in builtin::all() {
            let engine = serde_json::to_value(&t).expect("json");
            let wire = definition(&t).expect("the wire reads the engine's template");
            let sent = serde_json::to_value(&wire).expect("json");
            assert_eq!(
                normal(sent.clone()),
                normal(engine),
                "{}: a key lost",
                t.code
            );
            let back: Template = serde_json::from_value(sent).expect("the engine reads it");
            assert_eq!(back, t, "{}", t.code);
            assert_eq!(template(&wire).expect("engine"), t);
        }
    }

    #[test]
    fn every_field_setting_crosses_the_wire() {
        let t: Template = serde_json::from_value(json!({
            "code": "t", "name": "t",
            "form": {"fields": [
                {"key": "a", "label": "a", "type": "text", "max_len": 5, "required": true},
                {"key": "b", "label": "b", "type": "number", "min": -1.5, "max": 30.0},
                {"key": "c", "label": "c", "type": "money"},
                {"key": "d", "label": "d", "type": "date"},
                {"key": "e", "label": "e", "type": "date_range"},
                {"key": "f", "label": "f", "type": "select", "options": ["x"]},
                {"key": "g", "label": "g", "type": "multi_select", "options": ["x", "y"]},
                {"key": "h", "label": "h", "type": "members", "multiple": true},
                {"key": "i", "label": "i", "type": "departments", "multiple": false},
                {"key": "j", "label": "j", "type": "project"},
                {"key": "k", "label": "k", "type": "attachments", "max": 3},
                {"key": "l", "label": "l", "type": "total", "of": ["c"]}
            ]},
            "flow": [
                {"type": "approve", "id": "n1", "name": "n", "mode": "sequential",
                 "rule": {"type": "members", "userids": ["u1", "u2"]},
                 "timeout": {"remind_after_hours": 2, "escalate_after_hours": 4}},
                {"type": "cc", "id": "n2", "name": "n", "rule": {"type": "tag", "tag_id": 9}},
                {"type": "approve", "id": "n3", "name": "n", "mode": "all",
                 "rule": {"type": "leader_chain", "levels": 3}},
                {"type": "branch", "id": "b", "arms": [
                    {"when": {"type": "not", "of": {"type": "project_in", "projects": [1]}},
                     "nodes": [{"type": "cc", "id": "n4", "name": "n",
                                "rule": {"type": "leader", "level": 2}}]}
                 ], "otherwise": [{"type": "approve", "id": "n5", "name": "n", "mode": "any",
                                   "rule": {"type": "chosen"}}]}
            ],
            "card_fields": ["c"],
            "on_reject": "end"
        }))
        .expect("engine template");
        let wire = definition(&t).expect("wire");
        assert_eq!(wire.form.fields[10].max, Some(3.0));
        assert_eq!(
            normal(serde_json::to_value(&wire).expect("json")),
            normal(serde_json::to_value(&t).expect("json"))
        );
        assert_eq!(template(&wire).expect("engine"), t);
    }
}
