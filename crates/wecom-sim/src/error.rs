//! Errors of the simulator's Rust API (HTTP answers use errcodes, see [`crate::codes`]).

use wecom::callback::CallbackError;

/// Why a simulator operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Token or EncodingAESKey of a callback target is unusable.
    #[error("callback crypto: {0}")]
    Crypto(#[from] CallbackError),
    /// The HTTP request could not be built or sent.
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    /// A callback URL does not parse.
    #[error("bad url: {0}")]
    Url(#[from] url::ParseError),
    /// The app answered the URL verification wrongly.
    #[error("URL verification failed: {0}")]
    Verify(String),
    /// No card with this task id was delivered to this member.
    #[error("no card with task_id {task_id} was delivered to {userid}")]
    NoSuchCard {
        /// Member.
        userid: String,
        /// Card task id.
        task_id: String,
    },
    /// The card has no clickable button with this key.
    #[error("card {task_id} has no callback button {key}")]
    NoSuchButton {
        /// Card task id.
        task_id: String,
        /// Requested key.
        key: String,
    },
    /// The card was greyed out by an update (replace_name / replace_text).
    #[error("card {task_id} of {userid} no longer accepts clicks")]
    CardClosed {
        /// Member.
        userid: String,
        /// Card task id.
        task_id: String,
    },
    /// `/sim/click` or `/sim/text` without a configured callback target.
    #[error("no callback target configured")]
    NoCallbackTarget,
    /// A directory mutation helper refused the change, with the errcode WeCom would use.
    #[error("directory change rejected ({errcode}): {detail}")]
    Contact {
        /// WeCom errcode.
        errcode: i64,
        /// What was wrong.
        detail: String,
    },
}

impl SimError {
    pub(crate) fn contact(errcode: i64, detail: impl Into<String>) -> Self {
        Self::Contact {
            errcode,
            detail: detail.into(),
        }
    }
}
