//! Writing what was read: compare with the store, write only what differs, in batches.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use domain::org::{Department, Member, Tag};
use store::{Store, SyncWriter, Written};

use super::SyncReport;
use super::progress::Progress;
use super::progress::{Stage, WRITE_SPAN};
use crate::org::personal;
use crate::sealed::FieldCipher;

/// Upserts new and changed departments; deletes departments WeCom no longer lists
/// (`department/list` is read whole or the sync stops, so absence is real).
pub(super) async fn departments(
    store: &Store,
    writer: SyncWriter<'_>,
    fresh: &[Department],
    now_ms: i64,
    report: &mut SyncReport,
) -> anyhow::Result<()> {
    let org = store.org();
    let stored: HashMap<i64, Department> = org
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let (write, gone) = differences(&stored, fresh, |d| d.id, report);
    count(report, writer.upsert_departments(&write, now_ms).await?);
    counted_deletes(report, writer.delete_departments(&gone).await?);
    Ok(())
}

/// Upserts new, changed and returning members, `batch` per transaction (short
/// transactions, and the progress bar moves while a large org is written). Stored
/// members are compared opened; a member whose personal fields are plain text or under
/// a retired key is written again even when nothing changed, so it ends up sealed under
/// the current key.
#[allow(clippy::too_many_arguments)]
pub(super) async fn members(
    store: &Store,
    writer: SyncWriter<'_>,
    cipher: &FieldCipher,
    fresh: &BTreeMap<String, Member>,
    batch: usize,
    progress: &Progress,
    now_ms: i64,
    report: &mut SyncReport,
) -> anyhow::Result<()> {
    let org = store.org();
    let mut unreadable = 0;
    let stored: HashMap<String, (Member, bool)> = org
        .members(true)
        .await?
        .into_iter()
        .map(|mut m| {
            let opened = personal::open(cipher, &mut m);
            unreadable += opened.unreadable;
            (m.userid.clone(), (m, opened.stale))
        })
        .collect();
    if unreadable > 0 {
        tracing::warn!(
            fields = unreadable,
            "org sync: stored personal fields cannot be opened with the configured keys; \
             WeCom's values replace them where it shares them"
        );
    }
    // Borrowed where possible: a first sync of a large org must not double its memory.
    let mut write: Vec<Cow<'_, Member>> = Vec::new();
    for m in fresh.values() {
        let Some((s, stale)) = stored.get(&m.userid) else {
            report.added += 1;
            write.push(Cow::Borrowed(m));
            continue;
        };
        // Compared without cloning first: a repeat sync of a large org changes nothing.
        if s == m && !stale {
            report.unchanged += 1;
            continue;
        }
        let mut m = m.clone();
        super::keep_private(&mut m, s);
        if *s != m {
            report.changed += 1;
        } else if *stale {
            report.resealed += 1;
        } else {
            report.unchanged += 1;
            continue;
        }
        write.push(Cow::Owned(m));
    }
    drop(stored);
    let batches = write.len().div_ceil(batch.max(1));
    progress.part(Stage::Members, WRITE_SPAN, batches).await;
    for chunk in write.chunks(batch.max(1)) {
        let chunk = chunk
            .iter()
            .map(|m| personal::seal(cipher, m))
            .collect::<Result<Vec<_>, _>>()?;
        count(report, writer.upsert_members(&chunk, now_ms).await?);
        progress.step().await;
    }
    Ok(())
}

/// Marks current members WeCom did not list as left, but only when every department
/// was read (`complete`): after a partial read, absence proves nothing, and a WeCom
/// outage must never look like everyone quitting.
pub(super) async fn leavers(
    store: &Store,
    writer: SyncWriter<'_>,
    fresh: &BTreeMap<String, Member>,
    complete: bool,
    now_ms: i64,
    report: &mut SyncReport,
) -> anyhow::Result<()> {
    if !complete {
        tracing::warn!("org sync: not every department was read; no one is marked left");
        return Ok(());
    }
    let org = store.org();
    let gone: Vec<String> = org
        .current_userids()
        .await?
        .into_iter()
        .filter(|u| !fresh.contains_key(u))
        .collect();
    let marked = writer.mark_left(&gone, now_ms).await?;
    report.left = to_usize(marked.written);
    report.kept_newer += to_usize(marked.kept_newer);
    Ok(())
}

/// Upserts new and changed tags; deletes tags no longer listed when `complete`.
pub(super) async fn tags(
    store: &Store,
    writer: SyncWriter<'_>,
    fresh: &[Tag],
    complete: bool,
    now_ms: i64,
    report: &mut SyncReport,
) -> anyhow::Result<()> {
    let org = store.org();
    let stored: HashMap<i64, Tag> = org.tags().await?.into_iter().map(|t| (t.id, t)).collect();
    let (write, gone) = differences(&stored, fresh, |t| t.id, report);
    count(report, writer.upsert_tags(&write, now_ms).await?);
    if complete {
        counted_deletes(report, writer.delete_tags(&gone).await?);
    }
    Ok(())
}

/// What to write (new or different from the store, each counted as added, changed or
/// unchanged) and which stored ids WeCom no longer lists.
fn differences<T: PartialEq + Clone>(
    stored: &HashMap<i64, T>,
    fresh: &[T],
    id: impl Fn(&T) -> i64,
    report: &mut SyncReport,
) -> (Vec<T>, Vec<i64>) {
    let mut write = Vec::new();
    for item in fresh {
        match stored.get(&id(item)) {
            None => report.added += 1,
            Some(s) if s == item => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.changed += 1,
        }
        write.push(item.clone());
    }
    let seen: HashSet<i64> = fresh.iter().map(&id).collect();
    let gone = stored
        .keys()
        .filter(|k| !seen.contains(k))
        .copied()
        .collect();
    (write, gone)
}

/// Notes deletions and the rows a delete left alone because a live change was newer.
fn counted_deletes(report: &mut SyncReport, deleted: Written) {
    report.deleted += to_usize(deleted.written);
    report.kept_newer += to_usize(deleted.kept_newer);
}

/// Notes the rows an upsert left alone because a live change was newer.
fn count(report: &mut SyncReport, written: Written) {
    report.kept_newer += to_usize(written.kept_newer);
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
