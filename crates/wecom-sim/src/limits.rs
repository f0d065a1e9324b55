//! Sliding-window counters on the simulator clock.

use std::collections::{HashMap, VecDeque};

/// Hits within the last `span_ms`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Window {
    hits: VecDeque<i64>,
}

impl Window {
    fn prune(&mut self, now: i64, span_ms: i64) {
        while self.hits.front().is_some_and(|t| *t <= now - span_ms) {
            self.hits.pop_front();
        }
    }

    /// True when below `limit` within the span (the caller then records the hit).
    pub(crate) fn allows(&mut self, now: i64, span_ms: i64, limit: u32) -> bool {
        self.prune(now, span_ms);
        self.hits.len() < limit as usize
    }

    pub(crate) fn hit(&mut self, now: i64) {
        self.hits.push_back(now);
    }

    /// Checks and records in one go.
    pub(crate) fn try_hit(&mut self, now: i64, span_ms: i64, limit: u32) -> bool {
        let ok = self.allows(now, span_ms, limit);
        if ok {
            self.hit(now);
        }
        ok
    }
}

pub(crate) const MINUTE: i64 = 60_000;
pub(crate) const HOUR: i64 = 3_600_000;
pub(crate) const DAY: i64 = 86_400_000;

/// A minute window and an hour window counted together.
#[derive(Debug, Clone, Default)]
pub(crate) struct MinuteHour {
    minute: Window,
    hour: Window,
}

impl MinuteHour {
    /// Ok, or which window is full.
    pub(crate) fn try_hit(
        &mut self,
        now: i64,
        per_min: u32,
        per_hour: u32,
    ) -> Result<(), &'static str> {
        if !self.minute.allows(now, MINUTE, per_min) {
            return Err("per_minute");
        }
        if !self.hour.allows(now, HOUR, per_hour) {
            return Err("per_hour");
        }
        self.minute.hit(now);
        self.hour.hit(now);
        Ok(())
    }
}

/// All frequency state of one simulator.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    pub(crate) api: HashMap<String, MinuteHour>,
    pub(crate) member: HashMap<(i64, String), MinuteHour>,
    pub(crate) corp_ticket_corp: Window,
    pub(crate) corp_ticket_app: HashMap<i64, Window>,
    pub(crate) agent_ticket_app: HashMap<i64, Window>,
    pub(crate) appchat_create: Window,
}
