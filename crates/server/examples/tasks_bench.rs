//! Schedules at scale: `cargo xtask bench tasks`.
//!
//! 1. CPM on a 10,000-task network (domain only, median of 20 runs);
//! 2. a real app with wecom-sim (2,000 members) on SQLite or PostgreSQL holding 10,000
//!    projects and 1,000,000 tasks, 10,000 of them overdue across the 2,000 members:
//!    the overdue scan's time, then the WeCom `message/send` calls its digests take;
//! 3. the Gantt payload of a 2,000-task project (read, CPM, forecast, JSON), p50/p99 of
//!    200 calls.
//!
//! Usage: tasks_bench [--db sqlite|postgres] [--projects N] [--tasks N]

mod bench_support;

use std::io::Write as _;
use std::time::{Duration, Instant};

use anyhow::ensure;
use domain::calendar::Day;
use domain::schedule::critical_path;
use domain::schedule::sample::network;
use server::state::AppState;
use wecom_sim::OrgSpec;

const TOKEN: &str = "BenchTasks";
const OVERDUE: usize = 10_000;

fn cpm(out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let (activities, links) = network(10_000, Day(20_000));
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let started = Instant::now();
            let s = critical_path(&activities, &links);
            let took = started.elapsed();
            assert!(s.is_ok());
            took
        })
        .collect();
    times.sort();
    let critical = critical_path(&activities, &links)?
        .timings
        .iter()
        .filter(|t| t.critical)
        .count();
    writeln!(
        out,
        "cpm: 10,000 tasks, {} links: median {:.2} ms, max {:.2} ms ({critical} critical)",
        links.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
    )?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Inserts `projects` projects and `tasks` tasks spread over them; `OVERDUE` of the tasks
/// (each member owning five) finished yesterday and are still open; the rest are done or
/// finish later.
async fn seed(
    state: &AppState,
    members: &[String],
    projects: usize,
    tasks: usize,
) -> anyhow::Result<Day> {
    let store = &state.store;
    let now = state.clock.now_ms();
    let today = Day::of_ms(now);
    let started = Instant::now();
    let mut tx = store.begin().await?;
    for chunk in (0..projects).collect::<Vec<_>>().chunks(1_000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|p| format!("('P{p:05}', '项目{p}', 1, 'active', 'bench', {now}, {now})"))
            .collect();
        store::sqlx::query(&format!(
            "INSERT INTO projects (code, name, department_id, status, created_by, created_at_ms, \
             updated_at_ms) VALUES {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let mut tx = store.begin().await?;
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..tasks {
        let project = i % projects + 1;
        let owner = &members[i % members.len()];
        let (start, days, status, progress) = if i < OVERDUE {
            (today.plus(-4), 3, "doing", 50)
        } else if i % 2 == 0 {
            (today.plus(-30), 10, "done", 100)
        } else {
            (today.plus(5 + (i % 60) as i32), 5, "todo", 0)
        };
        batch.push(format!(
            "({project}, {}, 'T{i}', {}, {days}, {}, {progress}, '{status}', '{owner}', 'bench', {now}, {now})",
            i / projects + 1,
            start.0,
            start.0 + days,
        ));
        if batch.len() == 1_000 || i + 1 == tasks {
            store::sqlx::query(&format!(
                "INSERT INTO tasks (project_id, position, title, start_day, days, finish_day, \
                 progress, status, owner, created_by, created_at_ms, updated_at_ms) VALUES {}",
                batch.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
            batch.clear();
        }
        if i % 100_000 == 99_999 {
            tx.commit().await?;
            tx = store.begin().await?;
        }
    }
    tx.commit().await?;
    eprintln!(
        "seeded {projects} projects, {tasks} tasks in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(today)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = bench_support::Flags::parse(&["db", "projects", "tasks"])?;
    let db: String = flags.get("db", "sqlite".to_owned())?;
    let projects: usize = flags.get("projects", 10_000)?;
    let tasks: usize = flags.get("tasks", 1_000_000)?;
    let mut out = std::io::stdout();
    cpm(&mut out)?;

    let sim = bench_support::simulator(OrgSpec {
        users: 2_400,
        departments: 50,
        tags: 5,
        seed: 5,
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let (state, _port) = bench_support::app(&sim, &db, dir.path(), TOKEN).await?;
    server::org::sync::sync(
        &state.wecom,
        &state.store,
        &state.cipher,
        state.clock.now_ms(),
    )
    .await?;
    let members: Vec<String> = sim
        .org()
        .users
        .iter()
        .filter(|u| u.status == 1)
        .map(|u| u.userid.clone())
        .take(2_000)
        .collect();
    ensure!(
        members.len() == 2_000,
        "the generated org has too few active members"
    );
    let today = seed(&state, &members, projects, tasks).await?;

    let started = Instant::now();
    let report = server::tasks::reminders::scan(&state).await?;
    let scan_s = started.elapsed().as_secs_f64();
    ensure!(!report.quiet, "the benchmark settings have no quiet hours");
    let before = sim.calls_to("/cgi-bin/message/send");
    let dispatcher = server::workers::outbox::Dispatcher::new(&state);
    let sending = Instant::now();
    while dispatcher.step(&state).await?.claimed > 0 {}
    let sends = sim.calls_to("/cgi-bin/message/send") - before;
    writeln!(
        out,
        "{db}: overdue scan over {projects} projects / {tasks} tasks: {} open tasks due, {} digests, \
         {} escalations, {} lag alerts in {scan_s:.2} s; {sends} message/send calls ({:.1} s to send)",
        report.tasks,
        report.digests,
        report.escalations,
        report.project_alerts,
        sending.elapsed().as_secs_f64(),
    )?;

    // The same day again: digests sent, lags worked out; what every later scan costs.
    let started = Instant::now();
    let again = server::tasks::reminders::scan(&state).await?;
    ensure!(
        again.digests == 0,
        "a second scan the same day sent digests again"
    );
    writeln!(
        out,
        "{db}: the next scan the same day: {} open tasks, 0 digests, in {:.2} s",
        again.tasks,
        started.elapsed().as_secs_f64()
    )?;

    let big = server::demo::seed::sample_schedule(
        &state,
        "BIG",
        "两千项任务的项目",
        2_000,
        today.plus(-100),
    )
    .await?;
    let mut times = Vec::with_capacity(200);
    let mut bytes = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let gantt = server::tasks::gantt::gantt(&state, big, today).await?;
        bytes = serde_json::to_vec(&gantt)?.len();
        times.push(started.elapsed());
    }
    times.sort();
    writeln!(
        out,
        "{db}: Gantt of a 2,000-task project ({} KiB JSON): p50 {:.1} ms, p99 {:.1} ms",
        bytes / 1024,
        ms(times[100]),
        ms(times[197]),
    )?;
    Ok(())
}
