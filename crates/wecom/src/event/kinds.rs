//! Message and event kinds: the `MsgType` / `Event` switch.

use serde::{Deserialize, Serialize};

use super::fields::{nested_texts, opt_num, opt_str, req_str};
use super::{ApprovalChange, ContactChange, EventError, TemplateCardEvent};
use super::{approval, card, contact};
use crate::xml::{Element, Node};

/// The payload of a callback, by `MsgType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "msg_type", rename_all = "snake_case")]
// One short-lived value per callback: boxing the large member events would cost an
// allocation on every callback to save stack space nobody needs.
#[allow(clippy::large_enum_variant)]
pub enum Body {
    /// A text message to the app.
    Text {
        /// The text.
        content: String,
    },
    /// A picture.
    Image {
        /// Picture URL.
        pic_url: Option<String>,
        /// Media id for `media/get`.
        media_id: String,
    },
    /// A voice message.
    Voice {
        /// Media id.
        media_id: String,
        /// e.g. `amr`.
        format: Option<String>,
    },
    /// A video.
    Video {
        /// Media id.
        media_id: String,
        /// Thumbnail media id.
        thumb_media_id: Option<String>,
    },
    /// A shared location.
    Location {
        /// Latitude (`Location_X`).
        latitude: String,
        /// Longitude (`Location_Y`).
        longitude: String,
        /// Map zoom.
        scale: Option<String>,
        /// Place description.
        label: Option<String>,
    },
    /// A shared link.
    Link {
        /// Title.
        title: Option<String>,
        /// Description.
        description: Option<String>,
        /// URL.
        url: Option<String>,
        /// Cover picture.
        pic_url: Option<String>,
    },
    /// An event (`MsgType` = `event`).
    Event(Event),
    /// A `MsgType` this crate does not know, kept whole.
    Unknown {
        /// The `MsgType`.
        kind: String,
        /// The whole message.
        raw: Element,
    },
}

/// Events, by `Event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The member opened the app.
    EnterAgent,
    /// A menu click.
    Click {
        /// The menu key.
        event_key: String,
    },
    /// A menu link was opened.
    View {
        /// The URL.
        url: String,
    },
    /// The member can now use the app.
    Subscribe,
    /// The member can no longer use the app.
    Unsubscribe,
    /// Periodic location report.
    Location {
        /// Latitude.
        latitude: String,
        /// Longitude.
        longitude: String,
        /// Accuracy.
        precision: Option<String>,
    },
    /// A QR/bar code scanned from a menu (`scancode_push` or `scancode_waitmsg`).
    ScanCode {
        /// `scancode_push` or `scancode_waitmsg`.
        kind: String,
        /// The menu key.
        event_key: String,
        /// `qrcode`, `barcode`, …
        scan_type: Option<String>,
        /// The scanned text.
        scan_result: Option<String>,
    },
    /// Pictures chosen from a menu (`pic_sysphoto`, `pic_photo_or_album`, `pic_weixin`).
    Pictures {
        /// Which picker.
        kind: String,
        /// The menu key.
        event_key: String,
        /// MD5 of each picture.
        md5_sums: Vec<String>,
    },
    /// A location chosen from a menu.
    LocationSelect {
        /// The menu key.
        event_key: String,
        /// Latitude.
        latitude: Option<String>,
        /// Longitude.
        longitude: Option<String>,
        /// Place label.
        label: Option<String>,
        /// Point-of-interest name.
        poi_name: Option<String>,
    },
    /// A button on an interactive card was tapped.
    TemplateCard(TemplateCardEvent),
    /// A directory change.
    ChangeContact(ContactChange),
    /// A native approval changed.
    SysApprovalChange(ApprovalChange),
    /// An asynchronous batch job finished.
    BatchJobResult {
        /// Job id.
        job_id: String,
        /// `sync_user`, `replace_user`, …
        job_type: String,
        /// 0 on success.
        err_code: i64,
        /// Message.
        err_msg: Option<String>,
    },
    /// An `Event` this crate does not know, kept whole.
    Unknown {
        /// The `Event` value.
        name: String,
        /// The whole message.
        raw: Element,
    },
}

impl Body {
    pub(super) fn name(&self) -> &str {
        match self {
            Body::Text { .. } => "text",
            Body::Image { .. } => "image",
            Body::Voice { .. } => "voice",
            Body::Video { .. } => "video",
            Body::Location { .. } => "location",
            Body::Link { .. } => "link",
            Body::Event(_) => "event",
            Body::Unknown { kind, .. } => kind,
        }
    }
}

impl Event {
    /// The `Event` wire name.
    pub fn name(&self) -> &str {
        match self {
            Event::EnterAgent => "enter_agent",
            Event::Click { .. } => "click",
            Event::View { .. } => "view",
            Event::Subscribe => "subscribe",
            Event::Unsubscribe => "unsubscribe",
            Event::Location { .. } => "LOCATION",
            Event::ScanCode { kind, .. } | Event::Pictures { kind, .. } => kind,
            Event::LocationSelect { .. } => "location_select",
            Event::TemplateCard(_) => "template_card_event",
            Event::ChangeContact(_) => "change_contact",
            Event::SysApprovalChange(_) => "sys_approval_change",
            Event::BatchJobResult { .. } => "batch_job_result",
            Event::Unknown { name, .. } => name,
        }
    }
}

pub(super) fn parse_body(root: Node<'_, '_>, msg_type: &str) -> Result<Body, EventError> {
    Ok(match msg_type {
        "text" => Body::Text {
            content: root.text_of("Content").unwrap_or_default().to_owned(),
        },
        "image" => Body::Image {
            pic_url: opt_str(root, "PicUrl"),
            media_id: req_str(root, "MediaId")?,
        },
        "voice" => Body::Voice {
            media_id: req_str(root, "MediaId")?,
            format: opt_str(root, "Format"),
        },
        "video" => Body::Video {
            media_id: req_str(root, "MediaId")?,
            thumb_media_id: opt_str(root, "ThumbMediaId"),
        },
        "location" => Body::Location {
            latitude: req_str(root, "Location_X")?,
            longitude: req_str(root, "Location_Y")?,
            scale: opt_str(root, "Scale"),
            label: opt_str(root, "Label"),
        },
        "link" => Body::Link {
            title: opt_str(root, "Title"),
            description: opt_str(root, "Description"),
            url: opt_str(root, "Url"),
            pic_url: opt_str(root, "PicUrl"),
        },
        "event" => Body::Event(parse_event(root)?),
        _ => Body::Unknown {
            kind: msg_type.to_owned(),
            raw: root.to_element(),
        },
    })
}

fn parse_event(root: Node<'_, '_>) -> Result<Event, EventError> {
    let name = req_str(root, "Event")?;
    let key = || opt_str(root, "EventKey").unwrap_or_default();
    Ok(match name.as_str() {
        "enter_agent" => Event::EnterAgent,
        "click" => Event::Click { event_key: key() },
        "view" => Event::View { url: key() },
        "subscribe" => Event::Subscribe,
        "unsubscribe" => Event::Unsubscribe,
        "LOCATION" => Event::Location {
            latitude: req_str(root, "Latitude")?,
            longitude: req_str(root, "Longitude")?,
            precision: opt_str(root, "Precision"),
        },
        "scancode_push" | "scancode_waitmsg" => {
            let info = root.child("ScanCodeInfo");
            Event::ScanCode {
                event_key: key(),
                scan_type: info.and_then(|i| opt_str(i, "ScanType")),
                scan_result: info.and_then(|i| opt_str(i, "ScanResult")),
                kind: name,
            }
        }
        "pic_sysphoto" | "pic_photo_or_album" | "pic_weixin" => Event::Pictures {
            event_key: key(),
            md5_sums: nested_texts(root, &["SendPicsInfo", "PicList", "item", "PicMd5Sum"]),
            kind: name,
        },
        "location_select" => {
            let info = root.child("SendLocationInfo");
            let get = |field| info.and_then(|i| opt_str(i, field));
            Event::LocationSelect {
                event_key: key(),
                latitude: get("Location_X"),
                longitude: get("Location_Y"),
                label: get("Label"),
                poi_name: get("Poiname"),
            }
        }
        "template_card_event" => Event::TemplateCard(card::parse(root)?),
        "change_contact" => Event::ChangeContact(contact::parse(root)?),
        "sys_approval_change" => Event::SysApprovalChange(approval::parse(root)?),
        "batch_job_result" => {
            let job = root
                .child("BatchJob")
                .ok_or(EventError::MissingField("BatchJob"))?;
            Event::BatchJobResult {
                job_id: req_str(job, "JobId")?,
                job_type: opt_str(job, "JobType").unwrap_or_default(),
                err_code: opt_num(job, "ErrCode")?.unwrap_or(0),
                err_msg: opt_str(job, "ErrMsg"),
            }
        }
        _ => Event::Unknown {
            name,
            raw: root.to_element(),
        },
    })
}
