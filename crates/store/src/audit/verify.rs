//! Walking the chain: [`VerifyReport`] and what it can and cannot prove.

use std::fmt;

use sqlx::Row;

use super::{COLUMNS, GENESIS_HASH, from_row};
use crate::{Backend, Store, StoreError};

/// Rows read per query: memory stays flat however long the log grows.
const BATCH: i64 = 1000;

/// The outcome of [`super::Audit::verify`].
///
/// The walk checks, in id order, that ids run 1, 2, 3, … without gaps, that each row's
/// `prev_hash` is the previous row's `hash`, and that each `hash` matches the row's
/// contents; then that the last row is the one `audit_head` names.
///
/// **Removing rows from the end** leaves a shorter chain that is valid by itself: the
/// chain alone cannot tell it from a log that was never longer. That is why the walk
/// compares the last row with `audit_head` (its id and hash), so a truncation also has
/// to rewind that row; one that does is undetectable from inside the database. To catch
/// it too, record [`VerifyReport::head_id`] and [`VerifyReport::head_hash`] somewhere the
/// database's writers cannot edit (an ops log, a ticket, another system) and check that
/// later chains still pass through them.
///
/// The same holds for a writer who edits a row and then recomputes every later hash and
/// the head: the hash has no secret, so only an anchored head exposes that rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Rows that verified before the walk stopped.
    pub checked: u64,
    /// The head's last id (0 for an empty log).
    pub head_id: i64,
    /// The head's last hash ([`GENESIS_HASH`] for an empty log).
    pub head_hash: String,
    /// The first problem; `None` when the chain is intact.
    pub broken: Option<Broken>,
}

impl VerifyReport {
    /// True when no problem was found.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first chain position (row id) that does not verify.
    pub id: i64,
    /// What is wrong there.
    pub problem: Problem,
}

/// What is wrong at a [`Broken`] position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The row's `hash` does not match its contents: the row was edited.
    Edited,
    /// The row's `prev_hash` is not the previous row's hash: rows were reordered or
    /// replaced, or `prev_hash` was edited.
    Unlinked,
    /// No row has this id; the next one found is `found`: rows were removed (or an id
    /// edited).
    Missing {
        /// The id found instead.
        found: i64,
    },
    /// Rows end before the head's last id: rows were removed from the end.
    Truncated {
        /// The last id the head names.
        head_id: i64,
    },
    /// A row's id lies outside `1..=head`: it was inserted without appending.
    Foreign,
    /// The last row's hash is not the head's: the last row or the head was edited.
    HeadMismatch,
    /// The `audit_head` row is gone.
    HeadMissing,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Edited => f.write_str("row edited (hash does not match its contents)"),
            Problem::Unlinked => {
                f.write_str("row not linked to its predecessor (rows reordered or replaced)")
            }
            Problem::Missing { found } => write!(f, "row missing (next row found is #{found})"),
            Problem::Truncated { head_id } => {
                write!(f, "rows removed from the end (head names #{head_id})")
            }
            Problem::Foreign => f.write_str("row outside the chain (inserted, not appended)"),
            Problem::HeadMismatch => f.write_str("last row does not match audit_head"),
            Problem::HeadMissing => f.write_str("audit_head row missing"),
        }
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.broken {
            None => write!(
                f,
                "audit chain intact: {} rows, head #{} {}",
                self.checked, self.head_id, self.head_hash
            ),
            Some(b) => write!(
                f,
                "audit chain BROKEN at #{}: {} ({} rows verified before it)",
                b.id, b.problem, self.checked
            ),
        }
    }
}

pub(super) async fn run(store: &Store) -> Result<VerifyReport, StoreError> {
    // One snapshot for the head and every batch, so appends running meanwhile are
    // invisible instead of looking like rows beyond the head.
    let begin = match store.backend() {
        Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        // A deferred transaction keeps the snapshot of its first read (WAL).
        Backend::Sqlite => "BEGIN",
    };
    let mut tx = store.pool().begin_with(begin).await?;
    let head = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
        .fetch_optional(&mut *tx)
        .await?;
    let Some(head) = head else {
        return Ok(VerifyReport {
            checked: 0,
            head_id: 0,
            head_hash: String::new(),
            broken: Some(Broken {
                id: 0,
                problem: Problem::HeadMissing,
            }),
        });
    };
    let mut report = VerifyReport {
        checked: 0,
        head_id: head.try_get("last_id")?,
        head_hash: head.try_get("last_hash")?,
        broken: None,
    };
    let mut walk = Walk {
        expected: 1,
        prev_hash: GENESIS_HASH.to_owned(),
        head_id: report.head_id,
    };
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2");
    // Starts below 1, so rows with ids no append could give are seen too.
    let mut after = i64::MIN;
    'batches: loop {
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
        let full = rows.len() as i64 == BATCH;
        for row in &rows {
            let row = from_row(row)?;
            if let Some(broken) = walk.step(&row) {
                report.broken = Some(broken);
                break 'batches;
            }
            report.checked += 1;
            after = row.id;
        }
        if !full {
            break;
        }
    }
    if report.broken.is_none() {
        report.broken = walk.finish(&report.head_hash);
    }
    tx.rollback().await?;
    Ok(report)
}

/// The walk's state between rows.
struct Walk {
    /// The id the next row must have.
    expected: i64,
    /// The hash the next row must link to.
    prev_hash: String,
    head_id: i64,
}

impl Walk {
    fn step(&mut self, row: &super::AuditEntry) -> Option<Broken> {
        let at = |id, problem| Some(Broken { id, problem });
        // Ids ascend, so `row.id < expected` only for ids below 1.
        if row.id < 1 {
            return at(row.id, Problem::Foreign);
        }
        if row.id > self.expected && self.expected <= self.head_id {
            return at(self.expected, Problem::Missing { found: row.id });
        }
        if row.id > self.head_id {
            return at(row.id, Problem::Foreign);
        }
        if row.prev_hash != self.prev_hash {
            return at(row.id, Problem::Unlinked);
        }
        if row.compute_hash() != row.hash {
            return at(row.id, Problem::Edited);
        }
        self.expected += 1;
        self.prev_hash.clone_from(&row.hash);
        None
    }

    fn finish(&self, head_hash: &str) -> Option<Broken> {
        if self.expected <= self.head_id {
            return Some(Broken {
                id: self.expected,
                problem: Problem::Truncated {
                    head_id: self.head_id,
                },
            });
        }
        (self.prev_hash != head_hash).then_some(Broken {
            id: self.head_id,
            problem: Problem::HeadMismatch,
        })
    }
}
