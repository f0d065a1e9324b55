//! Background workers: the inbox handler, the outbox dispatcher and leader-locked schedules.
//!
//! Each worker exposes a public `step` that does one round and reports what it did, so
//! tests drain queues deterministically instead of sleeping.

pub mod inbox;
pub mod outbox;
pub mod schedule;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::state::AppState;

/// Running workers and the signal that stops them.
#[derive(Debug, Default)]
pub struct Workers {
    stop: Option<watch::Sender<bool>>,
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Asks every worker to stop after its current round and waits for them.
    pub async fn stop(self) {
        if let Some(stop) = self.stop {
            let _ = stop.send(true);
        }
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

/// Starts the inbox worker, the outbox dispatcher and the schedules.
pub fn spawn_all(state: &AppState) -> Workers {
    let (stop, stopped) = watch::channel(false);
    let poll = Duration::from_millis(state.settings.workers.poll_interval_ms);
    let inbox_state = state.clone();
    let outbox_state = state.clone();
    let dispatcher = outbox::Dispatcher::new(state);
    let handles = vec![
        tokio::spawn(run_loop(
            stopped.clone(),
            poll,
            wake(state, true),
            move || {
                let state = inbox_state.clone();
                async move { inbox::step(&state).await.map(|r| r.claimed) }
            },
        )),
        tokio::spawn(run_loop(
            stopped.clone(),
            poll,
            wake(state, false),
            move || {
                let state = outbox_state.clone();
                let dispatcher = dispatcher.clone();
                async move { dispatcher.step(&state).await.map(|r| r.claimed) }
            },
        )),
        tokio::spawn(schedule::run(state.clone(), stopped)),
    ];
    Workers {
        stop: Some(stop),
        handles,
    }
}

/// The notifier a worker waits on besides its poll timer.
fn wake(state: &AppState, inbox: bool) -> WakeOn {
    WakeOn {
        wake: state.wake.clone(),
        inbox,
    }
}

struct WakeOn {
    wake: Arc<crate::wake::Wake>,
    inbox: bool,
}

impl WakeOn {
    fn notify(&self) -> &Notify {
        if self.inbox {
            &self.wake.inbox
        } else {
            &self.wake.outbox
        }
    }
}

/// Runs `round` until stopped: again at once while it finds work, after `poll` (or a
/// wake-up) when idle, and after a pause when it fails (a database outage must not spin
/// the CPU).
async fn run_loop<F, Fut>(
    mut stopped: watch::Receiver<bool>,
    poll: Duration,
    wake: WakeOn,
    round: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    loop {
        if *stopped.borrow() {
            return;
        }
        let (pause, wakeable) = match round().await {
            Ok(0) => (poll, true),
            Ok(_) => (Duration::ZERO, false),
            Err(e) => {
                tracing::warn!(error = %e, "worker round failed");
                (poll.max(Duration::from_secs(1)), false)
            }
        };
        if !pause.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = wake.notify().notified(), if wakeable => {}
                _ = stopped.changed() => return,
            }
        }
    }
}
