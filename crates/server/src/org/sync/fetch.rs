//! Reading WeCom: each call retried with backoff, list calls run concurrently under a cap.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use domain::org::{Member, Tag};
use tokio::task::{JoinError, JoinSet};
use wecom::client::{self, Client, Error, errcode};

use super::SyncOptions;
use super::convert;
use super::progress::Progress;
use crate::backoff::delay_ms;

/// A client with the sync's retry policy and a count of every request it sent.
#[derive(Debug, Clone)]
pub(super) struct Fetcher {
    client: Client,
    options: SyncOptions,
    calls: Arc<AtomicU64>,
}

/// Members read department by department.
#[derive(Debug, Default)]
pub(super) struct MemberFetch {
    /// By userid; a member in several departments appears once.
    pub members: BTreeMap<String, Member>,
    /// One line per department that could not be read.
    pub errors: Vec<String>,
    /// Departments read the slow way because `user/list` was refused.
    pub by_detail: Vec<i64>,
}

/// The department list, and whether it took the slow way.
#[derive(Debug)]
pub(super) struct DepartmentFetch {
    pub departments: Vec<client::Department>,
    /// Set when `department/list` was refused: why.
    pub fallback: Option<String>,
}

/// Tags read with their lists.
#[derive(Debug, Default)]
pub(super) struct TagFetch {
    pub tags: Vec<Tag>,
    pub errors: Vec<String>,
}

impl Fetcher {
    pub(super) fn new(client: Client, options: SyncOptions) -> Self {
        Self {
            client,
            options,
            calls: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Requests sent so far, retries included (token fetches are the client's own).
    pub(super) fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Runs `f` until it succeeds, fails for good, or attempts run out.
    pub(super) async fn call<T, Fut>(
        &self,
        what: &str,
        f: impl Fn(Client) -> Fut,
    ) -> Result<T, Error>
    where
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut attempt: u32 = 0;
        loop {
            self.calls.fetch_add(1, Ordering::Relaxed);
            match f(self.client.clone()).await {
                Ok(value) => return Ok(value),
                Err(e) if e.is_retryable() && attempt + 1 < self.options.attempts => {
                    let o = &self.options;
                    let attempts = i32::try_from(attempt).unwrap_or(i32::MAX);
                    let wait = delay_ms(attempts, o.base_delay_ms, o.max_delay_ms);
                    tracing::debug!(call = what, attempt, error = %e, wait_ms = wait, "retrying");
                    tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
                        .await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `department/list`; when the app may not call it, `department/simplelist` and one
    /// `department/get` per department (`concurrency` at a time). The list must be read
    /// whole (a missing department would be deleted), so any failure fails the call.
    pub(super) async fn departments(&self, progress: &Progress) -> Result<DepartmentFetch, Error> {
        let refused = match self
            .call("department/list", |c| async move {
                c.department_list(None).await
            })
            .await
        {
            Ok(departments) => {
                return Ok(DepartmentFetch {
                    departments,
                    fallback: None,
                });
            }
            Err(e) if is_permission(&e) => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(error = %refused,
            "org sync: department/list refused; reading department/simplelist and \
             department/get per department instead (one call per department more)");
        let ids = self
            .call("department/simplelist", |c| async move {
                c.department_simplelist(None).await
            })
            .await?;
        let results = self
            .bounded(ids, progress, |this, d| async move {
                let id = d.id;
                this.call("department/get", move |c| async move {
                    c.department_get(id).await
                })
                .await
            })
            .await;
        let mut departments = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(Ok(d)) => departments.push(d),
                Ok(Err(e)) => return Err(e),
                Err(e) => return Err(Error::InvalidRequest(format!("department/get task: {e}"))),
            }
        }
        departments.sort_by_key(|d| d.id);
        Ok(DepartmentFetch {
            departments,
            fallback: Some(format!(
                "department/list refused ({refused}); used department/simplelist + department/get"
            )),
        })
    }

    /// `user/list` of every department, `concurrency` at a time; a department whose
    /// `user/list` is refused is read as `user/simplelist` plus `user/get` per member.
    /// A department that still cannot be read is skipped and reported; the caller then
    /// must not mark leavers.
    pub(super) async fn members(
        &self,
        department_ids: Vec<i64>,
        progress: &Progress,
    ) -> MemberFetch {
        let results = self
            .bounded(department_ids, progress, |this, id| async move {
                let users = this
                    .call("user/list", move |c| async move { c.user_list(id).await })
                    .await;
                let (users, by_detail) = match users {
                    Err(e) if is_permission(&e) => (this.members_by_detail(id, &e).await, true),
                    other => (other, false),
                };
                // Converted here so the wire structs are freed as each answer lands.
                (
                    id,
                    by_detail,
                    users.map(|u| u.iter().map(convert::member).collect::<Vec<_>>()),
                )
            })
            .await;
        let mut out = MemberFetch::default();
        for result in results {
            match result {
                Ok((id, by_detail, Ok(members))) => {
                    if by_detail {
                        out.by_detail.push(id);
                    }
                    for member in members {
                        out.members.entry(member.userid.clone()).or_insert(member);
                    }
                }
                Ok((id, _, Err(e))) => {
                    if is_permission(&e) {
                        tracing::warn!(department = id, error = %e,
                            "org sync: no permission to read this department's members; \
                             skipped, and no one is marked left this time");
                    } else {
                        tracing::warn!(department = id, error = %e,
                            "org sync: department members unreadable after retries; skipped");
                    }
                    out.errors.push(format!("user/list department {id}: {e}"));
                }
                Err(e) => out.errors.push(format!("user/list task: {e}")),
            }
        }
        out
    }

    /// One department the slow way: `user/simplelist`, then `user/get` per member.
    async fn members_by_detail(
        &self,
        id: i64,
        refused: &Error,
    ) -> Result<Vec<client::User>, Error> {
        tracing::warn!(department = id, error = %refused,
            "org sync: user/list refused; reading user/simplelist and user/get per member");
        let listed = self
            .call("user/simplelist", move |c| async move {
                c.user_simplelist(id).await
            })
            .await?;
        let mut users = Vec::with_capacity(listed.len());
        for simple in listed {
            let userid = simple.userid;
            let user = self
                .call("user/get", |c| {
                    let userid = userid.clone();
                    async move { c.user_get(&userid).await }
                })
                .await?;
            users.push(user);
        }
        Ok(users)
    }

    /// `tag/list`, then `tag/get` per tag, `concurrency` at a time; an error only when
    /// the tag list itself could not be read.
    pub(super) async fn tags(&self, progress: &Progress) -> Result<TagFetch, Error> {
        let list = self
            .call("tag/list", |c| async move { c.tag_list().await })
            .await?;
        progress.stage(super::Stage::Tags, list.len()).await;
        let results = self
            .bounded(list, progress, |this, t| async move {
                let id = t.tagid;
                let detail = this
                    .call("tag/get", move |c| async move { c.tag_get(id).await })
                    .await;
                (t, detail)
            })
            .await;
        let mut out = TagFetch::default();
        for result in results {
            match result {
                Ok((t, Ok(detail))) => out.tags.push(convert::tag(&t, &detail)),
                Ok((t, Err(e))) => {
                    tracing::warn!(tag = t.tagid, error = %e, "org sync: tag unreadable; skipped");
                    out.errors.push(format!("tag/get {}: {e}", t.tagid));
                }
                Err(e) => out.errors.push(format!("tag/get task: {e}")),
            }
        }
        out.tags.sort_by_key(|t| t.id);
        Ok(out)
    }

    /// Runs `f` over `items` with at most `concurrency` in flight, one progress step each.
    async fn bounded<I, R, Fut>(
        &self,
        items: Vec<I>,
        progress: &Progress,
        f: impl Fn(Self, I) -> Fut,
    ) -> Vec<Result<R, JoinError>>
    where
        R: Send + 'static,
        Fut: Future<Output = R> + Send + 'static,
    {
        let cap = self.options.concurrency.max(1);
        let mut set = JoinSet::new();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if set.len() >= cap
                && let Some(done) = set.join_next().await
            {
                out.push(done);
                progress.step().await;
            }
            set.spawn(f(self.clone(), item));
        }
        while let Some(done) = set.join_next().await {
            out.push(done);
            progress.step().await;
        }
        out
    }
}

/// The app may not read this (API not allowed, or outside its visibility).
fn is_permission(e: &Error) -> bool {
    matches!(
        e.errcode(),
        Some(errcode::API_FORBIDDEN | errcode::OUT_OF_SCOPE)
    )
}
