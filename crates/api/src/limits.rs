//! How much a request may carry, defined once: the server refuses more with a 400 that
//! names the field, and the H5 uses the same numbers for `maxlength` and pickers.

use std::collections::BTreeMap;

use crate::{
    ApprovalAction, CheckinRequest, DailyReport, Delegation, MemberRoleRequest, NewComment,
    NewTaskRequest, SubmitApproval, TaskUpdate,
};

/// An approval comment or a reason for 驳回.
pub const COMMENT_CHARS: usize = 1_000;
/// A task or approval title.
pub const TITLE_CHARS: usize = 200;
/// A check-in note or a comment on a task.
pub const NOTE_CHARS: usize = 2_000;
/// A place as typed or given by the phone.
pub const ADDRESS_CHARS: usize = 200;
/// A daily report's free texts (work done, problems, tomorrow's plan), each.
pub const REPORT_CHARS: usize = 5_000;
/// Trades listed in one daily report's headcount.
pub const CREWS: usize = 30;
/// One trade's name (钢筋工, 木工, …).
pub const TRADE_CHARS: usize = 20;
/// A WeCom UserID, a template code, a media id or an upload key.
pub const ID_CHARS: usize = 128;
/// Photos on one check-in, comment or approval field.
pub const PHOTOS: usize = 9;
/// Members picked for one 自选 node (each gets a decision card): the most any template
/// may allow; a node takes 20 unless its template says otherwise.
pub const CHOSEN_PER_NODE: usize = 50;
/// Helpers on one task.
pub const HELPERS: usize = 20;
/// Values in one approval form.
pub const FORM_VALUES: usize = 100;
/// One text value in an approval form (a template may allow less).
pub const FORM_TEXT_CHARS: usize = 5_000;
/// A project code (项目编号); the ledger's rule, which the server checks against its own.
pub const PROJECT_CODE_CHARS: usize = 40;
/// A project name.
pub const PROJECT_NAME_CHARS: usize = 100;
/// A project type (房建, 市政 …).
pub const PROJECT_KIND_CHARS: usize = 20;
/// A client (建设单位).
pub const PROJECT_CLIENT_CHARS: usize = 100;
/// Tags on one project.
pub const PROJECT_TAGS: usize = 10;
/// One project tag.
pub const PROJECT_TAG_CHARS: usize = 20;

/// A field over its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The field, as the JSON names it (`comment`, `chosen.tech`, …).
    pub field: String,
    /// The most it may hold.
    pub max: usize,
    /// Characters or items.
    pub unit: Unit,
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Characters of text.
    Chars,
    /// Entries of a list.
    Items,
}

impl Breach {
    /// The Chinese message of the 400 answer.
    pub fn message(&self) -> String {
        let unit = match self.unit {
            Unit::Chars => "字",
            Unit::Items => "项",
        };
        format!("{} 超出上限：最多 {} {unit}", self.field, self.max)
    }
}

/// A request whose free text and lists are bounded.
pub trait Limited {
    /// The first field over its limit, if any.
    fn check(&self) -> Result<(), Breach>;
}

/// `value` has at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<(), Breach> {
    if value.chars().count() > max {
        return Err(Breach {
            field: field.to_owned(),
            max,
            unit: Unit::Chars,
        });
    }
    Ok(())
}

/// [`text`] for an optional value.
pub fn maybe_text(field: &str, value: Option<&str>, max: usize) -> Result<(), Breach> {
    value.map_or(Ok(()), |v| text(field, v, max))
}

/// A list of at most `max` entries, each an id of at most [`ID_CHARS`].
pub fn ids(field: &str, values: &[String], max: usize) -> Result<(), Breach> {
    if values.len() > max {
        return Err(Breach {
            field: field.to_owned(),
            max,
            unit: Unit::Items,
        });
    }
    values.iter().try_for_each(|v| text(field, v, ID_CHARS))
}

impl Limited for ApprovalAction {
    fn check(&self) -> Result<(), Breach> {
        match self {
            Self::Approve { comment } => maybe_text("comment", comment.as_deref(), COMMENT_CHARS),
            Self::Reject { reason, .. } => maybe_text("reason", reason.as_deref(), COMMENT_CHARS),
            Self::Transfer { to, comment } => {
                text("to", to, ID_CHARS)?;
                maybe_text("comment", comment.as_deref(), COMMENT_CHARS)
            }
            Self::AddSigner { who, comment, .. } => {
                text("who", who, ID_CHARS)?;
                maybe_text("comment", comment.as_deref(), COMMENT_CHARS)
            }
            Self::Comment {
                text: body,
                attachments,
            } => {
                text("text", body, COMMENT_CHARS)?;
                ids("attachments", attachments, PHOTOS)
            }
            Self::Resubmit { form, chosen } => {
                form_values(form)?;
                chosen_members(chosen)
            }
            Self::Withdraw | Self::Remind => Ok(()),
        }
    }
}

fn form_values(form: &BTreeMap<String, serde_json::Value>) -> Result<(), Breach> {
    if form.len() > FORM_VALUES {
        return Err(Breach {
            field: "form".into(),
            max: FORM_VALUES,
            unit: Unit::Items,
        });
    }
    for (key, value) in form {
        text("form", key, ID_CHARS)?;
        let field = format!("form.{key}");
        match value {
            serde_json::Value::String(s) => text(&field, s, FORM_TEXT_CHARS)?,
            serde_json::Value::Array(items) if items.len() > FORM_VALUES => {
                return Err(Breach {
                    field,
                    max: FORM_VALUES,
                    unit: Unit::Items,
                });
            }
            serde_json::Value::Array(items) => {
                for item in items.iter().filter_map(serde_json::Value::as_str) {
                    text(&field, item, FORM_TEXT_CHARS)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl Limited for SubmitApproval {
    fn check(&self) -> Result<(), Breach> {
        text("template", &self.template, ID_CHARS)?;
        form_values(&self.form)?;
        chosen_members(&self.chosen)
    }
}

fn chosen_members(chosen: &BTreeMap<String, Vec<String>>) -> Result<(), Breach> {
    if chosen.len() > FORM_VALUES {
        return Err(Breach {
            field: "chosen".into(),
            max: FORM_VALUES,
            unit: Unit::Items,
        });
    }
    for (node, members) in chosen {
        text("chosen", node, ID_CHARS)?;
        ids(&format!("chosen.{node}"), members, CHOSEN_PER_NODE)?;
    }
    Ok(())
}

impl Limited for crate::ResolveReassignment {
    fn check(&self) -> Result<(), Breach> {
        maybe_text("to", self.to.as_deref(), ID_CHARS)
    }
}

impl Limited for Delegation {
    fn check(&self) -> Result<(), Breach> {
        text("delegate", &self.delegate, ID_CHARS)
    }
}

impl Limited for NewTaskRequest {
    fn check(&self) -> Result<(), Breach> {
        text("title", &self.title, TITLE_CHARS)?;
        text("start", &self.start, ID_CHARS)?;
        maybe_text("owner", self.owner.as_deref(), ID_CHARS)?;
        ids("helpers", &self.helpers, HELPERS)
    }
}

impl Limited for TaskUpdate {
    fn check(&self) -> Result<(), Breach> {
        maybe_text("title", self.title.as_deref(), TITLE_CHARS)?;
        maybe_text("start", self.start.as_deref(), ID_CHARS)?;
        maybe_text("owner", self.owner.as_deref(), ID_CHARS)?;
        self.helpers
            .as_deref()
            .map_or(Ok(()), |h| ids("helpers", h, HELPERS))
    }
}

impl Limited for CheckinRequest {
    fn check(&self) -> Result<(), Breach> {
        text("note", &self.note, NOTE_CHARS)?;
        text("address", &self.address, ADDRESS_CHARS)?;
        ids("media_ids", &self.media_ids, PHOTOS)?;
        ids("uploads", &self.uploads, PHOTOS)
    }
}

impl Limited for DailyReport {
    fn check(&self) -> Result<(), Breach> {
        text("day", &self.day, ID_CHARS)?;
        text("content", &self.content, REPORT_CHARS)?;
        text("problems", &self.problems, REPORT_CHARS)?;
        text("tomorrow", &self.tomorrow, REPORT_CHARS)?;
        ids("photos", &self.photos, PHOTOS)?;
        if self.workforce.len() > CREWS {
            return Err(Breach {
                field: "workforce".into(),
                max: CREWS,
                unit: Unit::Items,
            });
        }
        for crew in &self.workforce {
            text("workforce.trade", &crew.trade, TRADE_CHARS)?;
        }
        Ok(())
    }
}

impl Limited for crate::ExtensionRequest {
    fn check(&self) -> Result<(), Breach> {
        text("reason", &self.reason, COMMENT_CHARS)
    }
}

impl Limited for NewComment {
    fn check(&self) -> Result<(), Breach> {
        text("text", &self.text, NOTE_CHARS)?;
        ids("uploads", &self.uploads, PHOTOS)
    }
}

impl Limited for MemberRoleRequest {
    fn check(&self) -> Result<(), Breach> {
        text("userid", &self.userid, ID_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breach_names_the_field_and_the_limit() {
        let action = ApprovalAction::Approve {
            comment: Some("批".repeat(COMMENT_CHARS + 1)),
        };
        let breach = action.check().expect_err("too long");
        assert_eq!(breach.field, "comment");
        assert_eq!(breach.message(), "comment 超出上限：最多 1000 字");
        let mut chosen = BTreeMap::new();
        chosen.insert("tech".to_owned(), vec!["u".to_owned(); CHOSEN_PER_NODE + 1]);
        let submit = SubmitApproval {
            template: "design_change".into(),
            form: BTreeMap::new(),
            chosen,
        };
        assert_eq!(
            submit.check().expect_err("too many").message(),
            "chosen.tech 超出上限：最多 50 项"
        );
        assert!(
            ApprovalAction::Approve {
                comment: Some("同意".into())
            }
            .check()
            .is_ok()
        );
    }
}
