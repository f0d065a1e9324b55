//! The local spool: where verified callbacks go when the database cannot take them.
//!
//! WeCom's documents disagree on whether a non-200 answer is retried, so a callback the
//! database refused must still be kept: it is appended here, fsync'd, and only then
//! acknowledged. The intake writer replays the spool into the inbox once the database is
//! back. One task owns the spool, so it needs no locking.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use store::NewInboxItem;

/// One spooled callback: the inbox row it will become.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpoolRecord {
    /// `app` or `contacts`.
    pub source: String,
    /// Inbox dedupe key.
    pub dedupe_key: String,
    /// Kind, for logs and routing.
    pub kind: String,
    /// The decrypted XML.
    pub payload: String,
    /// When it arrived (unix ms).
    pub received_at_ms: i64,
}

impl From<&NewInboxItem> for SpoolRecord {
    fn from(item: &NewInboxItem) -> Self {
        Self {
            source: item.source.clone(),
            dedupe_key: item.dedupe_key.clone(),
            kind: item.kind.clone(),
            payload: item.payload.clone(),
            received_at_ms: item.received_at_ms,
        }
    }
}

impl From<SpoolRecord> for NewInboxItem {
    fn from(r: SpoolRecord) -> Self {
        NewInboxItem {
            source: r.source,
            dedupe_key: r.dedupe_key,
            kind: r.kind,
            payload: r.payload,
            received_at_ms: r.received_at_ms,
        }
    }
}

/// An append-only JSON-lines file in the data dir.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
}

impl Spool {
    /// The spool file inside `data_dir` (created on first append).
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("spool").join("callbacks.jsonl"),
        }
    }

    /// A spool at an exact file path.
    pub fn at(path: PathBuf) -> Self {
        Self { path }
    }

    /// Where the spool lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when records are waiting to be replayed.
    pub fn has_records(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() > 0)
    }

    /// Appends the records and fsyncs before returning: after `Ok`, they survive a crash.
    pub fn append(&self, records: &[SpoolRecord]) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut buf = Vec::with_capacity(records.len() * 512);
        for record in records {
            serde_json::to_writer(&mut buf, record)?;
            buf.push(b'\n');
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&buf)?;
        file.sync_data()
    }

    /// Every complete record. A torn last line (a crash mid-append, never acknowledged)
    /// is skipped.
    pub fn read_all(&self) -> std::io::Result<Vec<SpoolRecord>> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut records = Vec::new();
        for line in BufReader::new(file).lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(&line) {
                Ok(record) => records.push(record),
                Err(e) => tracing::warn!(error = %e, "skipping a torn spool line"),
            }
        }
        Ok(records)
    }

    /// Empties the spool after its records are safely in the database.
    pub fn clear(&self) -> std::io::Result<()> {
        match OpenOptions::new().write(true).open(&self.path) {
            Ok(file) => {
                file.set_len(0)?;
                file.sync_all()
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: i64) -> SpoolRecord {
        SpoolRecord {
            source: "app".into(),
            dedupe_key: format!("msg:{n}"),
            kind: "text".into(),
            payload: format!("<xml><Content><![CDATA[第{n}条\n]]></Content></xml>"),
            received_at_ms: n,
        }
    }

    #[test]
    fn appends_reads_and_clears() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spool = Spool::in_dir(dir.path());
        assert!(!spool.has_records());
        spool.append(&[record(1), record(2)]).expect("append");
        spool.append(&[record(3)]).expect("append");
        assert!(spool.has_records());
        assert_eq!(
            spool.read_all().expect("read"),
            vec![record(1), record(2), record(3)]
        );
        spool.clear().expect("clear");
        assert!(!spool.has_records());
        assert!(spool.read_all().expect("read").is_empty());
    }

    #[test]
    fn skips_a_torn_last_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spool = Spool::in_dir(dir.path());
        spool.append(&[record(1)]).expect("append");
        let mut file = OpenOptions::new()
            .append(true)
            .open(spool.path())
            .expect("open");
        file.write_all(b"{\"source\":\"app\",\"dedu")
            .expect("torn write");
        assert_eq!(spool.read_all().expect("read"), vec![record(1)]);
    }
}
