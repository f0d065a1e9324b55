//! 管理 → 审计日志: the audit log's rows, the chain check and the Chinese names of actions.
//!
//! Action codes (`approval.approve`) stay strings on the wire: new features add new ones,
//! and an older H5 must still show a row it has no label for. [`audit_action_label`] names the
//! known ones and falls back to the code.

use serde::{Deserialize, Serialize};

/// Every action code the server writes, with its Chinese name, grouped by area.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("project.create", "新建项目"),
    ("project.update", "修改项目"),
    ("project.export", "导出项目台账"),
    ("project.member.add", "添加项目成员"),
    ("project.member.remove", "移除项目成员"),
    ("project.schedule_settings", "修改排期设置"),
    ("task.create", "新建任务"),
    ("task.update", "更新任务"),
    ("task.checkin", "现场打卡"),
    ("task.comment", "任务评论"),
    ("task.link", "添加任务依赖"),
    ("task.unlink", "删除任务依赖"),
    ("task.baseline", "保存进度基线"),
    ("daily_report.put", "填写日报"),
    ("approval.submit", "提交审批"),
    ("approval.approve", "审批同意"),
    ("approval.reject", "审批驳回"),
    ("approval.transfer", "审批转交"),
    ("approval.add_signer", "审批加签"),
    ("approval.withdraw", "撤回审批"),
    ("approval.remind", "催办审批"),
    ("approval.comment", "审批评论"),
    ("approval.resubmit", "重新提交审批"),
    ("approval.tick", "审批超时提醒"),
    ("approval.escalate", "审批超时升级"),
    ("approval.delegate", "设置审批代理"),
    ("approval.delegate_end", "结束审批代理"),
    ("approval_template.put", "修改审批模板"),
    ("reassignment.resolve", "处理离职交接"),
    ("session.login", "登录"),
    ("session.logout", "退出登录"),
    ("session.revoke_all", "强制下线"),
    ("role.grant", "授予系统角色"),
    ("role.revoke", "撤销系统角色"),
    ("org_sync.start", "发起通讯录同步"),
    ("org.sync", "通讯录同步"),
    ("dead_letter.replay", "重放死信"),
    ("audit.export", "导出审计日志"),
];

/// Areas of actions, for the filter: a prefix (`approval.`) and its name.
pub const AUDIT_ACTION_GROUPS: &[(&str, &str)] = &[
    ("project.", "项目"),
    ("task.", "任务"),
    ("approval.", "审批"),
    ("session.", "登录与会话"),
    ("role.", "系统角色"),
    ("audit.", "审计"),
];

/// The Chinese name of action `code`, or the code itself when it is not known.
pub fn audit_action_label(code: &str) -> &str {
    AUDIT_ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// The Chinese name of a target kind (`project` → 项目), or the kind itself.
pub fn audit_target_label(kind: &str) -> &str {
    match kind {
        "project" => "项目",
        "task" => "任务",
        "approval" => "审批",
        "approval_template" => "审批模板",
        "member" => "成员",
        "system_role" => "系统角色",
        "dead_letter" => "死信",
        "reassignment" => "离职交接",
        "org" | "org_sync" => "通讯录",
        "audit_log" => "审计日志",
        other => other,
    }
}

/// One row of the audit log (`GET /api/v1/admin/audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Position in the hash chain: 1, 2, 3, …
    pub seq: i64,
    /// When, unix ms.
    pub at_ms: i64,
    /// Who: a WeCom userid, or `system`.
    pub actor: String,
    /// Their name, when Gantry knows the member.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// From which address.
    #[serde(default)]
    pub ip: Option<String>,
    /// What happened: an action code (name it with [`audit_action_label`]).
    pub action: String,
    /// The kind of thing changed (name it with [`audit_target_label`]).
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// The project it belongs to.
    #[serde(default)]
    pub project_id: Option<i64>,
    /// That project's name.
    #[serde(default)]
    pub project_name: Option<String>,
    /// JSON text of the target before the change.
    #[serde(default)]
    pub before: Option<String>,
    /// JSON text of the target after the change.
    #[serde(default)]
    pub after: Option<String>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The rows.
    pub items: Vec<AuditRow>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    #[serde(default)]
    pub next_before: Option<i64>,
}

wire_enum! {
    /// What a check of the audit chain found (`POST /api/v1/admin/audit/verify`).
    pub enum AuditVerdict {
        /// Every row verifies and the chain passes through the latest anchor.
        Intact = "intact" => "完整",
        /// A row was edited, removed, reordered or inserted: see `broken_seq`.
        Broken = "broken" => "已被篡改",
        /// Rows are missing from the end.
        Truncated = "truncated" => "已被截断",
        /// The chain no longer passes through the anchored head: rows up to it were
        /// rewritten with fresh hashes.
        Rewritten = "rewritten" => "与锚点不符",
    }
}

/// The chain's head as recorded outside the database (`audit-anchors/<day>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    /// The last chain position at that time.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When it was recorded, unix ms.
    pub at_ms: i64,
}

/// `POST /api/v1/admin/audit/verify`: the whole chain checked, and against the latest anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// The outcome.
    pub verdict: AuditVerdict,
    /// Rows that verified before the first problem.
    pub checked: u64,
    /// The head's last position in the database.
    pub head_seq: i64,
    /// The first position that does not verify.
    #[serde(default)]
    pub broken_seq: Option<i64>,
    /// The anchor the chain was compared with.
    #[serde(default)]
    pub anchor: Option<AuditAnchor>,
    /// The anchor this check recorded (only when the chain is intact).
    #[serde(default)]
    pub anchored: Option<AuditAnchor>,
    /// What was found, in Chinese, ready to show.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fall_back_to_the_code() {
        assert_eq!(audit_action_label("approval.approve"), "审批同意");
        assert_eq!(audit_action_label("thing.new"), "thing.new");
        assert_eq!(audit_target_label("task"), "任务");
        assert_eq!(audit_target_label("gadget"), "gadget");
    }

    #[test]
    fn codes_are_unique_and_grouped() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, label) in AUDIT_ACTIONS {
            assert!(seen.insert(*code), "{code} twice");
            assert!(!label.is_empty());
        }
        for (prefix, _) in AUDIT_ACTION_GROUPS {
            assert!(prefix.ends_with('.'));
            assert!(
                AUDIT_ACTIONS.iter().any(|(c, _)| c.starts_with(prefix)),
                "{prefix}"
            );
        }
    }
}
