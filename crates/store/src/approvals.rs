//! Approval templates and instances. An instance is stored whole (the domain state as
//! JSON) under an optimistic version; the lists (待我审批, 我已处理, 抄送我的, 我发起的)
//! come from columns and `approval_people`, rewritten on every save.

use std::collections::BTreeSet;

use domain::approval::{Instance, Listed, Status, Template};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::sql::{from_json, in_list, to_json, values_list};
use crate::{Store, StoreError};

/// A template as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTemplate {
    /// The definition.
    pub template: Template,
    /// Bumped on every change.
    pub version: i64,
    /// Offered to initiators.
    pub enabled: bool,
}

/// What a new instance row needs besides the state.
#[derive(Debug, Clone, Copy)]
pub struct NewInstance<'a> {
    /// The template version it was planned with.
    pub template_version: i64,
    /// A line for lists, e.g. 张三的材料采购申请.
    pub title: &'a str,
    /// The project it is about.
    pub project_id: Option<i64>,
    /// The state.
    pub instance: &'a Instance,
}

/// An instance as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInstance {
    /// Id.
    pub id: i64,
    /// The template version it was planned with.
    pub template_version: i64,
    /// List line.
    pub title: String,
    /// Its project.
    pub project_id: Option<i64>,
    /// The optimistic version to name when saving.
    pub version: i64,
    /// When submitted.
    pub submitted_at_ms: i64,
    /// The state.
    pub instance: Instance,
    /// The initiator's display name, when the org mirror has them (read along, as
    /// every card and notice of the instance shows it).
    pub initiator_name: Option<String>,
}

/// A list line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSummary {
    /// Id.
    pub id: i64,
    /// Template code.
    pub template_code: String,
    /// List line.
    pub title: String,
    /// Who submitted.
    pub initiator: String,
    /// Its project.
    pub project_id: Option<i64>,
    /// Where it is.
    pub status: Status,
    /// When submitted.
    pub submitted_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
}

/// The H5's approval lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalList {
    /// 待我审批.
    Pending,
    /// 我已处理.
    Done,
    /// 抄送我的.
    Cc,
    /// 我发起的.
    Mine,
}

impl ApprovalList {
    fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Cc => "cc",
            Self::Mine => "mine",
        }
    }
}

/// Narrows a list; `None` leaves that side open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListFilter<'a> {
    /// Only this template.
    pub template: Option<&'a str>,
    /// Only this status.
    pub status: Option<Status>,
}

/// How many instances each list holds for one member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCounts {
    /// 待我审批.
    pub pending: i64,
    /// 我已处理.
    pub done: i64,
    /// 抄送我的.
    pub cc: i64,
    /// 我发起的.
    pub mine: i64,
}

/// A decision card pushed to an approver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalCard {
    /// The card's `task_id`, unique.
    pub task_id: String,
    /// Its instance.
    pub instance_id: i64,
    /// Who holds it.
    pub userid: String,
    /// The step it asks about.
    pub step: i64,
    /// The outbox row that sends it.
    pub outbox_key: String,
}

/// The repository; get one from [`Store::approvals`].
#[derive(Debug, Clone, Copy)]
pub struct Approvals<'a> {
    store: &'a Store,
}

const SUMMARY: &str = "i.id, i.template_code, i.title, i.initiator, i.project_id, i.status, \
    i.submitted_at_ms, i.updated_at_ms";

impl<'a> Approvals<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Creates or replaces a template; returns its new version.
    pub async fn put_template(
        &self,
        template: &Template,
        by: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::put_template_on(&mut conn, template, by, now_ms).await
    }

    /// [`Approvals::put_template`] on the caller's connection (the transaction that also
    /// writes the change's audit row).
    pub async fn put_template_on(
        conn: &mut AnyConnection,
        template: &Template,
        by: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO approval_templates (code, name, definition, enabled, version, \
               updated_by, updated_at_ms) VALUES ($1, $2, $3, 1, 1, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
               definition = excluded.definition, version = approval_templates.version + 1, \
               updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms \
             RETURNING version",
        )
        .bind(template.code.as_str())
        .bind(template.name.as_str())
        .bind(to_json(template)?)
        .bind(by)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await?;
        Ok(row.try_get("version")?)
    }

    /// Offers a template to initiators or stops offering it; `false` when unknown.
    pub async fn set_enabled(
        &self,
        code: &str,
        enabled: bool,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE approval_templates SET enabled = $2, updated_by = $3, updated_at_ms = $4 \
             WHERE code = $1",
        )
        .bind(code)
        .bind(i16::from(enabled))
        .bind(by)
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// One template.
    pub async fn template(&self, code: &str) -> Result<Option<StoredTemplate>, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::template_on(&mut conn, code).await
    }

    /// [`Approvals::template`] on the caller's connection, e.g. the state before a change
    /// read in the change's transaction.
    pub async fn template_on(
        conn: &mut AnyConnection,
        code: &str,
    ) -> Result<Option<StoredTemplate>, StoreError> {
        sqlx::query("SELECT definition, version, enabled FROM approval_templates WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?
            .as_ref()
            .map(template_from_row)
            .transpose()
    }

    /// Every template, by code.
    pub async fn templates(&self) -> Result<Vec<StoredTemplate>, StoreError> {
        let rows = sqlx::query(
            "SELECT definition, version, enabled FROM approval_templates ORDER BY code",
        )
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(template_from_row).collect()
    }

    /// Inserts a new instance on the caller's connection (the transaction that also
    /// queues its cards); returns its id.
    pub async fn insert(
        conn: &mut AnyConnection,
        new: NewInstance<'_>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let i = new.instance;
        let row = sqlx::query(
            "INSERT INTO approval_instances (template_code, template_version, title, initiator, \
               project_id, status, state, version, submitted_at_ms, updated_at_ms, \
               finished_at_ms, next_timeout_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9, $10) RETURNING id",
        )
        .bind(i.template.as_str())
        .bind(new.template_version)
        .bind(new.title)
        .bind(i.initiator.as_str())
        .bind(new.project_id)
        .bind(i.status.code())
        .bind(to_json(i)?)
        .bind(now_ms)
        .bind(i.status.is_finished().then_some(now_ms))
        .bind(i.next_timeout_ms())
        .fetch_one(&mut *conn)
        .await?;
        let id: i64 = row.try_get("id")?;
        let listed = i.listed();
        let rows: Vec<_> = people_rows(&listed).into_iter().collect();
        insert_people(conn, id, &rows).await?;
        Ok(id)
    }

    /// Files instance `id` under `project_id` (a resubmitted form may name another).
    pub async fn set_project_on(
        conn: &mut AnyConnection,
        id: i64,
        project_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE approval_instances SET project_id = $2 WHERE id = $1")
            .bind(id)
            .bind(project_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Saves `instance` if the stored version is still `expected_version`; `false` when
    /// someone saved in between (reload, re-apply the command, try again). `previous`
    /// is who the loaded state listed: only the list rows that changed are written.
    pub async fn save(
        conn: &mut AnyConnection,
        id: i64,
        expected_version: i64,
        previous: &Listed,
        instance: &Instance,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE approval_instances SET status = $3, state = $4, version = version + 1, \
               updated_at_ms = $5, finished_at_ms = $6, next_timeout_at_ms = $7 \
             WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(expected_version)
        .bind(instance.status.code())
        .bind(to_json(instance)?)
        .bind(now_ms)
        .bind(instance.status.is_finished().then_some(now_ms))
        .bind(instance.next_timeout_ms())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let before = people_rows(previous);
        let listed = instance.listed();
        let after = people_rows(&listed);
        let mut gone: Vec<_> = before.difference(&after).copied().collect();
        let mut new: Vec<_> = after.difference(&before).copied().collect();
        // A member whose one row changes list (the usual approve: pending → done) is
        // one UPDATE rather than a DELETE and an INSERT.
        let moved: Vec<_> = gone
            .iter()
            .filter_map(|&(userid, from)| {
                let mut to = new.iter().filter(|(u, _)| *u == userid);
                match (to.next(), to.next()) {
                    (Some(&(_, to)), None) => Some((userid, from, to)),
                    _ => None,
                }
            })
            .filter(|(userid, ..)| gone.iter().filter(|(u, _)| u == userid).count() == 1)
            .collect();
        gone.retain(|(u, _)| !moved.iter().any(|(m, ..)| m == u));
        new.retain(|(u, _)| !moved.iter().any(|(m, ..)| m == u));
        for (userid, from, to) in &moved {
            sqlx::query(
                "UPDATE approval_people SET list = $4 \
                 WHERE instance_id = $1 AND userid = $2 AND list = $3",
            )
            .bind(id)
            .bind(*userid)
            .bind(*from)
            .bind(*to)
            .execute(&mut *conn)
            .await?;
        }
        for chunk in gone.chunks(200) {
            let pairs = (0..chunk.len())
                .map(|k| format!("(userid = ${} AND list = ${})", 2 * k + 2, 2 * k + 3))
                .collect::<Vec<_>>()
                .join(" OR ");
            let sql = format!("DELETE FROM approval_people WHERE instance_id = $1 AND ({pairs})");
            let mut query = sqlx::query(&sql).bind(id);
            for (userid, list) in chunk {
                query = query.bind(*userid).bind(*list);
            }
            query.execute(&mut *conn).await?;
        }
        insert_people(conn, id, &new).await?;
        Ok(true)
    }

    /// One instance.
    pub async fn get(&self, id: i64) -> Result<Option<StoredInstance>, StoreError> {
        let row = sqlx::query(
            "SELECT i.id, i.template_version, i.title, i.project_id, i.version, \
               i.submitted_at_ms, i.state, m.name AS initiator_name \
             FROM approval_instances i LEFT JOIN org_members m ON m.userid = i.initiator \
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let state: String = row.try_get("state")?;
        Ok(Some(StoredInstance {
            id: row.try_get("id")?,
            template_version: row.try_get("template_version")?,
            title: row.try_get("title")?,
            project_id: row.try_get("project_id")?,
            version: row.try_get("version")?,
            submitted_at_ms: row.try_get("submitted_at_ms")?,
            instance: from_json("approval state", &state)?,
            initiator_name: row.try_get("initiator_name")?,
        }))
    }

    /// One page of a member's list, newest first; `before_id` continues after a page.
    pub async fn list(
        &self,
        userid: &str,
        list: ApprovalList,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<InstanceSummary>, StoreError> {
        self.list_filtered(userid, list, ListFilter::default(), before_id, limit)
            .await
    }

    /// [`Approvals::list`] narrowed to one template and/or one status.
    pub async fn list_filtered(
        &self,
        userid: &str,
        list: ApprovalList,
        filter: ListFilter<'_>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<InstanceSummary>, StoreError> {
        let before = before_id.unwrap_or(i64::MAX);
        let narrow = "AND ($3 IS NULL OR i.template_code = $3) AND ($4 IS NULL OR i.status = $4)";
        let sql = if list == ApprovalList::Mine {
            format!(
                "SELECT {SUMMARY} FROM approval_instances i \
                 WHERE i.initiator = $1 AND i.id < $2 {narrow} ORDER BY i.id DESC LIMIT $5"
            )
        } else {
            format!(
                "SELECT {SUMMARY} FROM approval_people p \
                 JOIN approval_instances i ON i.id = p.instance_id \
                 WHERE p.userid = $1 AND p.instance_id < $2 {narrow} AND p.list = $6 \
                 ORDER BY p.instance_id DESC LIMIT $5"
            )
        };
        let mut query = sqlx::query(&sql)
            .bind(userid)
            .bind(before)
            .bind(filter.template)
            .bind(filter.status.map(Status::code))
            .bind(i64::from(limit));
        if list != ApprovalList::Mine {
            query = query.bind(list.code());
        }
        let rows = query.fetch_all(self.store.pool()).await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// How many instances each of a member's lists holds.
    pub async fn counts(&self, userid: &str) -> Result<ListCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT list, COUNT(*) AS n FROM approval_people WHERE userid = $1 GROUP BY list",
        )
        .bind(userid)
        .fetch_all(self.store.pool())
        .await?;
        let mut counts = ListCounts::default();
        for row in rows {
            let list: String = row.try_get("list")?;
            let n: i64 = row.try_get("n")?;
            match list.as_str() {
                "pending" => counts.pending = n,
                "done" => counts.done = n,
                "cc" => counts.cc = n,
                _ => {}
            }
        }
        counts.mine =
            sqlx::query_scalar("SELECT COUNT(*) FROM approval_instances WHERE initiator = $1")
                .bind(userid)
                .fetch_one(self.store.pool())
                .await?;
        Ok(counts)
    }

    /// Records cards queued on the caller's connection (with their outbox rows).
    pub async fn add_cards(
        conn: &mut AnyConnection,
        cards: &[ApprovalCard],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        for chunk in cards.chunks(100) {
            let sql = format!(
                "INSERT INTO approval_cards (task_id, instance_id, userid, step, outbox_key, \
                   created_at_ms) VALUES {} ON CONFLICT (task_id) DO NOTHING",
                values_list(chunk.len(), 6)
            );
            let mut query = sqlx::query(&sql);
            for card in chunk {
                query = query
                    .bind(card.task_id.as_str())
                    .bind(card.instance_id)
                    .bind(card.userid.as_str())
                    .bind(card.step)
                    .bind(card.outbox_key.as_str())
                    .bind(now_ms);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// The card with `task_id`.
    pub async fn card(&self, task_id: &str) -> Result<Option<ApprovalCard>, StoreError> {
        sqlx::query(
            "SELECT task_id, instance_id, userid, step, outbox_key FROM approval_cards \
             WHERE task_id = $1",
        )
        .bind(task_id)
        .fetch_optional(self.store.pool())
        .await?
        .as_ref()
        .map(card_from_row)
        .transpose()
    }

    /// Marks the open cards of an instance held by any of `userids` closed and returns
    /// them, oldest first, on the caller's connection.
    pub async fn close_cards(
        conn: &mut AnyConnection,
        instance_id: i64,
        userids: &[&str],
    ) -> Result<Vec<ApprovalCard>, StoreError> {
        let mut closed = Vec::new();
        for chunk in userids.chunks(200) {
            let sql = format!(
                "UPDATE approval_cards SET closed = 1 \
                 WHERE instance_id = $1 AND closed = 0 AND userid IN ({}) \
                 RETURNING task_id, instance_id, userid, step, outbox_key, created_at_ms",
                in_list(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(instance_id);
            for userid in chunk {
                query = query.bind(*userid);
            }
            for row in query.fetch_all(&mut *conn).await? {
                let created: i64 = row.try_get("created_at_ms")?;
                closed.push((created, card_from_row(&row)?));
            }
        }
        closed.sort_by(|a, b| (a.0, &a.1.task_id).cmp(&(b.0, &b.1.task_id)));
        Ok(closed.into_iter().map(|(_, card)| card).collect())
    }

    /// Sends `userid`'s new approval seats to `delegate` from `from_ms` until `until_ms`.
    pub async fn set_delegation(
        &self,
        userid: &str,
        delegate: &str,
        from_ms: i64,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::set_delegation_on(&mut conn, userid, delegate, from_ms, until_ms, now_ms).await
    }

    /// [`Approvals::set_delegation`] on the caller's connection (the transaction that
    /// also writes the change's audit row).
    pub async fn set_delegation_on(
        conn: &mut AnyConnection,
        userid: &str,
        delegate: &str,
        from_ms: i64,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO approval_delegations (userid, delegate, from_ms, until_ms, \
               created_at_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (userid, from_ms) DO UPDATE SET delegate = excluded.delegate, \
               until_ms = excluded.until_ms, created_at_ms = excluded.created_at_ms",
        )
        .bind(userid)
        .bind(delegate)
        .bind(from_ms)
        .bind(until_ms)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Ends `userid`'s delegations; returns how many there were.
    pub async fn clear_delegations(&self, userid: &str) -> Result<u64, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::clear_delegations_on(&mut conn, userid).await
    }

    /// [`Approvals::clear_delegations`] on the caller's connection.
    pub async fn clear_delegations_on(
        conn: &mut AnyConnection,
        userid: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM approval_delegations WHERE userid = $1")
            .bind(userid)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected())
    }

    /// `userid`'s delegations not over at `now_ms` (in force or to come), soonest first:
    /// (delegate, from_ms, until_ms).
    pub async fn delegations_of(
        &self,
        userid: &str,
        now_ms: i64,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT delegate, from_ms, until_ms FROM approval_delegations \
             WHERE userid = $1 AND until_ms > $2 ORDER BY from_ms",
        )
        .bind(userid)
        .bind(now_ms)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("delegate")?,
                    r.try_get("from_ms")?,
                    r.try_get("until_ms")?,
                ))
            })
            .collect()
    }

    /// Delegates in force at `now_ms`, by member (the latest one where several overlap).
    pub async fn delegates_at(
        &self,
        now_ms: i64,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT userid, delegate FROM approval_delegations              WHERE from_ms <= $1 AND until_ms > $1 ORDER BY userid, from_ms",
        )
        .bind(now_ms)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("userid")?, r.try_get("delegate")?)))
            .collect()
    }

    /// Ids of instances whose next reminder or escalation is due at `now_ms`, after
    /// `after_id`, oldest first (the timeout sweep pages through them).
    pub async fn due_for_timeout(
        &self,
        now_ms: i64,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM approval_instances WHERE next_timeout_at_ms <= $1 AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(now_ms)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?)
    }

    /// Ids of instances waiting for approvers, after `after_id`, oldest first.
    pub async fn pending_ids(&self, after_id: i64, limit: u32) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM approval_instances WHERE status = $1 AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(Status::Pending.code())
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?)
    }
}

/// The `(userid, list)` rows of `approval_people` that `listed` stands for.
fn people_rows(listed: &Listed) -> BTreeSet<(&str, &'static str)> {
    [
        (&listed.pending, "pending"),
        (&listed.done, "done"),
        (&listed.cc, "cc"),
    ]
    .into_iter()
    .flat_map(|(set, list)| set.iter().map(move |u| (u.as_str(), list)))
    .collect()
}

async fn insert_people(
    conn: &mut AnyConnection,
    id: i64,
    rows: &[(&str, &str)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(200) {
        let sql = format!(
            "INSERT INTO approval_people (instance_id, userid, list) VALUES {} \
             ON CONFLICT DO NOTHING",
            values_list(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (userid, list) in chunk {
            query = query.bind(id).bind(*userid).bind(*list);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn template_from_row(row: &AnyRow) -> Result<StoredTemplate, StoreError> {
    let definition: String = row.try_get("definition")?;
    let enabled: i64 = row.try_get("enabled")?;
    Ok(StoredTemplate {
        template: from_json("approval template", &definition)?,
        version: row.try_get("version")?,
        enabled: enabled != 0,
    })
}

fn summary_from_row(row: &AnyRow) -> Result<InstanceSummary, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(InstanceSummary {
        id: row.try_get("id")?,
        template_code: row.try_get("template_code")?,
        title: row.try_get("title")?,
        initiator: row.try_get("initiator")?,
        project_id: row.try_get("project_id")?,
        status: Status::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("approval status {status:?}")))?,
        submitted_at_ms: row.try_get("submitted_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

fn card_from_row(row: &AnyRow) -> Result<ApprovalCard, StoreError> {
    Ok(ApprovalCard {
        task_id: row.try_get("task_id")?,
        instance_id: row.try_get("instance_id")?,
        userid: row.try_get("userid")?,
        step: row.try_get("step")?,
        outbox_key: row.try_get("outbox_key")?,
    })
}
