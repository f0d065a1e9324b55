//! Templates a construction company needs on day one; admins copy and change them.

use super::flow::{
    ApproverRule, Arm, CmpOp, Condition, Node, RejectDefault, SignMode, Template, Timeout,
};
use super::form::{Field, FieldKind, FormSchema};
use super::initiator::SelfApproval;
use crate::access::ProjectRole;

/// 50,000 元 in fen: above it, finance approves purchases, payments and changes.
pub const FINANCE_THRESHOLD_FEN: i64 = 5_000_000;

/// Every built-in template.
pub fn all() -> Vec<Template> {
    vec![
        design_change(),
        purchase(),
        payment(),
        hazardous_work(),
        leave(),
        task_extension(),
    ]
}

/// Templates started from their own record's page (a task's 申请延期), not from the list
/// of forms: their form names the record, which only that page can fill in.
pub const STARTED_FROM_RECORDS: [&str; 1] = [TASK_EXTENSION];

/// [`task_extension`]'s code.
pub const TASK_EXTENSION: &str = "task_extension";

fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind,
        required,
    }
}

fn text(key: &str, label: &str, max_len: usize, required: bool) -> Field {
    field(key, label, FieldKind::Text { max_len }, required)
}

fn select(key: &str, label: &str, options: &[&str]) -> Field {
    field(
        key,
        label,
        FieldKind::Select {
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        },
        true,
    )
}

fn project() -> Field {
    field("project", "项目", FieldKind::Project, true)
}

fn photos() -> Field {
    field(
        "attachments",
        "附件/照片",
        FieldKind::Attachments { max: 9 },
        false,
    )
}

const DAY: Option<Timeout> = Some(Timeout {
    remind_after_hours: 24,
    escalate_after_hours: Some(48),
});

fn approve(id: &str, name: &str, rule: ApproverRule, mode: SignMode) -> Node {
    Node::Approve {
        id: id.into(),
        name: name.into(),
        rule,
        mode,
        timeout: DAY,
    }
}

fn pm(id: &str) -> Node {
    approve(
        id,
        "项目经理审批",
        ApproverRule::ProjectRole {
            role: ProjectRole::Manager,
        },
        SignMode::Any,
    )
}

fn finance_above(key: &str) -> Node {
    Node::Branch {
        id: format!("{key}_threshold"),
        arms: vec![Arm {
            when: Condition::Field {
                key: key.into(),
                op: CmpOp::Gt,
                value: FINANCE_THRESHOLD_FEN.into(),
            },
            nodes: vec![approve(
                &format!("{key}_finance"),
                "财务审批",
                ApproverRule::Finance,
                SignMode::Any,
            )],
        }],
        otherwise: Vec::new(),
    }
}

fn cc_initiator_leader(id: &str) -> Node {
    Node::Cc {
        id: id.into(),
        name: "抄送部门负责人".into(),
        rule: ApproverRule::Leader { level: 1 },
    }
}

/// 工程变更/设计变更: PM, then engineer and supervisor together (会签), finance above the
/// threshold, the department leader copied.
pub fn design_change() -> Template {
    Template {
        code: "design_change".into(),
        name: "工程变更/设计变更".into(),
        form: FormSchema {
            fields: vec![
                project(),
                select("kind", "变更类型", &["设计变更", "工程洽商", "现场签证"]),
                text("reason", "变更原因", 500, true),
                text("content", "变更内容", 2000, true),
                field("amount", "增减金额", FieldKind::Money, true),
                field(
                    "days",
                    "影响工期（天）",
                    FieldKind::Number {
                        min: None,
                        max: None,
                    },
                    false,
                ),
                photos(),
            ],
        },
        flow: vec![
            pm("pm"),
            Node::Approve {
                id: "technical".into(),
                name: "技术会签".into(),
                rule: ApproverRule::Chosen {
                    among: None,
                    max: None,
                },
                mode: SignMode::All,
                timeout: DAY,
            },
            finance_above("amount"),
            cc_initiator_leader("cc"),
        ],
        card_fields: vec!["project".into(), "kind".into(), "amount".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

/// 材料采购申请: PM, finance above the threshold.
pub fn purchase() -> Template {
    Template {
        code: "purchase".into(),
        name: "材料采购申请".into(),
        form: FormSchema {
            fields: vec![
                project(),
                text("items", "采购明细", 2000, true),
                field("materials", "材料金额", FieldKind::Money, true),
                field("freight", "运费", FieldKind::Money, false),
                field(
                    "total",
                    "合计",
                    FieldKind::Total {
                        of: vec!["materials".into(), "freight".into()],
                    },
                    false,
                ),
                field("arrival", "要求到货日期", FieldKind::Date, true),
                photos(),
            ],
        },
        flow: vec![pm("pm"), finance_above("total"), cc_initiator_leader("cc")],
        card_fields: vec!["project".into(), "total".into(), "arrival".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

/// 用款/付款申请: PM, department leader, finance always (payments move money).
pub fn payment() -> Template {
    Template {
        code: "payment".into(),
        name: "用款/付款申请".into(),
        form: FormSchema {
            fields: vec![
                project(),
                text("payee", "收款单位", 100, true),
                field("amount", "付款金额", FieldKind::Money, true),
                select("method", "付款方式", &["银行转账", "承兑汇票", "现金"]),
                text("purpose", "用途", 500, true),
                photos(),
            ],
        },
        flow: vec![
            pm("pm"),
            approve(
                "leader",
                "部门负责人审批",
                ApproverRule::Leader { level: 1 },
                SignMode::Any,
            ),
            approve("finance", "财务审批", ApproverRule::Finance, SignMode::Any),
        ],
        card_fields: vec!["project".into(), "payee".into(), "amount".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

/// 危险作业许可 (动火, 高处, 吊装, 受限空间): the safety officer, then the PM, within a
/// validity window; rejection ends the permit request.
pub fn hazardous_work() -> Template {
    Template {
        code: "hazardous_work".into(),
        name: "危险作业许可".into(),
        form: FormSchema {
            fields: vec![
                project(),
                select(
                    "kind",
                    "作业类型",
                    &["动火作业", "高处作业", "吊装作业", "受限空间作业"],
                ),
                text("place", "作业地点", 200, true),
                field("valid", "有效期", FieldKind::DateRange, true),
                field(
                    "workers",
                    "作业人员",
                    FieldKind::Members { multiple: true },
                    true,
                ),
                field(
                    "guardian",
                    "监护人",
                    FieldKind::Members { multiple: false },
                    true,
                ),
                text("measures", "安全措施", 2000, true),
                photos(),
            ],
        },
        flow: vec![
            approve(
                "safety",
                "安全员审批",
                ApproverRule::ProjectRole {
                    role: ProjectRole::Safety,
                },
                SignMode::Any,
            ),
            pm("pm"),
            Node::Cc {
                id: "cc_supervisor".into(),
                name: "抄送监理".into(),
                rule: ApproverRule::ProjectRole {
                    role: ProjectRole::Supervisor,
                },
            },
        ],
        card_fields: vec!["project".into(), "kind".into(), "valid".into()],
        on_reject: RejectDefault::End,
        self_approval: SelfApproval::Leader,
    }
}

/// 请假: the direct department leader; over three days, the next level too.
pub fn leave() -> Template {
    Template {
        code: "leave".into(),
        name: "请假".into(),
        form: FormSchema {
            fields: vec![
                select(
                    "kind",
                    "请假类型",
                    &["年假", "事假", "病假", "调休", "婚假", "产假"],
                ),
                field("dates", "请假时间", FieldKind::DateRange, true),
                field(
                    "days",
                    "请假天数",
                    FieldKind::Number {
                        min: Some(0.5),
                        max: Some(365.0),
                    },
                    true,
                ),
                text("reason", "事由", 500, false),
            ],
        },
        flow: vec![
            approve(
                "leader",
                "直属负责人审批",
                ApproverRule::Leader { level: 1 },
                SignMode::Any,
            ),
            Node::Branch {
                id: "long".into(),
                arms: vec![Arm {
                    when: Condition::Field {
                        key: "days".into(),
                        op: CmpOp::Gt,
                        value: 3.into(),
                    },
                    nodes: vec![approve(
                        "leader2",
                        "上级负责人审批",
                        ApproverRule::Leader { level: 2 },
                        SignMode::Any,
                    )],
                }],
                otherwise: Vec::new(),
            },
        ],
        card_fields: vec!["kind".into(), "dates".into(), "days".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

/// 申请延期: the task's owner asks for more days; once approved the task's finish moves
/// and, when the project says so, its successors follow. The PM decides.
pub fn task_extension() -> Template {
    Template {
        code: TASK_EXTENSION.into(),
        name: "任务延期申请".into(),
        form: FormSchema {
            fields: vec![
                project(),
                field(
                    "task",
                    "任务",
                    FieldKind::Number {
                        min: Some(1.0),
                        max: None,
                    },
                    true,
                ),
                text("title", "任务名称", 200, true),
                field(
                    "days",
                    "延长天数",
                    FieldKind::Number {
                        min: Some(1.0),
                        max: Some(365.0),
                    },
                    true,
                ),
                text("reason", "延期原因", 500, true),
            ],
        },
        flow: vec![pm("pm")],
        card_fields: vec!["title".into(), "days".into(), "reason".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: SelfApproval::Leader,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_is_valid_and_unique() {
        let all = all();
        for t in &all {
            t.check().unwrap_or_else(|e| panic!("{}: {e}", t.code));
        }
        let mut codes: Vec<&str> = all.iter().map(|t| t.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 6);
    }
}
