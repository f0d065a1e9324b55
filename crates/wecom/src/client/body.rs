//! Message bodies shared by message/send and appchat/send, and their wire form
//! (`msgtype` plus an object named after it).

use serde::{Deserialize, Serialize};

use super::card::TemplateCard;
use super::{Error, Result};

/// text/markdown content limit in bytes.
const MAX_CONTENT_BYTES: usize = 2048;

/// The content of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "msgtype", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text (≤2048 bytes; `\n` and `<a href>` allowed).
    Text {
        /// Content.
        content: String,
    },
    /// Text card linking to `url`.
    #[serde(rename = "textcard")]
    TextCard {
        /// Title (≤128 chars).
        title: String,
        /// Description (≤512 chars; div classes gray/highlight/normal).
        description: String,
        /// Link (≤2048 bytes).
        url: String,
        /// Button text (≤4 chars, default 详情).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        btntxt: Option<String>,
    },
    /// Markdown subset (≤2048 bytes; not shown in the WeChat plugin).
    Markdown {
        /// Content.
        content: String,
    },
    /// Template card (message/send only).
    TemplateCard(Box<TemplateCard>),
}

#[derive(Serialize)]
pub(super) struct Content<'a> {
    content: &'a str,
}

#[derive(Serialize)]
pub(super) struct WireTextCard<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    btntxt: Option<&'a str>,
}

/// `msgtype` plus the matching body object, flattened into a request.
#[derive(Serialize)]
#[serde(tag = "msgtype", rename_all = "snake_case")]
pub(super) enum WireBody<'a> {
    Text { text: Content<'a> },
    Textcard { textcard: WireTextCard<'a> },
    Markdown { markdown: Content<'a> },
    TemplateCard { template_card: &'a TemplateCard },
}

impl MessageBody {
    pub(super) fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidRequest(m.to_owned()));
        match self {
            Self::Text { content } | Self::Markdown { content } => {
                if content.is_empty() || content.len() > MAX_CONTENT_BYTES {
                    return bad("content must be 1 to 2048 bytes");
                }
            }
            Self::TextCard {
                title,
                description,
                url,
                ..
            } => {
                if title.is_empty() || description.is_empty() || url.is_empty() {
                    return bad("textcard needs title, description and url");
                }
            }
            Self::TemplateCard(card) => card.validate()?,
        }
        Ok(())
    }

    pub(super) fn wire(&self) -> WireBody<'_> {
        match self {
            Self::Text { content } => WireBody::Text {
                text: Content { content },
            },
            Self::Markdown { content } => WireBody::Markdown {
                markdown: Content { content },
            },
            Self::TextCard {
                title,
                description,
                url,
                btntxt,
            } => WireBody::Textcard {
                textcard: WireTextCard {
                    title,
                    description,
                    url,
                    btntxt: btntxt.as_deref(),
                },
            },
            Self::TemplateCard(card) => WireBody::TemplateCard {
                template_card: card,
            },
        }
    }
}
