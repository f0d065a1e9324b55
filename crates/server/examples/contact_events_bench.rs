//! Applying contact-change events at scale: `cargo xtask bench org-sync` (second part).
//!
//! Starts wecom-sim with a generated company and a real `gantry` app on SQLite or
//! PostgreSQL, copies the org with a full sync, then changes the directory 10,000
//! times in the simulator (new titles, moves, leavers, newcomers), delivers
//! each change as an encrypted `change_contact` callback to the 通讯录同步 URL, and times
//! the inbox worker applying them all (a `user/get` per member event, as since 2022
//! events may carry ids only). Delivery and apply are timed separately: callbacks are
//! stored first, then one worker drains the inbox in order, as in production.
//!
//! Usage: contact_events_bench [--db sqlite|postgres] [--events N] [--users N]

mod bench_support;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::ensure;
use server::workers::inbox;
use wecom_sim::{CallbackTarget, OrgSpec, SimHandle};

const TOKEN: &str = "BenchContacts";

/// `n` directory changes in the simulator, as the callback XML WeCom would send:
/// 70 % new titles, 20 % moves, 5 % leavers, 5 % newcomers.
fn changes(sim: &SimHandle, n: usize) -> anyhow::Result<Vec<String>> {
    Ok(sim.batch(|org| {
        let departments: Vec<i64> = org.departments.iter().map(|d| d.id).collect();
        let userids: Vec<String> = org.users.iter().map(|u| u.userid.clone()).collect();
        let template = org.users[0].clone();
        let mut out = Vec::with_capacity(n);
        // A stride walks distinct members in the first half; leavers come from the far
        // end, so no event touches a member who already left.
        let mut next = 0_usize;
        let mut pick = || {
            next += 7;
            userids[next % (userids.len() / 2)].clone()
        };
        for i in 0..n {
            let change = match i % 20 {
                0 => org.delete_user(&userids[userids.len() - 1 - i / 20])?,
                1 => {
                    let mut user = template.clone();
                    user.userid = format!("bench{i:06}");
                    user.name = format!("新人{i}");
                    user.department = vec![departments[i % departments.len()]];
                    user.main_department = user.department[0];
                    user.order = vec![0];
                    user.is_leader_in_dept = vec![0];
                    org.add_user(user)?
                }
                2..=5 => {
                    let to = departments[(i * 31) % departments.len()];
                    org.move_user(&pick(), vec![to], to)?
                }
                _ => org.update_user(&pick(), |u| u.position = format!("岗位{i}"))?,
            };
            out.push(change);
        }
        Ok(out)
    })?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = bench_support::Flags::parse(&["db", "events", "users"])?;
    let db: String = flags.get("db", "sqlite".to_owned())?;
    let events: usize = flags.get("events", 10_000)?;
    let users: usize = flags.get("users", 100_000)?;
    let mut out = std::io::stdout();
    let sim = bench_support::simulator(OrgSpec {
        users,
        departments: (users / 20).max(1),
        tags: 50,
        seed: 7,
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let (state, port) = bench_support::app(&sim, &db, dir.path(), TOKEN).await?;

    let started = Instant::now();
    let report = server::org::sync::sync(
        &state.wecom,
        &state.store,
        &state.cipher,
        state.clock.now_ms(),
    )
    .await?;
    writeln!(
        out,
        "{}: initial sync of {} members in {:.1} s",
        db,
        report.members,
        started.elapsed().as_secs_f64()
    )?;

    let xmls = changes(&sim, events)?;
    let target = CallbackTarget {
        url: format!("http://127.0.0.1:{port}/wecom/contacts/callback"),
        token: TOKEN.into(),
        encoding_aes_key: bench_support::AES_KEY.into(),
    };
    let sim = Arc::new(sim);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for chunk in xmls.chunks(xmls.len().div_ceil(16).max(1)) {
        let (sim, target, chunk) = (sim.clone(), target.clone(), chunk.to_vec());
        set.spawn(async move {
            for xml in chunk {
                let delivery = sim.send_callback(&target, &xml, None).await?;
                ensure!(delivery.delivered, "a callback was refused");
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = set.join_next().await {
        done??;
    }
    let deliver_s = started.elapsed().as_secs_f64();

    let calls_before = sim.calls().len();
    let started = Instant::now();
    let mut applied = 0;
    loop {
        let step = inbox::step(&state).await?;
        if step.claimed == 0 {
            break;
        }
        applied += step.done;
    }
    let apply_s = started.elapsed().as_secs_f64();
    let calls = sim.calls().len() - calls_before;
    let stats = state.store.inbox().stats(state.clock.now_ms()).await?;
    ensure!(stats.dead == 0, "{} events were dead-lettered", stats.dead);
    ensure!(applied == events, "applied {applied} of {} events", events);

    // The mirror matches the simulator after the burst.
    let current = state.store.org().count_members(false).await?;
    let expected = i64::try_from(sim.org().users.len())?;
    ensure!(
        current == expected,
        "{current} current members, WeCom has {expected}"
    );
    writeln!(
        out,
        "{}: {} events delivered in {deliver_s:.2} s ({:.0}/s); applied in {apply_s:.2} s \
         ({:.0}/s, {:.2} ms each) with {calls} WeCom calls; mirror matches",
        db,
        events,
        events as f64 / deliver_s,
        events as f64 / apply_s,
        apply_s * 1000.0 / events as f64,
    )?;
    Ok(())
}
