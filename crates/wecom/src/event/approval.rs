//! `sys_approval_change`: a change in WeCom's native 审批 app (doc 91815).

use serde::{Deserialize, Serialize};

use super::EventError;
use super::fields::{opt_num, opt_str, req_num, req_str};
use crate::xml::Node;

/// The `ApprovalInfo` of a `sys_approval_change` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalChange {
    /// Approval number.
    pub sp_no: String,
    /// Template name.
    pub sp_name: Option<String>,
    /// 1 pending, 2 approved, 3 rejected, 4 withdrawn, …
    pub sp_status: i32,
    /// Template id.
    pub template_id: Option<String>,
    /// Unix seconds of submission.
    pub apply_time: Option<i64>,
    /// Applicant's UserId.
    pub applyer_user_id: Option<String>,
    /// Applicant's department.
    pub applyer_party: Option<String>,
    /// Approval steps in order.
    pub sp_records: Vec<SpRecord>,
    /// UserIds to be notified (抄送).
    pub notifyer: Vec<String>,
    /// What changed in this event.
    pub statu_change_event: Option<i32>,
}

/// One approval step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpRecord {
    /// Step status.
    pub sp_status: Option<i32>,
    /// 1 或签, 2 会签.
    pub approver_attr: Option<i32>,
    /// Each approver's decision in this step.
    pub details: Vec<SpDetail>,
}

/// One approver's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpDetail {
    /// Approver UserId.
    pub user_id: String,
    /// Comment.
    pub speech: Option<String>,
    /// Decision status.
    pub sp_status: Option<i32>,
    /// Unix seconds of the decision.
    pub sp_time: Option<i64>,
}

pub(super) fn parse(root: Node<'_, '_>) -> Result<ApprovalChange, EventError> {
    let info = root
        .child("ApprovalInfo")
        .ok_or(EventError::MissingField("ApprovalInfo"))?;
    let applyer = info.child("Applyer");
    let sp_records = info
        .children_named("SpRecord")
        .map(|record| {
            let details = record
                .children_named("Details")
                .map(|d| {
                    Ok(SpDetail {
                        user_id: d
                            .child("Approver")
                            .and_then(|a| opt_str(a, "UserId"))
                            .unwrap_or_default(),
                        speech: opt_str(d, "Speech"),
                        sp_status: opt_num(d, "SpStatus")?,
                        sp_time: opt_num(d, "SpTime")?,
                    })
                })
                .collect::<Result<_, EventError>>()?;
            Ok(SpRecord {
                sp_status: opt_num(record, "SpStatus")?,
                approver_attr: opt_num(record, "ApproverAttr")?,
                details,
            })
        })
        .collect::<Result<_, EventError>>()?;
    Ok(ApprovalChange {
        sp_no: req_str(info, "SpNo")?,
        sp_name: opt_str(info, "SpName"),
        sp_status: req_num(info, "SpStatus")?,
        template_id: opt_str(info, "TemplateId"),
        apply_time: opt_num(info, "ApplyTime")?,
        applyer_user_id: applyer.and_then(|a| opt_str(a, "UserId")),
        applyer_party: applyer.and_then(|a| opt_str(a, "Party")),
        sp_records,
        notifyer: info
            .children_named("Notifyer")
            .filter_map(|n| opt_str(n, "UserId"))
            .collect(),
        statu_change_event: opt_num(info, "StatuChangeEvent")?,
    })
}
