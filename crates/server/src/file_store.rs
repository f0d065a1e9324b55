//! One store for every file Gantry keeps (photo originals and watermarked copies,
//! uploads, documents, audit anchors): a local directory by default, S3-compatible object
//! storage in production (MinIO, Garage, Aliyun OSS, Tencent COS, AWS S3), both through
//! `object_store`, so every replica reads what any replica wrote.
//!
//! Keys are `/`-separated names of ASCII letters, digits, `-`, `_` and `.` (no empty or
//! dot-led segment), so no key can name a path outside the store.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};

use crate::config::{FileBackend, FileSettings};

/// A store call that failed.
#[derive(Debug, thiserror::Error)]
pub enum FileStoreError {
    /// The key is not a valid object key.
    #[error("not an object key: {0:?}")]
    BadKey(String),
    /// The backend could not be reached or refused (a disk or object-store outage).
    #[error("file store unavailable: {0}")]
    Unavailable(#[source] object_store::Error),
}

impl From<FileStoreError> for crate::error::ApiError {
    #[track_caller]
    fn from(e: FileStoreError) -> Self {
        match e {
            FileStoreError::BadKey(_) => Self::new(api::ErrorCode::NotFound),
            FileStoreError::Unavailable(e) => {
                tracing::warn!(error = %e, "file store unavailable");
                Self::new(api::ErrorCode::Unavailable)
            }
        }
    }
}

/// The file store.
#[derive(Clone)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
    label: String,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("at", &self.label)
            .finish()
    }
}

impl FileStore {
    /// The store the settings name; a local one lives in `data_dir`.
    pub fn from_settings(files: &FileSettings, data_dir: &std::path::Path) -> anyhow::Result<Self> {
        match files.backend {
            FileBackend::Local => Self::local(data_dir),
            FileBackend::S3 => Self::s3(files),
        }
    }

    /// Files under `dir` (created when missing).
    pub fn local(dir: &std::path::Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let fs = LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            inner: Arc::new(fs),
            label: format!("local {}", dir.display()),
        })
    }

    /// An S3-compatible bucket.
    pub fn s3(files: &FileSettings) -> anyhow::Result<Self> {
        let s3 = &files.s3;
        let client = ClientOptions::new()
            .with_timeout(Duration::from_millis(s3.timeout_ms))
            .with_connect_timeout(Duration::from_secs(5))
            .with_allow_http(s3.endpoint.starts_with("http://"));
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_millis(s3.timeout_ms.saturating_mul(3)),
            ..RetryConfig::default()
        };
        let store = AmazonS3Builder::new()
            .with_endpoint(&s3.endpoint)
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_access_key_id(s3.access_key_id.expose())
            .with_secret_access_key(s3.secret_access_key.expose())
            .with_virtual_hosted_style_request(s3.virtual_hosted)
            .with_client_options(client)
            .with_retry(retry)
            .build()?;
        Ok(Self {
            inner: Arc::new(store),
            label: format!("s3 {}/{}", s3.endpoint, s3.bucket),
        })
    }

    /// Where the files are, for logs and the admin's configuration page (no secrets).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Stores `bytes` under `key`, replacing what was there; readers see the old or the
    /// new file, never half of one (a local file is written aside and renamed; an S3
    /// PUT is atomic).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FileStoreError> {
        self.inner
            .put(&path(key)?, PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(FileStoreError::Unavailable)
    }

    /// Whether `key` holds a file.
    pub async fn exists(&self, key: &str) -> Result<bool, FileStoreError> {
        match self.inner.head(&path(key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(FileStoreError::Unavailable(e)),
        }
    }

    /// The file under `key`, if there is one.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FileStoreError> {
        let found = match self.inner.get(&path(key)?).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(FileStoreError::Unavailable(e)),
        };
        let bytes = found.bytes().await.map_err(FileStoreError::Unavailable)?;
        Ok(Some(bytes.to_vec()))
    }

    /// Removes `key`; removing nothing is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), FileStoreError> {
        match self.inner.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(FileStoreError::Unavailable(e)),
        }
    }

    /// Every key below `folder`, at any depth, sorted.
    pub async fn keys_below(&self, folder: &str) -> Result<Vec<String>, FileStoreError> {
        use futures_util::TryStreamExt as _;
        let listed: Result<Vec<_>, _> = self.inner.list(Some(&path(folder)?)).try_collect().await;
        let mut keys: Vec<String> = match listed {
            Ok(listed) => listed.into_iter().map(|o| o.location.to_string()).collect(),
            Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(FileStoreError::Unavailable(e)),
        };
        keys.sort();
        Ok(keys)
    }

    /// The keys directly under `folder` (`audit-anchors`), sorted.
    pub async fn list(&self, folder: &str) -> Result<Vec<String>, FileStoreError> {
        let listed = self.inner.list_with_delimiter(Some(&path(folder)?)).await;
        let listed = match listed {
            Ok(listed) => listed,
            // A local folder that was never written to.
            Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(FileStoreError::Unavailable(e)),
        };
        let mut keys: Vec<String> = listed
            .objects
            .into_iter()
            .map(|o| o.location.to_string())
            .filter(|k| valid_key(k))
            .collect();
        keys.sort();
        Ok(keys)
    }
}

fn path(key: &str) -> Result<ObjectPath, FileStoreError> {
    if !valid_key(key) {
        return Err(FileStoreError::BadKey(key.to_owned()));
    }
    ObjectPath::parse(key).map_err(|_| FileStoreError::BadKey(key.to_owned()))
}

/// Whether `key` is a safe object key.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_store() {
        for good in ["audit-anchors/2026-12-07.json", "a", "a/b_c/d.e"] {
            assert!(valid_key(good), "{good}");
        }
        for bad in [
            "", "/a", "a/", "a//b", "../a", "a/../b", ".hidden", "a\\b", "a b", "名",
        ] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
