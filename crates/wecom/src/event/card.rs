//! `template_card_event`: a member tapped a button on a card the app sent (doc 90240).

use serde::{Deserialize, Serialize};

use super::EventError;
use super::fields::{opt_str, req_str};
use crate::xml::Node;

/// A click on an interactive template card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateCardEvent {
    /// `key` of the button (or submit button) that was tapped.
    pub event_key: String,
    /// The `task_id` the card was sent with.
    pub task_id: String,
    /// `button_interaction`, `vote_interaction`, …
    pub card_type: String,
    /// Single-use code for `update_template_card`; a fresh one comes with every click.
    pub response_code: Option<String>,
    /// Choices on selection, vote and multiple-interaction cards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selected_items: Vec<SelectedItem>,
}

/// One answered question of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedItem {
    /// `question_key` of the selection.
    pub question_key: String,
    /// The chosen option ids.
    pub option_ids: Vec<String>,
}

pub(super) fn parse(el: Node<'_, '_>) -> Result<TemplateCardEvent, EventError> {
    let selected_items = el
        .child("SelectedItems")
        .map(|items| {
            items
                .children_named("SelectedItem")
                .map(|item| SelectedItem {
                    question_key: item.text_of("QuestionKey").unwrap_or_default().to_owned(),
                    option_ids: item
                        .child("OptionIds")
                        .map(|ids| {
                            ids.children_named("OptionId")
                                .map(|o| o.text().to_owned())
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(TemplateCardEvent {
        event_key: req_str(el, "EventKey")?,
        task_id: req_str(el, "TaskId")?,
        card_type: opt_str(el, "CardType").unwrap_or_default(),
        response_code: opt_str(el, "ResponseCode"),
        selected_items,
    })
}
