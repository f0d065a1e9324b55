//! Which database a URL names, and how to show it without leaking the password.

use std::path::{Path, PathBuf};

use crate::StoreError;

/// The database engine behind a [`crate::Store`].
///
/// Almost every query is the same text on both; this enum exists for the few places
/// where SQL really differs (`FOR UPDATE SKIP LOCKED`, how a write transaction starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, the embedded default: one file in the data dir.
    Sqlite,
    /// PostgreSQL, for production and more than one replica.
    Postgres,
}

/// A parsed database URL, ready for sqlx's Any driver.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub backend: Backend,
    /// The URL handed to sqlx (for SQLite: absolute path, `mode=rwc` added).
    pub connect_url: String,
    /// The URL with any password replaced by `***`, for `Debug` and logs.
    pub redacted: String,
    /// The SQLite database file; `None` for PostgreSQL and in-memory SQLite.
    pub sqlite_file: Option<PathBuf>,
    /// In-memory SQLite: each connection would get its own database, so the pool
    /// must keep exactly one connection alive.
    pub in_memory: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("backend", &self.backend)
            .field("url", &self.redacted)
            .finish()
    }
}

impl Target {
    /// Parses `sqlite://…`, `sqlite:…`, `sqlite::memory:`, `postgres://…` or
    /// `postgresql://…`. Relative SQLite paths are resolved against the working directory
    /// now, so a later `chdir` cannot move the database.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url)
                .map_err(|e| StoreError::InvalidUrl(format!("{e} in a postgres url").into()))?;
            return Ok(Self {
                backend: Backend::Postgres,
                connect_url: url.to_owned(),
                redacted: redact(parsed),
                sqlite_file: None,
                in_memory: false,
            });
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            return Self::sqlite(rest.strip_prefix("//").unwrap_or(rest));
        }
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        Err(StoreError::InvalidUrl(
            format!(
                "unsupported scheme `{scheme}`: use sqlite://path/to/gantry.db or postgres://user@host/db"
            )
            .into(),
        ))
    }

    fn sqlite(rest: &str) -> Result<Self, StoreError> {
        let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
        if path == ":memory:" {
            if !params.is_empty() {
                return Err(StoreError::InvalidUrl(
                    "sqlite::memory: takes no parameters".into(),
                ));
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                connect_url: "sqlite::memory:".to_owned(),
                redacted: "sqlite::memory:".to_owned(),
                sqlite_file: None,
                in_memory: true,
            });
        }
        if path.is_empty() {
            return Err(StoreError::InvalidUrl(
                "sqlite url has no file path: use sqlite://path/to/gantry.db".into(),
            ));
        }
        let file = std::path::absolute(Path::new(path)).map_err(|e| {
            StoreError::InvalidUrl(format!("cannot resolve sqlite path {path:?}: {e}").into())
        })?;
        let file_text = file.to_str().ok_or_else(|| {
            StoreError::InvalidUrl(format!("sqlite path {file:?} is not UTF-8").into())
        })?;
        // sqlx refuses to create a missing file unless told `mode=rwc`; an explicit
        // mode from the operator (e.g. `ro`) wins.
        let mut params = params.to_owned();
        if !params.split('&').any(|p| p.starts_with("mode=")) {
            if !params.is_empty() {
                params.push('&');
            }
            params.push_str("mode=rwc");
        }
        let connect_url = format!("sqlite://{}?{params}", encode_path(file_text));
        Ok(Self {
            backend: Backend::Sqlite,
            redacted: connect_url.clone(),
            connect_url,
            sqlite_file: Some(file),
            in_memory: false,
        })
    }
}

/// Percent-encodes what would otherwise end the path early in sqlx's URL parsing
/// (`?`, `#`) or be mangled by it (`%`, spaces, controls).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' | '?' | '#' | ' ' | '"' | '<' | '>' | '`' | '{' | '}' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The URL with its password and any `*password*` query parameter masked.
fn redact(mut url: url::Url) -> String {
    if url.password().is_some() {
        // Only fails for URLs that cannot have credentials, which a postgres URL can.
        let _ = url.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k.to_ascii_lowercase().contains("password") {
                "***".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_password_is_redacted() {
        let t = Target::parse("postgres://gantry:s3cret@db:5432/gantry?sslmode=require&password=x")
            .expect("valid");
        assert_eq!(t.backend, Backend::Postgres);
        assert!(!t.redacted.contains("s3cret"), "{}", t.redacted);
        assert!(!t.redacted.contains("password=x"), "{}", t.redacted);
        assert!(t.redacted.contains("sslmode=require"));
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(t.connect_url.contains("s3cret"));
    }

    #[test]
    fn sqlite_paths_become_absolute_with_create_mode() {
        let t = Target::parse("sqlite://data/gantry.db").expect("valid");
        assert_eq!(t.backend, Backend::Sqlite);
        let file = t.sqlite_file.expect("file");
        assert!(file.is_absolute());
        assert!(file.ends_with("data/gantry.db"));
        assert!(t.connect_url.starts_with("sqlite:///"));
        assert!(t.connect_url.ends_with("data/gantry.db?mode=rwc"));

        let t = Target::parse("sqlite:///var/lib/gantry/a b#c.db?mode=ro").expect("valid");
        assert_eq!(
            t.connect_url,
            "sqlite:///var/lib/gantry/a%20b%23c.db?mode=ro"
        );
        let t = Target::parse("sqlite:rel.db").expect("valid");
        assert!(t.sqlite_file.is_some_and(|f| f.ends_with("rel.db")));
    }

    #[test]
    fn memory_and_bad_urls() {
        let t = Target::parse("sqlite::memory:").expect("valid");
        assert!(t.in_memory);
        for bad in ["mysql://x/y", "sqlite://", "gantry.db", "redis://localhost"] {
            assert!(
                matches!(Target::parse(bad), Err(StoreError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }
}
