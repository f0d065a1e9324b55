//! The full copy of the WeCom directory into the database (`gantry sync-org`, the demo,
//! `POST /api/v1/admin/sync`).
//!
//! Calls: one `department/list`, one `user/list` per department and `tag/list` + one
//! `tag/get` per tag (the fewest an app secret allows). Where WeCom refuses a list call
//! for lack of permission, the sync logs it and reads the same data through the
//! id-list and detail calls instead (`department/simplelist` + `department/get`,
//! `user/simplelist` + `user/get`), noted in [`SyncReport::fallbacks`]. The lists are
//! fetched [`SyncOptions::concurrency`] at a time, each call retried with jittered backoff when WeCom says it may pass later. What was read is
//! compared with the store and only differences are written, in batched transactions,
//! so a repeat sync writes nothing. Members not listed any more are marked left (never
//! deleted), and only after a sync that read every department: a department it could
//! not read (no permission, WeCom down) is reported in [`SyncReport::errors`] instead.

mod apply;
mod convert;
mod fetch;
mod progress;

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use cache::Cache;
use store::Store;
use wecom::client::Client;

use crate::config::Settings;
use crate::sealed::FieldCipher;
pub(crate) use convert::{keep_private, member};
use fetch::Fetcher;
pub use progress::{PROGRESS_KEY, Stage, SyncProgress};
use progress::{Progress, READ_SPAN};

/// Where the last sync's outcome is kept (settings table), for the admin API.
pub const LAST_SYNC_KEY: &str = "org_sync.last";

/// One sync at a time across replicas and entry points (admin button, schedule, CLI);
/// the TTL frees it if a process dies mid-sync.
pub const RUNNING_KEY: &str = "org_sync:running";
const RUNNING_TTL: std::time::Duration = std::time::Duration::from_secs(1800);

/// Takes the one-sync-at-a-time lock for `holder`; `false` when a sync is running.
pub async fn try_begin(cache: &dyn Cache, holder: &str) -> anyhow::Result<bool> {
    Ok(cache.set_nx(RUNNING_KEY, holder, RUNNING_TTL).await?)
}

/// Frees the lock taken by [`try_begin`].
pub async fn end(cache: &dyn Cache) {
    if let Err(e) = cache.delete(RUNNING_KEY).await {
        tracing::warn!(error = %e, "could not free the org sync lock; it expires by itself");
    }
}

/// A failed scheduled sync is tried again after this long rather than a whole interval.
const RETRY_FAILED_MS: i64 = 3_600_000;

/// Whether a scheduled sync is due: none recorded yet, the last one started at least
/// `interval_hours` ago, or it failed over an hour ago. Never due when the interval is 0.
pub async fn due(store: &Store, interval_hours: u32, now_ms: i64) -> anyhow::Result<bool> {
    if interval_hours == 0 {
        return Ok(false);
    }
    let last = store
        .settings()
        .get(LAST_SYNC_KEY)
        .await?
        .and_then(|v| serde_json::from_str::<LastSync>(&v).ok());
    let interval_ms = i64::from(interval_hours) * 3_600_000;
    Ok(last.is_none_or(|l| {
        let wait = if l.report.is_some() {
            interval_ms
        } else {
            interval_ms.min(RETRY_FAILED_MS)
        };
        now_ms - l.started_at_ms >= wait
    }))
}

/// Default number of WeCom list calls in flight at once: quick, yet far from WeCom's
/// concurrency limit (45033) for one app.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// WeCom list calls in flight at once.
    pub concurrency: usize,
    /// Attempts per call, the first included.
    pub attempts: u32,
    /// First retry delay, ms; doubles per attempt, with full jitter.
    pub base_delay_ms: i64,
    /// Longest retry delay, ms.
    pub max_delay_ms: i64,
    /// Members written per transaction.
    pub write_batch: usize,
    /// Where to publish [`SyncProgress`] (under [`PROGRESS_KEY`]); none when `None`.
    pub progress: Option<Arc<dyn Cache>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            attempts: 5,
            base_delay_ms: 200,
            max_delay_ms: 10_000,
            write_batch: 1_000,
            progress: None,
        }
    }
}

impl SyncOptions {
    /// The defaults, publishing progress to `cache`.
    pub fn with_progress(cache: Arc<dyn Cache>) -> Self {
        Self {
            progress: Some(cache),
            ..Self::default()
        }
    }
}

/// What a sync did. Departments, members and tags are each counted once in `added`,
/// `changed` or `unchanged`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncReport {
    /// Departments read.
    pub departments: usize,
    /// Members read.
    pub members: usize,
    /// Tags read.
    pub tags: usize,
    /// Rows new to the store.
    #[serde(default)]
    pub added: usize,
    /// Rows that differed and were rewritten (including members who came back).
    #[serde(default)]
    pub changed: usize,
    /// Members unchanged but rewritten because their personal fields were plain text or
    /// sealed under a retired key.
    #[serde(default)]
    pub resealed: usize,
    /// Rows already up to date, not written.
    #[serde(default)]
    pub unchanged: usize,
    /// Members marked left.
    pub left: usize,
    /// Departments and tags deleted because WeCom no longer lists them.
    #[serde(default)]
    pub deleted: usize,
    /// Rows read as added or changed (or missing) but left alone because a contact
    /// event applied after the sync began is newer than what the sync read.
    #[serde(default)]
    pub kept_newer: usize,
    /// Requests sent to WeCom, retries included.
    #[serde(default)]
    pub wecom_calls: u64,
    /// APIs the app was refused and what was read instead (slower, same result).
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// What could not be read (the sync went on without it).
    #[serde(default)]
    pub errors: Vec<String>,
    /// Wall time.
    #[serde(default)]
    pub duration_ms: u64,
}

/// Connects with `settings` and syncs once (the `gantry sync-org` command), unless a
/// sync is already running somewhere.
pub async fn run_once(settings: &Settings) -> anyhow::Result<SyncReport> {
    let store = Store::connect(settings.database.url.expose()).await?;
    store.migrate().await?;
    let cache = cache::connect(settings.cache.url.expose(), &settings.cache.namespace).await?;
    let client = crate::wecom_client::build(settings, cache.clone())?;
    let cipher = FieldCipher::from_settings(settings)?;
    anyhow::ensure!(
        !cipher.is_ephemeral() || store.backend() == store::Backend::Sqlite,
        "security.field_key is empty: set GANTRY__SECURITY__FIELD_KEY before syncing members \
         into PostgreSQL"
    );
    anyhow::ensure!(
        try_begin(cache.as_ref(), "gantry sync-org").await?,
        "an org sync is already running (admin button or schedule); try again when it ends"
    );
    let result = sync_and_record(
        &client,
        &store,
        &cipher,
        &SyncOptions::with_progress(cache.clone()),
        now_ms(),
    )
    .await;
    end(cache.as_ref()).await;
    result
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

/// Runs [`sync_with`] and records its outcome under [`LAST_SYNC_KEY`].
pub async fn sync_and_record(
    client: &Client,
    store: &Store,
    cipher: &FieldCipher,
    options: &SyncOptions,
    now_ms: i64,
) -> anyhow::Result<SyncReport> {
    let started = Instant::now();
    let result = sync_with(client, store, cipher, options, now_ms).await;
    let last = LastSync {
        started_at_ms: now_ms,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        report: result.as_ref().ok().cloned(),
        error: result.as_ref().err().map(|e| e.to_string()),
    };
    let value = serde_json::to_string(&last)?;
    store.settings().set(LAST_SYNC_KEY, &value, now_ms).await?;
    // One summarised audit row a run (its counts or its error): the members' own rows
    // are the mirror of WeCom's, so the trail says when and how much it changed.
    let entry = crate::audit::entry(
        now_ms,
        crate::audit::SYSTEM,
        None,
        "org.sync",
        crate::audit::Target::new("org", "wecom"),
        crate::audit::NONE,
        Some(&last),
    )?;
    store.audit().append_now(&entry).await?;
    result
}

/// [`sync_with`] the default options (no progress published).
pub async fn sync(
    client: &Client,
    store: &Store,
    cipher: &FieldCipher,
    now_ms: i64,
) -> anyhow::Result<SyncReport> {
    sync_with(client, store, cipher, &SyncOptions::default(), now_ms).await
}

/// Copies departments, members and tags from `client` into `store`, members' personal
/// fields sealed with `cipher`. Fails only when the department list cannot be read or
/// the store fails; anything else unreadable is skipped and listed in
/// [`SyncReport::errors`].
pub async fn sync_with(
    client: &Client,
    store: &Store,
    cipher: &FieldCipher,
    options: &SyncOptions,
    now_ms: i64,
) -> anyhow::Result<SyncReport> {
    let started = Instant::now();
    let progress = Progress::new(options.progress.clone(), now_ms);
    let fetcher = Fetcher::new(client.clone(), options.clone());
    let result = run(&fetcher, store, cipher, options, &progress, now_ms).await;
    let final_stage = if result.is_ok() {
        Stage::Done
    } else {
        Stage::Failed
    };
    progress.stage(final_stage, 0).await;
    let mut report = result?;
    report.wecom_calls = fetcher.calls();
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        departments = report.departments,
        members = report.members,
        tags = report.tags,
        added = report.added,
        changed = report.changed,
        resealed = report.resealed,
        kept_newer = report.kept_newer,
        left = report.left,
        errors = report.errors.len(),
        wecom_calls = report.wecom_calls,
        duration_ms = report.duration_ms,
        "org sync finished"
    );
    Ok(report)
}

async fn run(
    fetcher: &Fetcher,
    store: &Store,
    cipher: &FieldCipher,
    options: &SyncOptions,
    progress: &Progress,
    now_ms: i64,
) -> anyhow::Result<SyncReport> {
    let mut report = SyncReport::default();
    // Read before WeCom is: anything a contact event writes from now on may be newer
    // than what this sync reads, so the writer leaves it alone.
    let since = store.org().change_seq().await?;
    let writer = store.org().sync_writer(since);
    progress.stage(Stage::Departments, 1).await;
    let fetched = fetcher
        .departments(progress)
        .await
        .context("could not read the department list from WeCom")?;
    report.fallbacks.extend(fetched.fallback);
    let departments: Vec<_> = fetched
        .departments
        .iter()
        .map(convert::department)
        .collect();
    report.departments = departments.len();
    apply::departments(store, writer, &departments, now_ms, &mut report).await?;

    let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
    progress.part(Stage::Members, READ_SPAN, ids.len()).await;
    let read = fetcher.members(ids, progress).await;
    let complete = read.errors.is_empty();
    report.errors.extend(read.errors);
    if !read.by_detail.is_empty() {
        report.fallbacks.push(format!(
            "user/list refused for {} department(s); used user/simplelist + user/get",
            read.by_detail.len()
        ));
    }
    report.members = read.members.len();
    apply::members(
        store,
        writer,
        cipher,
        &read.members,
        options.write_batch,
        progress,
        now_ms,
        &mut report,
    )
    .await?;

    progress.stage(Stage::Tags, 0).await;
    match fetcher.tags(progress).await {
        Ok(tags) => {
            let tags_complete = tags.errors.is_empty();
            report.errors.extend(tags.errors);
            report.tags = tags.tags.len();
            apply::tags(
                store,
                writer,
                &tags.tags,
                tags_complete,
                now_ms,
                &mut report,
            )
            .await?;
        }
        Err(e) => {
            tracing::warn!(error = %e, "org sync: tag list unreadable; tags left as they were");
            report.errors.push(format!("tag/list: {e}"));
        }
    }

    progress.stage(Stage::Leavers, 1).await;
    apply::leavers(store, writer, &read.members, complete, now_ms, &mut report).await?;
    // Later syncs start after this one, so they need none of the older journal.
    store.org().forget_touches_through(since).await?;
    Ok(report)
}

fn now_ms() -> i64 {
    use domain::clock::Clock as _;
    domain::clock::SystemClock.now_ms()
}
