//! What approvers and initiators see in WeCom: the decision card (同意 / 驳回 and a link
//! to the H5 detail), CC text cards, outcome notices, reminders, and the grey text a
//! decided card is updated to.

use domain::approval::{CardNote, FieldKind, Instance, SelfApprovalNote, Status, Step, Template};
use serde_json::Value;
use wecom::client::{
    Button, CardAction, CardSource, HorizontalContent, JumpItem, MainTitle, MessageBody,
    TemplateCard,
};

/// Button keys on decision cards.
pub const APPROVE_KEY: &str = "approve";
/// See [`APPROVE_KEY`].
pub const REJECT_KEY: &str = "reject";

/// The H5 page of one instance.
pub fn detail_url(public_url: &str, id: i64) -> String {
    format!("{}/approvals/{id}", public_url.trim_end_matches('/'))
}

/// Why the initiator is not (or is) deciding a step of their own request, as the card
/// and the timeline say it.
pub fn self_approval_text(note: &SelfApprovalNote, name_of: impl Fn(&str) -> String) -> String {
    match note {
        SelfApprovalNote::HandedOver { to } => {
            let names: Vec<String> = to.iter().map(|u| name_of(u)).collect();
            format!(
                "发起人是本节点审批人，按规则不能审批自己的申请，已转交 {} 审批",
                names.join("、")
            )
        }
        SelfApprovalNote::Skipped => "发起人是本节点审批人，按规则已跳过发起人".into(),
        SelfApprovalNote::Allowed => "发起人是本节点审批人，模板设置允许发起人自己审批".into(),
    }
}

/// The decision card for one approver of `step`.
pub fn decision(
    task_id: &str,
    template: &Template,
    instance: &Instance,
    initiator_name: &str,
    step: Option<&Step>,
    url: &str,
) -> MessageBody {
    let step_name = step.map_or("审批", |s| s.name.as_str());
    // Addressed to the reader; the detail page's timeline names everyone.
    let sub_title_text = step
        .and_then(|s| s.self_approval.as_ref())
        .map(|note| match note {
            SelfApprovalNote::HandedOver { .. } => {
                "发起人是本节点审批人，不能审批自己的申请，已转交你审批".to_owned()
            }
            other => self_approval_text(other, str::to_owned),
        });
    let fields = template
        .card_fields
        .iter()
        .filter_map(|key| {
            let field = template.form.field(key)?;
            let value = instance.form.get(key)?;
            Some(HorizontalContent {
                keyname: field.label.clone(),
                value: Some(shown(&field.kind, value)),
                kind: None,
                url: None,
                media_id: None,
                userid: None,
            })
        })
        .take(5)
        .collect();
    let card = TemplateCard {
        source: Some(CardSource {
            desc: Some("Gantry 审批".into()),
            ..CardSource::default()
        }),
        main_title: Some(MainTitle {
            title: Some(format!("{initiator_name}的{}", template.name)),
            desc: Some(format!("待你审批：{step_name}")),
        }),
        sub_title_text,
        horizontal_content_list: fields,
        jump_list: vec![JumpItem {
            kind: Some(1),
            title: "查看详情".into(),
            url: Some(url.to_owned()),
            appid: None,
            pagepath: None,
        }],
        card_action: Some(CardAction::url(url)),
        ..TemplateCard::button_interaction(
            task_id,
            vec![
                Button::callback("同意", APPROVE_KEY, 1),
                Button::callback("驳回", REJECT_KEY, 2),
            ],
        )
    };
    MessageBody::TemplateCard(Box::new(card))
}

/// The grey text a decided card shows instead of its buttons.
pub fn closed_text(note: &CardNote, name_of: impl Fn(&str) -> String) -> String {
    match note {
        CardNote::YouApproved => "已同意".into(),
        CardNote::YouRejected => "已驳回".into(),
        CardNote::DecidedBy { userid, approved } => {
            let verb = if *approved { "同意" } else { "驳回" };
            format!("已由 {} {verb}", name_of(userid))
        }
        CardNote::PassedTo { userid } => format!("已转交 {}", name_of(userid)),
        CardNote::Withdrawn => "已撤回".into(),
        CardNote::Returned => "已退回".into(),
    }
}

/// A text card linking to the instance.
pub fn notice(title: &str, description: &str, url: &str) -> MessageBody {
    MessageBody::TextCard {
        title: title.to_owned(),
        description: description.to_owned(),
        url: url.to_owned(),
        btntxt: Some("详情".into()),
    }
}

/// How the initiator hears the outcome.
pub fn outcome_text(status: Status) -> &'static str {
    match status {
        Status::Approved => "已通过",
        Status::Rejected => "已驳回",
        Status::Returned => "被退回，可修改后重新提交",
        Status::Withdrawn => "已撤回",
        Status::Pending => "审批中",
    }
}

/// A form value as a card line: money in 元, ranges joined, lists comma-separated.
fn shown(kind: &FieldKind, value: &Value) -> String {
    match (kind, value) {
        (FieldKind::Money | FieldKind::Total { .. }, Value::Number(n)) => {
            let fen = n.as_i64().unwrap_or(0);
            format!("¥{}.{:02}", thousands(fen / 100), (fen % 100).abs())
        }
        (FieldKind::DateRange, Value::Array(pair)) if pair.len() == 2 => format!(
            "{} 至 {}",
            pair[0].as_str().unwrap_or(""),
            pair[1].as_str().unwrap_or("")
        ),
        (_, Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("、"),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn money_reads_as_yuan() {
        assert_eq!(
            shown(&FieldKind::Money, &json!(625_005_000)),
            "¥6,250,050.00"
        );
        assert_eq!(shown(&FieldKind::Money, &json!(5)), "¥0.05");
        assert_eq!(
            shown(&FieldKind::DateRange, &json!(["2026-12-01", "2026-12-03"])),
            "2026-12-01 至 2026-12-03"
        );
    }

    #[test]
    fn decision_cards_are_valid_for_wecom() {
        let template = domain::approval::builtin::purchase();
        let (instance, _) = Instance::start(
            "purchase",
            "zhangsan",
            [
                ("project".to_owned(), json!(7)),
                ("total".to_owned(), json!(6_000_000)),
            ]
            .into(),
            Vec::new(),
            template.on_reject,
            0,
        );
        let MessageBody::TemplateCard(card) = decision(
            "ap1_0_0",
            &template,
            &instance,
            "张三",
            None,
            "http://127.0.0.1/approvals/1",
        ) else {
            panic!("not a template card");
        };
        card.validate().expect("valid card");
        assert_eq!(card.button_list.len(), 2);
        assert_eq!(
            card.horizontal_content_list[1].value.as_deref(),
            Some("¥60,000.00")
        );
    }
}
