//! Members and their department memberships. Leavers keep their rows.

use std::collections::HashMap;

use domain::org::{Member, MemberStatus, Membership};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::bulk::write_members;
use super::leaders::{follow_member, forget_direct_reports, leading};
use super::personal::{SealedMember, digest_match};
use super::touches::{Entity, touch};
use super::{LIST_CHUNK, Org};
use crate::StoreError;
use crate::sql::{from_json, in_list, values_list};

const COLUMNS: &str = "m.userid, m.name, m.main_department, m.position, m.mobile, m.email, \
    m.biz_mail, m.gender, m.status, m.avatar, m.alias, m.telephone, m.address, \
    m.direct_leaders, m.extra, m.left_at_ms";

impl Org<'_> {
    /// Inserts or replaces a member and, in the same transaction, replaces their
    /// memberships. The stored `left_at_ms` becomes the given one, so a member who
    /// rejoins (`None`) is current again.
    pub async fn upsert_member(
        &self,
        sealed: &SealedMember,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let member = &sealed.member;
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Member, &member.userid, now_ms).await?;
        write_members(&mut tx, &[sealed], now_ms).await?;
        let was_leading = leading(&mut tx, &member.userid).await?;
        replace_memberships(&mut tx, &member.userid, &member.departments).await?;
        let leads: Vec<i64> = if member.left_at_ms.is_none() {
            member
                .departments
                .iter()
                .filter(|m| m.is_leader)
                .map(|m| m.department_id)
                .collect()
        } else {
            Vec::new()
        };
        follow_member(&mut tx, &member.userid, &was_leading, &leads, now_ms).await?;
        if member.left_at_ms.is_some() {
            forget_direct_reports(&mut tx, &member.userid, now_ms).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks a member as having left (status 5) without deleting anything: approvals,
    /// tasks and audit rows still point at them. The first leave time is kept.
    /// `false` when the userid is unknown.
    pub async fn mark_left(&self, userid: &str, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Member, userid, now_ms).await?;
        let done = sqlx::query(
            "UPDATE org_members SET left_at_ms = COALESCE(left_at_ms, $2), status = $3, \
               updated_at_ms = $2 WHERE userid = $1",
        )
        .bind(userid)
        .bind(now_ms)
        .bind(MemberStatus::Left.code())
        .execute(&mut *tx)
        .await?;
        let was_leading = leading(&mut tx, userid).await?;
        follow_member(&mut tx, userid, &was_leading, &[], now_ms).await?;
        forget_direct_reports(&mut tx, userid, now_ms).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// One member, leaver or not, with their memberships.
    pub async fn member(&self, userid: &str) -> Result<Option<Member>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM org_members m WHERE m.userid = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(userid)
            .fetch_optional(self.store.pool())
            .await?
        else {
            return Ok(None);
        };
        let mut member = from_row(&row)?;
        let rows = sqlx::query(
            "SELECT userid, department_id, is_leader, sort_order FROM org_memberships \
             WHERE userid = $1 ORDER BY seq",
        )
        .bind(userid)
        .fetch_all(self.store.pool())
        .await?;
        for row in &rows {
            member.departments.push(membership_from_row(row)?);
        }
        Ok(Some(member))
    }

    /// Current members (leavers left out) of one department, in WeCom's display order
    /// (larger `order` first), each with all their memberships.
    pub async fn members_in_department(
        &self,
        department_id: i64,
    ) -> Result<Vec<Member>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM org_members m \
             JOIN org_memberships d ON d.userid = m.userid \
             WHERE d.department_id = $1 AND m.left_at_ms IS NULL \
             ORDER BY d.sort_order DESC, m.userid"
        );
        let rows = sqlx::query(&sql)
            .bind(department_id)
            .fetch_all(self.store.pool())
            .await?;
        let memberships = sqlx::query(
            "SELECT o.userid, o.department_id, o.is_leader, o.sort_order FROM org_memberships o \
             JOIN org_memberships d ON d.userid = o.userid \
             WHERE d.department_id = $1 ORDER BY o.userid, o.seq",
        )
        .bind(department_id)
        .fetch_all(self.store.pool())
        .await?;
        with_memberships(&rows, &memberships)
    }

    /// Every member sorted by userid, each with their memberships; leavers only with
    /// `include_left`.
    pub async fn members(&self, include_left: bool) -> Result<Vec<Member>, StoreError> {
        let filter = if include_left {
            ""
        } else {
            "WHERE m.left_at_ms IS NULL"
        };
        let sql = format!("SELECT {COLUMNS} FROM org_members m {filter} ORDER BY m.userid");
        let rows = sqlx::query(&sql).fetch_all(self.store.pool()).await?;
        let memberships = sqlx::query(
            "SELECT userid, department_id, is_leader, sort_order FROM org_memberships \
             ORDER BY userid, seq",
        )
        .fetch_all(self.store.pool())
        .await?;
        with_memberships(&rows, &memberships)
    }

    /// How many members are stored; leavers only counted with `include_left`.
    pub async fn count_members(&self, include_left: bool) -> Result<i64, StoreError> {
        let sql = if include_left {
            "SELECT COUNT(*) FROM org_members"
        } else {
            "SELECT COUNT(*) FROM org_members WHERE left_at_ms IS NULL"
        };
        Ok(sqlx::query_scalar(sql).fetch_one(self.store.pool()).await?)
    }

    /// Which of `userids` are current members ([`Member::is_current`]), one query per
    /// few hundred ids.
    pub async fn current_among(
        &self,
        userids: &[String],
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let mut current = std::collections::BTreeSet::new();
        for chunk in userids.chunks(LIST_CHUNK) {
            let sql = format!(
                "SELECT userid FROM org_members \
                 WHERE left_at_ms IS NULL AND status <> {} AND userid IN ({})",
                MemberStatus::Left.code(),
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query_scalar::<_, String>(&sql);
            for userid in chunk {
                query = query.bind(userid.as_str());
            }
            current.extend(query.fetch_all(self.store.pool()).await?);
        }
        Ok(current)
    }

    /// Display names of those of `userids` Gantry knows, leavers included (a timeline
    /// still names them).
    pub async fn names(&self, userids: &[&str]) -> Result<HashMap<String, String>, StoreError> {
        let mut names = HashMap::with_capacity(userids.len());
        for chunk in userids.chunks(LIST_CHUNK) {
            let sql = format!(
                "SELECT userid, name FROM org_members WHERE userid IN ({})",
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (String, String)>(&sql);
            for userid in chunk {
                query = query.bind(*userid);
            }
            names.extend(query.fetch_all(self.store.pool()).await?);
        }
        Ok(names)
    }

    /// Userids of the current members called exactly `name` (names are not unique).
    pub async fn userids_named(&self, name: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT userid FROM org_members WHERE name = $1 AND left_at_ms IS NULL \
             ORDER BY userid LIMIT 20",
        )
        .bind(name)
        .fetch_all(self.store.pool())
        .await?)
    }

    /// Current members whose name or userid contains `text`, ignoring ASCII case on both
    /// backends (all when empty), or whose mobile or email digest is one of `digests`
    /// (the server's digests of `text`, when it looks like a phone or an address), by
    /// name; for pickers outside WeCom.
    pub async fn search(
        &self,
        text: &str,
        digests: &[String],
        limit: u32,
    ) -> Result<Vec<DirectoryHit>, StoreError> {
        // LIKE wildcards typed by a person are matched literally.
        let escaped = text
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{}%", escaped.to_lowercase());
        let by_digest = if digests.is_empty() {
            String::new()
        } else {
            format!(" OR {}", digest_match(3, digests.len()))
        };
        let sql = format!(
            "SELECT userid, name, position, mobile, email, biz_mail FROM org_members \
             WHERE left_at_ms IS NULL \
               AND (LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(userid) LIKE $1 ESCAPE '\\'\
                    {by_digest}) \
             ORDER BY name, userid LIMIT $2"
        );
        let mut query = sqlx::query(&sql).bind(pattern).bind(i64::from(limit));
        for digest in digests {
            query = query.bind(digest.as_str());
        }
        let rows = query.fetch_all(self.store.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(DirectoryHit {
                    userid: row.try_get("userid")?,
                    name: row.try_get("name")?,
                    position: row.try_get("position")?,
                    mobile: row.try_get("mobile")?,
                    email: row.try_get("email")?,
                    biz_mail: row.try_get("biz_mail")?,
                })
            })
            .collect()
    }

    /// Userids of every current member, sorted; a full sync compares them with WeCom's
    /// list to find leavers it missed.
    pub async fn current_userids(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT userid FROM org_members WHERE left_at_ms IS NULL ORDER BY userid",
        )
        .fetch_all(self.store.pool())
        .await?)
    }
}

async fn replace_memberships(
    conn: &mut AnyConnection,
    userid: &str,
    memberships: &[Membership],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM org_memberships WHERE userid = $1")
        .bind(userid)
        .execute(&mut *conn)
        .await?;
    for (c, chunk) in memberships.chunks(LIST_CHUNK).enumerate() {
        let sql = format!(
            "INSERT INTO org_memberships (userid, department_id, is_leader, sort_order, seq) \
             VALUES {} ON CONFLICT (userid, department_id) DO NOTHING",
            values_list(chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for (i, m) in chunk.iter().enumerate() {
            // Booleans are stored as 0/1: the Any driver cannot read SQLite integers as bool.
            let seq = i64::try_from(c * LIST_CHUNK + i).unwrap_or(i64::MAX);
            query = query
                .bind(userid)
                .bind(m.department_id)
                .bind(i16::from(m.is_leader))
                .bind(m.order)
                .bind(seq);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Builds members from their rows and attaches each one's memberships (rows ordered
/// by userid, then list position).
fn with_memberships(members: &[AnyRow], memberships: &[AnyRow]) -> Result<Vec<Member>, StoreError> {
    let mut by_user: HashMap<String, Vec<Membership>> = HashMap::new();
    for row in memberships {
        let userid: String = row.try_get("userid")?;
        by_user
            .entry(userid)
            .or_default()
            .push(membership_from_row(row)?);
    }
    members
        .iter()
        .map(|row| {
            let mut member = from_row(row)?;
            member.departments = by_user.remove(&member.userid).unwrap_or_default();
            Ok(member)
        })
        .collect()
}

/// A member as a directory search finds them; the personal fields as stored (sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryHit {
    /// WeCom userid.
    pub userid: String,
    /// Display name.
    pub name: String,
    /// Job title.
    pub position: Option<String>,
    /// Mobile, sealed.
    pub mobile: Option<String>,
    /// Personal email, sealed.
    pub email: Option<String>,
    /// Corp mailbox, sealed.
    pub biz_mail: Option<String>,
}

fn from_row(row: &AnyRow) -> Result<Member, StoreError> {
    let direct_leaders: String = row.try_get("direct_leaders")?;
    let extra: String = row.try_get("extra")?;
    Ok(Member {
        userid: row.try_get("userid")?,
        name: row.try_get("name")?,
        departments: Vec::new(),
        main_department: row.try_get("main_department")?,
        position: row.try_get("position")?,
        mobile: row.try_get("mobile")?,
        email: row.try_get("email")?,
        biz_mail: row.try_get("biz_mail")?,
        gender: row.try_get("gender")?,
        status: row.try_get("status")?,
        avatar: row.try_get("avatar")?,
        alias: row.try_get("alias")?,
        telephone: row.try_get("telephone")?,
        address: row.try_get("address")?,
        direct_leaders: from_json("member direct_leaders", &direct_leaders)?,
        left_at_ms: row.try_get("left_at_ms")?,
        extra: from_json("member extra", &extra)?,
    })
}

fn membership_from_row(row: &AnyRow) -> Result<Membership, StoreError> {
    let is_leader: i64 = row.try_get("is_leader")?;
    Ok(Membership {
        department_id: row.try_get("department_id")?,
        is_leader: is_leader != 0,
        order: row.try_get("sort_order")?,
    })
}
