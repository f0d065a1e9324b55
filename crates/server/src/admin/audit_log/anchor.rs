//! Anchoring the audit chain outside the database, and checking the chain against it.
//!
//! The chain proves every row up to the head, but not that the head is where it was: cut
//! the last rows off and rewind `audit_head` with them, and what is left verifies. So once
//! a day (the leader's housekeeping), when an admin presses 校验, and with `gantry audit
//! anchor`, the head (position, hash, time) is written to the file store
//! ([`crate::file_store`]: a local directory, or object storage) as
//! `audit-anchors/<day>.json`, and to the log. A check then also asks that the chain still
//! passes through the latest anchor: a chain that ends before it was truncated; one whose
//! row at the anchored position has another hash was rewritten up to there.
//!
//! An anchor is written only after a check found the chain intact and consistent with the
//! anchor before it, so a tampered log is never blessed by a fresh anchor.

use std::time::Duration;

use anyhow::Context as _;
use api::{AuditAnchor, AuditVerdict, AuditVerification};
use domain::calendar::Day;
use serde::{Deserialize, Serialize};
use store::{Problem, Store, VerifyReport};

use super::china_time;
use crate::file_store::FileStore;
use crate::state::AppState;

/// The folder of anchors in the file store.
pub const FOLDER: &str = "audit-anchors";

/// While today's anchor is missing, housekeeping tries at most this often (a broken chain
/// is not anchored, and logs an error each time it is found).
const RETRY: Duration = Duration::from_secs(3600);

/// An anchor as stored: the file format, kept apart from the wire type on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    seq: i64,
    hash: String,
    at_ms: i64,
}

/// Whether a check that finds the chain intact records a new anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Write the head as today's anchor.
    IfIntact,
    /// Only read (`gantry audit verify`).
    Never,
}

/// The key of the anchor for `day`.
pub fn key_for(day: Day) -> String {
    format!("{FOLDER}/{day}.json")
}

/// The most recent anchor, if any was recorded.
pub async fn latest(files: &FileStore) -> anyhow::Result<Option<AuditAnchor>> {
    let keys = files.list(FOLDER).await.context("listing audit anchors")?;
    // Day keys sort by date; the newest is last.
    let Some(key) = keys.last() else {
        return Ok(None);
    };
    let Some(bytes) = files.get(key).await? else {
        return Ok(None);
    };
    let stored: Stored =
        serde_json::from_slice(&bytes).with_context(|| format!("reading the anchor {key}"))?;
    Ok(Some(AuditAnchor {
        seq: stored.seq,
        hash: stored.hash,
        at_ms: stored.at_ms,
    }))
}

/// Records the head (`seq`, `hash`) at `now_ms` as the day's anchor, in the file store
/// and in the log.
pub async fn record(
    files: &FileStore,
    seq: i64,
    hash: &str,
    now_ms: i64,
) -> anyhow::Result<AuditAnchor> {
    let stored = Stored {
        seq,
        hash: hash.to_owned(),
        at_ms: now_ms,
    };
    let key = key_for(Day::of_ms(now_ms));
    files
        .put(&key, serde_json::to_vec_pretty(&stored)?)
        .await
        .with_context(|| format!("writing the anchor {key}"))?;
    // The log line is a second copy, in whatever keeps the logs.
    tracing::info!(seq, hash, at_ms = now_ms, key, "audit chain anchored");
    Ok(AuditAnchor {
        seq,
        hash: stored.hash,
        at_ms: now_ms,
    })
}

/// Walks the whole chain, compares it with the latest anchor and, with
/// [`Record::IfIntact`], anchors the head when all is well.
pub async fn check(
    store: &Store,
    files: &FileStore,
    now_ms: i64,
    record_anchor: Record,
) -> anyhow::Result<AuditVerification> {
    let report = crate::audit::verify(store).await?;
    let anchor = latest(files).await?;
    // The row at the anchored position, when the chain reaches it.
    let anchored_hash = match &anchor {
        Some(a) if report.is_intact() && a.seq >= 1 && a.seq <= report.head_id => {
            store.audit().get(a.seq).await?.map(|row| row.hash)
        }
        _ => None,
    };
    let mut verification = judge(&report, anchor, anchored_hash.as_deref());
    match verification.verdict {
        // An empty log has nothing to protect yet.
        AuditVerdict::Intact if record_anchor == Record::IfIntact && report.head_id > 0 => {
            let new = record(files, report.head_id, &report.head_hash, now_ms).await?;
            verification
                .message
                .push_str(&format!("；已记录新锚点（第 {} 条）", new.seq));
            verification.anchored = Some(new);
        }
        AuditVerdict::Intact => {}
        AuditVerdict::Truncated | AuditVerdict::Rewritten => {
            if let Some(a) = &verification.anchor {
                tracing::error!(
                    verdict = verification.verdict.code(),
                    anchor_seq = a.seq,
                    anchor_hash = %a.hash,
                    chain_ends_at = report.head_id,
                    "audit chain does not pass through its anchor: anchor says seq {} with \
                     hash {} but the chain ends at {}",
                    a.seq,
                    a.hash,
                    report.head_id
                );
            }
        }
        // `audit::verify` logged it.
        AuditVerdict::Broken => {}
    }
    Ok(verification)
}

/// The verdict on a chain walk, given the latest anchor and the hash the chain holds at the
/// anchor's position (`None` when it does not reach it).
fn judge(
    report: &VerifyReport,
    anchor: Option<AuditAnchor>,
    anchored_hash: Option<&str>,
) -> AuditVerification {
    let mut v = AuditVerification {
        verdict: AuditVerdict::Intact,
        checked: report.checked,
        head_seq: report.head_id,
        broken_seq: None,
        anchor,
        anchored: None,
        message: String::new(),
    };
    if let Some(broken) = &report.broken {
        let at = broken.id;
        v.broken_seq = Some(at);
        v.verdict = AuditVerdict::Broken;
        v.message = match &broken.problem {
            Problem::Edited => format!("第 {at} 条记录被修改：内容与哈希不符"),
            Problem::Unlinked => {
                format!("第 {at} 条记录与前一条衔接不上：记录被调换或替换")
            }
            Problem::Missing { found } => {
                format!("第 {at} 条记录缺失（其后是第 {found} 条）：记录被删除")
            }
            Problem::Foreign => format!("第 {at} 条记录不在链上：被直接插入"),
            Problem::HeadMismatch => {
                format!("第 {at} 条（最后一条）与链头不符：最后一条或链头被修改")
            }
            Problem::HeadMissing => "链头记录缺失，无法校验".to_owned(),
            Problem::Truncated { head_id } => {
                v.verdict = AuditVerdict::Truncated;
                format!(
                    "日志被截断：链头记到第 {head_id} 条，但日志只到第 {} 条",
                    at - 1
                )
            }
        };
        return v;
    }
    let head = report.head_id;
    let Some(a) = &v.anchor else {
        v.message = format!("审计日志完整：共 {} 条（此前没有锚点）", report.checked);
        return v;
    };
    let when = china_time(a.at_ms);
    if a.seq > head {
        v.verdict = AuditVerdict::Truncated;
        v.broken_seq = Some(head + 1);
        v.message = format!(
            "日志被截断：{when} 的锚点记到第 {} 条（哈希 {}…），但日志只到第 {head} 条",
            a.seq,
            short(&a.hash)
        );
    } else if a.seq >= 1 && anchored_hash != Some(a.hash.as_str()) {
        v.verdict = AuditVerdict::Rewritten;
        v.broken_seq = Some(a.seq);
        v.message = format!(
            "第 {} 条与 {when} 的锚点不符（锚点哈希 {}…，现为 {}…）：该条或更早的记录被改写",
            a.seq,
            short(&a.hash),
            short(anchored_hash.unwrap_or("无"))
        );
    } else {
        v.message = format!(
            "审计日志完整：共 {} 条，与 {when} 的锚点（第 {} 条）一致",
            report.checked, a.seq
        );
    }
    v
}

/// The first 12 characters of a hash, enough to compare by eye.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Housekeeping: anchors the chain when today has no anchor yet. Runs on the leader only;
/// the attempt mark in the shared cache keeps a failing check from running every tick.
pub async fn daily(state: &AppState) {
    let now = state.clock.now_ms();
    let files = &state.files;
    match files.exists(&key_for(Day::of_ms(now))).await {
        Ok(true) => return,
        Ok(false) => {}
        Err(e) => {
            tracing::warn!(error = %e, "cannot read today's audit anchor");
            return;
        }
    }
    match state.cache.set_nx("audit:anchor_attempt", "1", RETRY).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether the audit anchor is due");
            return;
        }
    }
    match check(&state.store, files, now, Record::IfIntact).await {
        Ok(v) if v.verdict == AuditVerdict::Intact => {}
        Ok(v) => tracing::error!(
            verdict = v.verdict.code(),
            broken_seq = v.broken_seq,
            message = %v.message,
            "audit chain failed its daily check; not anchored"
        ),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "daily audit anchor failed; retried within the hour")
        }
    }
}

#[cfg(test)]
mod tests {
    use store::Broken;

    use super::*;

    fn report(head: i64, broken: Option<Broken>) -> VerifyReport {
        VerifyReport {
            checked: u64::try_from(head).unwrap_or(0),
            head_id: head,
            head_hash: "h".repeat(64),
            broken,
        }
    }

    fn anchor(seq: i64, hash: &str) -> Option<AuditAnchor> {
        Some(AuditAnchor {
            seq,
            hash: hash.to_owned(),
            at_ms: 1_700_000_000_000,
        })
    }

    #[test]
    fn an_intact_chain_through_its_anchor() {
        let v = judge(&report(9, None), None, None);
        assert_eq!(v.verdict, AuditVerdict::Intact);
        assert!(v.message.contains("此前没有锚点"), "{}", v.message);
        let v = judge(&report(9, None), anchor(5, "abc"), Some("abc"));
        assert_eq!((v.verdict, v.broken_seq), (AuditVerdict::Intact, None));
        assert!(v.message.contains("第 5 条）一致"), "{}", v.message);
        // An anchor of the empty log holds for any chain.
        let v = judge(&report(9, None), anchor(0, "0"), None);
        assert_eq!(v.verdict, AuditVerdict::Intact);
    }

    #[test]
    fn short_of_the_anchor_is_truncated() {
        let hash = "f".repeat(64);
        let v = judge(&report(7, None), anchor(10, &hash), None);
        assert_eq!(
            (v.verdict, v.broken_seq),
            (AuditVerdict::Truncated, Some(8))
        );
        assert!(
            v.message
                .contains("记到第 10 条（哈希 ffffffffffff…），但日志只到第 7 条"),
            "{}",
            v.message
        );
    }

    #[test]
    fn another_hash_at_the_anchor_is_a_rewrite() {
        let v = judge(&report(12, None), anchor(10, "abc"), Some("xyz"));
        assert_eq!(
            (v.verdict, v.broken_seq),
            (AuditVerdict::Rewritten, Some(10))
        );
    }

    #[test]
    fn a_broken_chain_names_its_first_bad_row() {
        let edited = Some(Broken {
            id: 4,
            problem: Problem::Edited,
        });
        let v = judge(&report(9, edited), anchor(9, "x"), None);
        assert_eq!((v.verdict, v.broken_seq), (AuditVerdict::Broken, Some(4)));
        assert!(v.message.starts_with("第 4 条记录被修改"), "{}", v.message);
        let cut = Some(Broken {
            id: 8,
            problem: Problem::Truncated { head_id: 9 },
        });
        let v = judge(&report(9, cut), None, None);
        assert_eq!(v.verdict, AuditVerdict::Truncated);
        assert!(
            v.message.contains("链头记到第 9 条，但日志只到第 7 条"),
            "{}",
            v.message
        );
    }
}
