//! `message/update_template_card` (§4.4). Unlike message/send, recipients are JSON
//! arrays here.

use serde::{Deserialize, Serialize};

use super::card::TemplateCard;
use super::{Client, Error, Result, api, wire};

/// What to change on the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardUpdate {
    /// Grey out the buttons with this text (button/vote/multiple cards only).
    ReplaceButton {
        /// The grey text, e.g. 已通过.
        replace_name: String,
    },
    /// Replace the whole card (any card type).
    Card(Box<TemplateCard>),
}

/// A request to update a card sent earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCard {
    /// UserIDs (≤1000).
    #[serde(default)]
    pub userids: Vec<String>,
    /// Department ids (≤100).
    #[serde(default)]
    pub partyids: Vec<i64>,
    /// Tag ids (≤100).
    #[serde(default)]
    pub tagids: Vec<i64>,
    /// Everyone who received the card.
    #[serde(default)]
    pub atall: bool,
    /// Single-use code from the send answer or the latest click event.
    pub response_code: String,
    /// Translate ids to names.
    #[serde(default)]
    pub enable_id_trans: bool,
    /// The change.
    pub update: CardUpdate,
}

impl UpdateCard {
    /// Greys out the buttons of `userids`' copies.
    pub fn replace_button(
        userids: Vec<String>,
        response_code: impl Into<String>,
        replace_name: impl Into<String>,
    ) -> Self {
        Self {
            userids,
            partyids: Vec::new(),
            tagids: Vec::new(),
            atall: false,
            response_code: response_code.into(),
            enable_id_trans: false,
            update: CardUpdate::ReplaceButton {
                replace_name: replace_name.into(),
            },
        }
    }

    /// Checks limits before sending.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidRequest(format!("update_template_card: {m}")));
        if self.response_code.is_empty() {
            return bad("response_code is required");
        }
        if !self.atall
            && self.userids.is_empty()
            && self.partyids.is_empty()
            && self.tagids.is_empty()
        {
            return bad("no recipients");
        }
        if self.userids.len() > 1000 || self.partyids.len() > 100 || self.tagids.len() > 100 {
            return bad("too many recipients (1000 users, 100 departments, 100 tags)");
        }
        match &self.update {
            CardUpdate::ReplaceButton { replace_name } if replace_name.is_empty() => {
                bad("replace_name must not be empty")
            }
            CardUpdate::ReplaceButton { .. } => Ok(()),
            CardUpdate::Card(card) => card.validate(),
        }
    }

    fn wire(&self, agentid: i64) -> UpdateRequest<'_> {
        let (button, template_card) = match &self.update {
            CardUpdate::ReplaceButton { replace_name } => {
                (Some(ReplaceName { replace_name }), None)
            }
            CardUpdate::Card(card) => (None, Some(&**card)),
        };
        UpdateRequest {
            userids: &self.userids,
            partyids: &self.partyids,
            tagids: &self.tagids,
            atall: self.atall,
            agentid,
            response_code: &self.response_code,
            enable_id_trans: self.enable_id_trans,
            button,
            template_card,
        }
    }
}

#[derive(Serialize)]
struct ReplaceName<'a> {
    replace_name: &'a str,
}

#[derive(Serialize)]
struct UpdateRequest<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    userids: &'a [String],
    #[serde(skip_serializing_if = "<[i64]>::is_empty")]
    partyids: &'a [i64],
    #[serde(skip_serializing_if = "<[i64]>::is_empty")]
    tagids: &'a [i64],
    #[serde(serialize_with = "wire::flag")]
    atall: bool,
    agentid: i64,
    response_code: &'a str,
    #[serde(serialize_with = "wire::flag")]
    enable_id_trans: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    button: Option<ReplaceName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_card: Option<&'a TemplateCard>,
}

#[derive(Deserialize)]
struct UpdateAnswer {
    #[serde(default, deserialize_with = "wire::strings")]
    invaliduser: Vec<String>,
}

impl Client {
    /// `message/update_template_card`; returns the invalid userids. The response_code is
    /// single use, so this is not replayed except after a rejected token.
    pub async fn update_template_card(&self, update: &UpdateCard) -> Result<Vec<String>> {
        let agentid = self.require_agent(api::UPDATE_TEMPLATE_CARD)?;
        update.validate()?;
        let answer: UpdateAnswer = self
            .post_json(api::UPDATE_TEMPLATE_CARD, &update.wire(agentid))
            .await?;
        Ok(answer.invaliduser)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn update_wire_uses_arrays() {
        let update = UpdateCard::replace_button(vec!["a".into(), "b".into()], "rc1", "已通过");
        update.validate().unwrap();
        let v = serde_json::to_value(update.wire(1000002)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"userids":["a","b"],"atall":0,"agentid":1000002,
                "response_code":"rc1","enable_id_trans":0,"button":{"replace_name":"已通过"}})
        );
        let answer: UpdateAnswer =
            serde_json::from_str(r#"{"errcode":0,"invaliduser":["x"]}"#).unwrap();
        assert_eq!(answer.invaliduser, ["x"]);
    }

    #[test]
    fn update_validation() {
        let mut update = UpdateCard::replace_button(vec![], "rc", "done");
        assert!(update.validate().is_err());
        update.atall = true;
        assert!(update.validate().is_ok());
        update.response_code.clear();
        assert!(update.validate().is_err());
    }
}
