//! Batch writes for a full org sync: many rows per statement, one transaction per call.
//!
//! One code path for both backends (`$N` placeholders, `ON CONFLICT … excluded`).
//! Each call is atomic, so a sync that fails halfway leaves whole entities behind.

use domain::org::{Department, MemberStatus, Tag};
use sqlx::AnyConnection;

use super::Org;
use super::departments::{delete_department_row, write_department};
use super::personal::SealedMember;
use super::tags::{delete_tag_row, write_tag};
use super::touches::{Entity, lock_and_read_since};
use crate::sql::{to_json, values_list};
use crate::{Store, StoreError};

/// Members per multi-row statement: 20 parameters each keeps well under both
/// backends' parameter limits (SQLite 32,766; PostgreSQL 65,535).
const MEMBER_CHUNK: usize = 100;
/// Rows per multi-row membership insert (5 parameters each).
const MEMBERSHIP_CHUNK: usize = 500;

/// Batch writes for a full sync that started when the live-change counter read
/// `since`; get one from [`Org::sync_writer`]. Each call is one transaction and leaves
/// alone every entity a live change touched after `since` (see `touches`).
#[derive(Debug, Clone, Copy)]
pub struct SyncWriter<'a> {
    store: &'a Store,
    since: i64,
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Rows written (for `mark_left`: members newly marked; for deletes: rows deleted).
    pub written: u64,
    /// Entities skipped because a live change after the sync began is newer.
    pub kept_newer: u64,
}

impl<'a> Org<'a> {
    /// Batch writes for a sync that read [`Org::change_seq`] as `since` when it began.
    pub fn sync_writer(self, since: i64) -> SyncWriter<'a> {
        SyncWriter {
            store: self.store,
            since,
        }
    }
}

impl SyncWriter<'_> {
    /// Upserts departments.
    pub async fn upsert_departments(
        &self,
        depts: &[Department],
        now_ms: i64,
    ) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Department, self.since).await?;
        let mut out = Written::default();
        for dept in depts {
            if newer.contains(&dept.id.to_string()) {
                out.kept_newer += 1;
            } else {
                write_department(&mut tx, dept, now_ms).await?;
                out.written += 1;
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Deletes departments.
    pub async fn delete_departments(&self, ids: &[i64]) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Department, self.since).await?;
        let mut out = Written::default();
        for id in ids {
            if newer.contains(&id.to_string()) {
                out.kept_newer += 1;
            } else if delete_department_row(&mut tx, *id).await? {
                out.written += 1;
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Upserts members (userids must be distinct) with their memberships, a chunk per
    /// statement.
    pub async fn upsert_members(
        &self,
        members: &[SealedMember],
        now_ms: i64,
    ) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Member, self.since).await?;
        let mut out = Written::default();
        let mut keep: Vec<&SealedMember> = Vec::with_capacity(members.len());
        for m in members {
            if newer.contains(&m.member.userid) {
                out.kept_newer += 1;
            } else {
                keep.push(m);
            }
        }
        for chunk in keep.chunks(MEMBER_CHUNK) {
            write_members(&mut tx, chunk, now_ms).await?;
            replace_memberships_of(&mut tx, chunk).await?;
        }
        out.written = u64::try_from(keep.len()).unwrap_or(u64::MAX);
        tx.commit().await?;
        Ok(out)
    }

    /// Marks current members as left; `written` counts those newly marked.
    pub async fn mark_left(&self, userids: &[String], now_ms: i64) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Member, self.since).await?;
        let mut out = Written::default();
        for userid in userids {
            if newer.contains(userid) {
                out.kept_newer += 1;
                continue;
            }
            let done = sqlx::query(
                "UPDATE org_members SET left_at_ms = $2, status = $3, updated_at_ms = $2 \
                 WHERE userid = $1 AND left_at_ms IS NULL",
            )
            .bind(userid.as_str())
            .bind(now_ms)
            .bind(MemberStatus::Left.code())
            .execute(&mut *tx)
            .await?;
            out.written += done.rows_affected();
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Upserts tags with their lists.
    pub async fn upsert_tags(&self, tags: &[Tag], now_ms: i64) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Tag, self.since).await?;
        let mut out = Written::default();
        for tag in tags {
            if newer.contains(&tag.id.to_string()) {
                out.kept_newer += 1;
            } else {
                write_tag(&mut tx, tag, now_ms).await?;
                out.written += 1;
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Deletes tags.
    pub async fn delete_tags(&self, ids: &[i64]) -> Result<Written, StoreError> {
        let mut tx = self.store.begin().await?;
        let newer = lock_and_read_since(&mut tx, Entity::Tag, self.since).await?;
        let mut out = Written::default();
        for id in ids {
            if newer.contains(&id.to_string()) {
                out.kept_newer += 1;
            } else if delete_tag_row(&mut tx, *id).await? {
                out.written += 1;
            }
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// Inserts or replaces `members` in one statement (a sync's batch, or one live change).
pub(super) async fn write_members(
    conn: &mut AnyConnection,
    members: &[&SealedMember],
    now_ms: i64,
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO org_members (userid, name, main_department, position, mobile, email, \
           biz_mail, gender, status, avatar, alias, telephone, address, direct_leaders, \
           extra, left_at_ms, updated_at_ms, mobile_digest, email_digest, biz_mail_digest) \
         VALUES {} \
         ON CONFLICT (userid) DO UPDATE SET name = excluded.name, \
           main_department = excluded.main_department, position = excluded.position, \
           mobile = excluded.mobile, email = excluded.email, biz_mail = excluded.biz_mail, \
           gender = excluded.gender, status = excluded.status, avatar = excluded.avatar, \
           alias = excluded.alias, telephone = excluded.telephone, \
           address = excluded.address, direct_leaders = excluded.direct_leaders, \
           extra = excluded.extra, left_at_ms = excluded.left_at_ms, \
           updated_at_ms = excluded.updated_at_ms, mobile_digest = excluded.mobile_digest, \
           email_digest = excluded.email_digest, biz_mail_digest = excluded.biz_mail_digest",
        values_list(members.len(), 20)
    );
    let mut query = sqlx::query(&sql);
    for SealedMember { member: m, digests } in members.iter().copied() {
        query = query
            .bind(m.userid.as_str())
            .bind(m.name.as_str())
            .bind(m.main_department)
            .bind(m.position.as_deref())
            .bind(m.mobile.as_deref())
            .bind(m.email.as_deref())
            .bind(m.biz_mail.as_deref())
            .bind(m.gender)
            .bind(m.status)
            .bind(m.avatar.as_deref())
            .bind(m.alias.as_deref())
            .bind(m.telephone.as_deref())
            .bind(m.address.as_deref())
            .bind(to_json(&m.direct_leaders)?)
            .bind(to_json(&m.extra)?)
            .bind(m.left_at_ms)
            .bind(now_ms)
            .bind(digests.mobile.as_deref())
            .bind(digests.email.as_deref())
            .bind(digests.biz_mail.as_deref());
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Deletes the chunk's memberships, then inserts them again in list order.
async fn replace_memberships_of(
    conn: &mut AnyConnection,
    members: &[&SealedMember],
) -> Result<(), StoreError> {
    let placeholders: Vec<String> = (1..=members.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "DELETE FROM org_memberships WHERE userid IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for m in members {
        query = query.bind(m.member.userid.as_str());
    }
    query.execute(&mut *conn).await?;
    let rows: Vec<(&str, usize, &domain::org::Membership)> = members
        .iter()
        .map(|m| &m.member)
        .flat_map(|m| {
            m.departments
                .iter()
                .enumerate()
                .map(move |(seq, d)| (m.userid.as_str(), seq, d))
        })
        .collect();
    for chunk in rows.chunks(MEMBERSHIP_CHUNK) {
        let sql = format!(
            "INSERT INTO org_memberships (userid, department_id, is_leader, sort_order, seq) \
             VALUES {} ON CONFLICT (userid, department_id) DO NOTHING",
            values_list(chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for &(userid, seq, d) in chunk {
            // Booleans as 0/1, as in `upsert_member`: the Any driver reads SQLite ints only.
            query = query
                .bind(userid)
                .bind(d.department_id)
                .bind(i16::from(d.is_leader))
                .bind(d.order)
                .bind(i64::try_from(seq).unwrap_or(i64::MAX));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
