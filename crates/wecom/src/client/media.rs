//! Temporary media (§4.8): upload (multipart field `media`) and download. A media_id
//! lives 3 days; JS-SDK `serverId`s are media_ids too, so download them promptly.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use serde::{Deserialize, Serialize};

use super::http::{Expect, decode};
use super::{Client, Error, Result, api, wire};

/// Media type of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// JPG/PNG.
    Image,
    /// AMR, ≤60 s.
    Voice,
    /// MP4.
    Video,
    /// Any file.
    File,
}

impl MediaKind {
    /// The `type` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Voice => "voice",
            Self::Video => "video",
            Self::File => "file",
        }
    }

    /// Size limit in bytes. Images: the docs disagree (2 MB vs 10 MB); the newer 10 MB
    /// is used and WeCom has the last word.
    pub fn max_bytes(self) -> usize {
        const MB: usize = 1024 * 1024;
        match self {
            Self::Image | Self::Video => 10 * MB,
            Self::Voice => 2 * MB,
            Self::File => 20 * MB,
        }
    }
}

/// The answer of `media/upload`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadedMedia {
    /// Echoed media type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The id, valid 3 days.
    pub media_id: String,
    /// Upload time, Unix seconds (a string on the wire).
    #[serde(deserialize_with = "wire::int")]
    pub created_at: i64,
}

/// A downloaded media file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// `Content-Type` as sent by WeCom.
    pub content_type: Option<String>,
    /// File name from `Content-Disposition`, if any.
    pub filename: Option<String>,
}

/// Extracts `filename="…"` from a Content-Disposition value.
fn disposition_filename(value: &str) -> Option<String> {
    value.split(';').map(str::trim).find_map(|part| {
        let name = part.strip_prefix("filename=")?;
        let name = name.trim_matches('"');
        (!name.is_empty()).then(|| name.to_owned())
    })
}

impl Client {
    /// `media/upload`. Rejects files of ≤5 bytes or over [`MediaKind::max_bytes`] locally.
    pub async fn upload_media(
        &self,
        kind: MediaKind,
        filename: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<UploadedMedia> {
        let api = api::MEDIA_UPLOAD;
        if bytes.len() <= 5 || bytes.len() > kind.max_bytes() {
            return Err(Error::InvalidRequest(format!(
                "{} upload must be 6..={} bytes",
                kind.as_str(),
                kind.max_bytes()
            )));
        }
        if filename.is_empty() {
            return Err(Error::InvalidRequest("upload needs a file name".into()));
        }
        // Fail on a bad content type before any request is made.
        Part::bytes(Vec::new())
            .mime_str(content_type)
            .map_err(|_| Error::InvalidRequest(format!("bad content type {content_type:?}")))?;
        let raw = self
            .authed(api, Expect::Json, |url| {
                // A form is consumed by sending, so the replay builds its own.
                let part = Part::bytes(bytes.clone())
                    .file_name(filename.to_owned())
                    .mime_str(content_type)
                    .unwrap_or_else(|_| Part::bytes(bytes.clone()).file_name(filename.to_owned()));
                self.inner
                    .http
                    .post(url)
                    .query(&[("type", kind.as_str())])
                    .multipart(Form::new().part("media", part))
            })
            .await?;
        decode(api, &raw)
    }

    /// `media/get`: downloads a media file. A JSON error body (HTTP 200) becomes
    /// [`Error::Api`].
    pub async fn get_media(&self, media_id: &str) -> Result<Media> {
        if media_id.is_empty() {
            return Err(Error::InvalidRequest("media_id is empty".into()));
        }
        let raw = self
            .authed(api::MEDIA_GET, Expect::Media, |url| {
                self.inner.http.get(url).query(&[("media_id", media_id)])
            })
            .await?;
        let header = |name| {
            raw.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(Media {
            content_type: header(CONTENT_TYPE),
            filename: header(CONTENT_DISPOSITION)
                .as_deref()
                .and_then(disposition_filename),
            bytes: raw.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_disposition() {
        assert_eq!(
            disposition_filename("attachment; filename=\"a b.jpg\""),
            Some("a b.jpg".to_owned())
        );
        assert_eq!(
            disposition_filename("attachment; filename=x.amr"),
            Some("x.amr".to_owned())
        );
        assert_eq!(disposition_filename("inline"), None);
    }

    #[test]
    fn decodes_upload_answer() {
        let m: UploadedMedia = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"","type":"image","media_id":"1G6","created_at":"1380000000"}"#,
        )
        .unwrap_or_default();
        assert_eq!(m.media_id, "1G6");
        assert_eq!(m.created_at, 1_380_000_000);
        assert_eq!(MediaKind::Voice.max_bytes(), 2 * 1024 * 1024);
    }
}
