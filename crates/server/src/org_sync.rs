//! A straightforward full copy of the WeCom directory into the database.
//!
//! One `department/list`, one `user/list` per department, one `tag/get` per tag; members
//! not seen any more are marked left (never deleted). The org-sync feature builds the
//! incremental, reconciled and parallel version on top of this.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context as _;
use domain::org::{Department, Member, Membership, Tag};
use store::Store;
use wecom::client::{Client, ClientConfig, Gender, User};

use crate::config::Settings;

/// Where the last sync's outcome is kept (settings table), for the admin API.
pub const LAST_SYNC_KEY: &str = "org_sync.last";

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncReport {
    /// Departments written.
    pub departments: usize,
    /// Members written.
    pub members: usize,
    /// Tags written.
    pub tags: usize,
    /// Members marked left.
    pub left: usize,
}

/// Connects with `settings` and syncs once (the `gantry sync-org` command).
pub async fn run_once(settings: &Settings) -> anyhow::Result<SyncReport> {
    let store = Store::connect(settings.database.url.expose()).await?;
    store.migrate().await?;
    let cache = cache::connect(settings.cache.url.expose(), &settings.cache.namespace).await?;
    let w = &settings.wecom;
    let mut config = ClientConfig::new(w.corp_id.clone(), Some(w.agent_id), w.secret.clone());
    config.api_base = w.api_base.parse().context("wecom.api_base")?;
    let client = Client::new(config, Arc::new(cache::CacheTokenStore::new(cache)))?;
    sync_and_record(&client, &store, now_ms()).await
}

/// The last sync as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LastSync {
    /// When it started, unix ms.
    pub started_at_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// Counts, when it succeeded.
    pub report: Option<SyncReport>,
    /// Why it failed, when it did (no internals, no secrets).
    pub error: Option<String>,
}

/// Runs [`sync`] and records its outcome under [`LAST_SYNC_KEY`].
pub async fn sync_and_record(
    client: &Client,
    store: &Store,
    now_ms: i64,
) -> anyhow::Result<SyncReport> {
    let started = std::time::Instant::now();
    let result = sync(client, store, now_ms).await;
    let last = LastSync {
        started_at_ms: now_ms,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        report: result.as_ref().ok().cloned(),
        error: result.as_ref().err().map(|e| e.to_string()),
    };
    let value = serde_json::to_string(&last)?;
    store.settings().set(LAST_SYNC_KEY, &value, now_ms).await?;
    result
}

/// Copies departments, members and tags from `client` into `store`.
pub async fn sync(client: &Client, store: &Store, now_ms: i64) -> anyhow::Result<SyncReport> {
    let mut report = SyncReport::default();
    let departments = client.department_list(None).await?;
    let mut members: BTreeMap<String, Member> = BTreeMap::new();
    for d in &departments {
        store
            .org()
            .upsert_department(
                &Department {
                    id: d.id,
                    name: d.name.clone(),
                    name_en: d.name_en.clone(),
                    parent_id: d.parentid,
                    order: i64::from(d.order),
                    leaders: d.department_leader.clone(),
                },
                now_ms,
            )
            .await?;
        report.departments += 1;
        for user in client.user_list(d.id).await? {
            members
                .entry(user.userid.clone())
                .or_insert_with(|| member(&user));
        }
    }
    for m in members.values() {
        store.org().upsert_member(m, now_ms).await?;
        report.members += 1;
    }
    for known in store.org().members(false).await? {
        if !members.contains_key(&known.userid) {
            store.org().mark_left(&known.userid, now_ms).await?;
            report.left += 1;
        }
    }
    for t in client.tag_list().await? {
        let detail = client.tag_get(t.tagid).await?;
        let tag = Tag {
            id: t.tagid,
            name: t.tagname.clone(),
            userids: detail.userlist.iter().map(|u| u.userid.clone()).collect(),
            department_ids: detail.partylist.clone(),
        };
        store.org().upsert_tag(&tag, now_ms).await?;
        report.tags += 1;
    }
    Ok(report)
}

pub(crate) fn member(user: &User) -> Member {
    let departments = user
        .department
        .iter()
        .enumerate()
        .map(|(i, &department_id)| Membership {
            department_id,
            is_leader: user.is_leader_in_dept.get(i).is_some_and(|&f| f == 1),
            order: user.order.get(i).map_or(0, |&o| i64::from(o)),
        })
        .collect();
    Member {
        userid: user.userid.clone(),
        name: user.name.clone(),
        departments,
        main_department: user.main_department,
        position: user.position.clone(),
        mobile: user.mobile.clone(),
        email: user.email.clone(),
        biz_mail: user.biz_mail.clone(),
        gender: user.gender.map(|g| match g {
            Gender::Unspecified => 0,
            Gender::Male => 1,
            Gender::Female => 2,
        }),
        status: user.status.unwrap_or(1),
        avatar: user.avatar.clone(),
        alias: user.alias.clone(),
        telephone: user.telephone.clone(),
        address: user.address.clone(),
        direct_leaders: user.direct_leader.clone(),
        left_at_ms: None,
        extra: serde_json::Value::Null,
    }
}

fn now_ms() -> i64 {
    use domain::clock::Clock as _;
    domain::clock::SystemClock.now_ms()
}
