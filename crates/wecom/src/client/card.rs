//! `template_card` bodies (§4.3): `button_interaction` and `text_notice`.
//!
//! The structs serialise to the exact wire shape, so the same value can be stored in an
//! outbox and sent later. Field limits marked "建议" in the docs are not enforced; only
//! what WeCom rejects or what breaks callbacks is validated.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::card_parts::{
    ActionMenu, Button, ButtonSelection, CardAction, CardSource, EmphasisContent,
    HorizontalContent, JumpItem, MainTitle, QuoteArea,
};
use super::{Error, Result};

/// Maximum buttons in `button_list` (and items in `horizontal_content_list`).
const MAX_BUTTONS: usize = 6;

/// Card type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    /// Text card with optional links.
    #[default]
    TextNotice,
    /// Card with up to six buttons whose clicks arrive as `template_card_event`.
    ButtonInteraction,
}

/// A `template_card` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateCard {
    /// Card type.
    pub card_type: CardType,
    /// Source line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CardSource>,
    /// "…" menu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_menu: Option<ActionMenu>,
    /// Title block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_title: Option<MainTitle>,
    /// Highlighted figure (text_notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emphasis_content: Option<EmphasisContent>,
    /// Quote block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_area: Option<QuoteArea>,
    /// Secondary text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_title_text: Option<String>,
    /// Up to six key/value lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub horizontal_content_list: Vec<HorizontalContent>,
    /// Links (text_notice).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jump_list: Vec<JumpItem>,
    /// Body tap action; WeCom requires it for text_notice, send it always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_action: Option<CardAction>,
    /// Unique per app, `[0-9a-zA-Z_\-@]{1,128}`; comes back as `TaskId` in events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Drop-down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_selection: Option<ButtonSelection>,
    /// Up to six buttons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub button_list: Vec<Button>,
    /// When set the buttons show as this grey text (used for updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_text: Option<String>,
}

impl TemplateCard {
    /// A `button_interaction` card; fill the remaining fields with struct update syntax.
    pub fn button_interaction(task_id: impl Into<String>, buttons: Vec<Button>) -> Self {
        Self {
            card_type: CardType::ButtonInteraction,
            task_id: Some(task_id.into()),
            button_list: buttons,
            ..Self::default()
        }
    }

    /// A `text_notice` card opening `url` on tap.
    pub fn text_notice(title: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            card_type: CardType::TextNotice,
            main_title: Some(MainTitle {
                title: Some(title.into()),
                desc: None,
            }),
            card_action: Some(CardAction::url(url)),
            ..Self::default()
        }
    }

    /// Checks what WeCom would reject or what would break click handling.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidRequest(format!("template_card: {m}")));
        match &self.task_id {
            Some(id) if !is_valid_task_id(id) => {
                return bad("task_id must match [0-9a-zA-Z_\\-@]{1,128}");
            }
            None if self.card_type == CardType::ButtonInteraction => {
                return bad("button_interaction needs a task_id");
            }
            None if self.action_menu.is_some() => return bad("action_menu needs a task_id"),
            _ => {}
        }
        if let Some(menu) = &self.action_menu
            && !(1..=3).contains(&menu.action_list.len())
        {
            return bad("action_menu needs 1 to 3 entries");
        }
        if self.horizontal_content_list.len() > MAX_BUTTONS {
            return bad("at most 6 horizontal_content_list items");
        }
        if self.button_list.len() > MAX_BUTTONS {
            return bad("at most 6 buttons");
        }
        if self.card_type == CardType::ButtonInteraction && self.button_list.is_empty() {
            return bad("button_interaction needs at least one button");
        }
        if self.card_type == CardType::TextNotice && self.card_action.is_none() {
            return bad("text_notice needs card_action");
        }
        let mut keys = HashSet::new();
        for button in &self.button_list {
            match (button.kind.unwrap_or(0), &button.key) {
                (0, Some(key))
                    if !key.is_empty() && key.len() <= 1024 && !keys.insert(key.as_str()) =>
                {
                    return bad("button keys must be unique");
                }
                (0, Some(key)) if !key.is_empty() && key.len() <= 1024 => {}
                (0, _) => return bad("callback buttons need a key of 1 to 1024 bytes"),
                (_, _) if button.url.as_deref().is_none_or(str::is_empty) => {
                    return bad("URL buttons need a url");
                }
                _ => {}
            }
        }
        if let Some(selection) = &self.button_selection
            && !(1..=10).contains(&selection.option_list.len())
        {
            return bad("button_selection needs 1 to 10 options");
        }
        Ok(())
    }
}

/// `task_id`: 1..=128 bytes of `[0-9a-zA-Z_\-@]`.
pub fn is_valid_task_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn card() -> TemplateCard {
        TemplateCard {
            main_title: Some(MainTitle {
                title: Some("巡检单 #42 待确认".into()),
                desc: None,
            }),
            card_action: Some(CardAction::url("https://app.example.com/insp/42")),
            ..TemplateCard::button_interaction(
                "insp-42-v1",
                vec![
                    Button::callback("通过", "approve", 1),
                    Button::callback("驳回", "reject", 2),
                ],
            )
        }
    }

    #[test]
    fn task_id_rules() {
        assert!(is_valid_task_id("insp-42_v1@x"));
        assert!(is_valid_task_id(&"a".repeat(128)));
        assert!(!is_valid_task_id(&"a".repeat(129)));
        assert!(!is_valid_task_id(""));
        assert!(!is_valid_task_id("a b"));
        assert!(!is_valid_task_id("任务"));
    }

    #[test]
    fn validates_cards() {
        assert!(card().validate().is_ok());
        let mut c = card();
        c.button_list = (0..7)
            .map(|i| Button::callback("b", i.to_string(), 1))
            .collect();
        assert!(c.validate().is_err());
        let mut c = card();
        c.button_list[1].key = Some("approve".into());
        assert!(c.validate().is_err());
        let mut c = card();
        c.task_id = None;
        assert!(c.validate().is_err());
        let mut c = card();
        c.task_id = Some("bad id".into());
        assert!(c.validate().is_err());
        assert!(
            TemplateCard::text_notice("t", "https://x")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn serialises_wire_shape() {
        let v = serde_json::to_value(card()).unwrap();
        assert_eq!(v["card_type"], "button_interaction");
        assert_eq!(v["card_action"]["type"], 1);
        assert_eq!(v["button_list"][0]["key"], "approve");
        assert!(v.get("source").is_none());
        assert!(v["button_list"][0].get("type").is_none());
    }
}
