//! Approvals at scale: `cargo xtask bench approvals`.
//!
//! A real `gantry` app on SQLite or PostgreSQL with wecom-sim (2,000 members):
//! 1. tap-to-update latency: one instance at a time, its decision card reaches the
//!    approver through the outbox, the approver taps 同意 in the simulator, and the clock
//!    runs until the simulator records the `update_template_card` call for that card
//!    (callback → intake → inbox worker → engine → outbox → dispatcher → WeCom);
//! 2. actions per second: 10,000 instances submitted, then 10,000 approvals applied by 8
//!    concurrent callers through the same service the API and card taps use (load, engine,
//!    optimistic save, cards queued in the same transaction), workers stopped so only the
//!    actions are timed.
//!
//! Usage: approvals_bench [--db sqlite|postgres] [--instances N] [--taps N] [--callers N]

mod bench_support;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use domain::approval::{
    Action, ApproverRule, Field, FieldKind, FormSchema, Node, RejectDefault, SignMode, Template,
};
use server::approvals::{self, Origin};
use server::state::AppState;
use wecom_sim::{CallbackTarget, OrgSpec, SimHandle};

const TOKEN: &str = "BenchApprovals";

/// One approve node whose approver the initiator picks: every instance can go to a
/// different member, so no member's WeCom message quota is the bottleneck.
fn template() -> Template {
    Template {
        code: "bench".into(),
        name: "基准审批".into(),
        form: FormSchema {
            fields: vec![Field {
                key: "amount".into(),
                label: "金额".into(),
                kind: FieldKind::Money,
                required: true,
            }],
        },
        flow: vec![Node::Approve {
            id: "pick".into(),
            name: "审批".into(),
            rule: ApproverRule::Chosen {
                among: None,
                max: None,
            },
            mode: SignMode::Any,
            timeout: None,
        }],
        card_fields: vec!["amount".into()],
        on_reject: RejectDefault::Initiator,
        self_approval: domain::approval::SelfApproval::Leader,
    }
}

async fn submit(state: &AppState, initiator: &str, approver: &str) -> anyhow::Result<i64> {
    let form = [("amount".to_owned(), serde_json::json!(1_234_500))].into();
    let chosen = BTreeMap::from([("pick".to_owned(), vec![approver.to_owned()])]);
    Ok(approvals::submit(
        state,
        &server::audit::Actor::member(initiator),
        "bench",
        &form,
        None,
        chosen,
    )
    .await?)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Waits until `found` holds, polling every 200 µs.
async fn until(mut found: impl FnMut() -> bool, what: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !found() {
        ensure!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    Ok(())
}

async fn taps(
    state: &AppState,
    sim: &SimHandle,
    target: &CallbackTarget,
    users: &[String],
    n: usize,
) -> anyhow::Result<Vec<Duration>> {
    let workers = server::workers::spawn_all(state);
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n {
        let approver = &users[1 + i % (users.len() - 1)];
        submit(state, &users[0], approver).await?;
        let mut task_id = None;
        until(
            || {
                task_id = sim
                    .messages_for(approver)
                    .iter()
                    .rev()
                    .find(|m| m.msgtype == "template_card")
                    .and_then(|m| {
                        m.body["template_card"]["task_id"]
                            .as_str()
                            .map(str::to_owned)
                    });
                task_id.is_some()
            },
            "the decision card",
        )
        .await?;
        let task_id = task_id.context("card")?;
        let xml = sim.prepare_click(approver, &task_id, "approve")?;
        let started = Instant::now();
        let delivery = sim
            .send_callback(target, &xml, Some(state.settings.wecom.agent_id))
            .await?;
        ensure!(delivery.delivered, "the tap was refused");
        until(
            || {
                sim.card_updates()
                    .iter()
                    .any(|u| u.task_id.as_deref() == Some(task_id.as_str()))
            },
            "the card update",
        )
        .await?;
        latencies.push(started.elapsed());
    }
    workers.stop().await;
    latencies.sort();
    Ok(latencies)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = bench_support::Flags::parse(&["db", "instances", "taps", "callers"])?;
    let db: String = flags.get("db", "sqlite".to_owned())?;
    let instances: usize = flags.get("instances", 10_000)?;
    let tap_count: usize = flags.get("taps", 200)?;
    let callers: usize = flags.get("callers", 8)?;
    let mut out = std::io::stdout();
    let sim = bench_support::simulator(OrgSpec {
        users: 2_000,
        departments: 100,
        tags: 10,
        seed: 11,
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let (state, port) = bench_support::app(&sim, &db, dir.path(), TOKEN).await?;
    server::org::sync::sync(
        &state.wecom,
        &state.store,
        &state.cipher,
        state.clock.now_ms(),
    )
    .await?;
    state
        .store
        .approvals()
        .put_template(&template(), "bench", state.clock.now_ms())
        .await?;
    let users: Vec<String> = sim
        .org()
        .users
        .iter()
        .filter(|u| u.status == 1)
        .map(|u| u.userid.clone())
        .collect();
    let target = CallbackTarget {
        url: format!("http://127.0.0.1:{port}/wecom/callback"),
        token: TOKEN.into(),
        encoding_aes_key: bench_support::AES_KEY.into(),
    };

    let latencies = taps(&state, &sim, &target, &users, tap_count).await?;
    writeln!(
        out,
        "{}: tap → update_template_card sent, {} taps one at a time: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        db,
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    )?;

    let started = Instant::now();
    let mut ids = Vec::with_capacity(instances);
    for i in 0..instances {
        let approver = &users[1 + i % (users.len() - 1)];
        ids.push((submit(&state, &users[0], approver).await?, approver.clone()));
    }
    let submit_s = started.elapsed().as_secs_f64();
    let open = state
        .store
        .approvals()
        .pending_ids(0, u32::MAX)
        .await?
        .len();

    let state = Arc::new(state);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for chunk in ids.chunks(ids.len().div_ceil(callers).max(1)) {
        let (state, chunk) = (state.clone(), chunk.to_vec());
        set.spawn(async move {
            for (id, approver) in chunk {
                let action = Action::Approve { comment: None };
                approvals::act(
                    &state,
                    id,
                    &server::audit::Actor::member(&approver),
                    action,
                    &Origin::default(),
                )
                .await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = set.join_next().await {
        done??;
    }
    let act_s = started.elapsed().as_secs_f64();
    let left = state
        .store
        .approvals()
        .pending_ids(0, u32::MAX)
        .await?
        .len();
    ensure!(left == 0, "{left} instances still pending");
    writeln!(
        out,
        "{}: {} submissions in {submit_s:.2} s ({:.0}/s, one caller); {} approvals on {open} open \
         instances in {act_s:.2} s ({:.0}/s, {callers} callers)",
        db,
        instances,
        instances as f64 / submit_s,
        instances,
        instances as f64 / act_s,
    )?;
    Ok(())
}
