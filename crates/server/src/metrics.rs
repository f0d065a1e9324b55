//! Process-wide counters rendered as Prometheus text at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Counters keyed by metric name and label set.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    gauges: Mutex<BTreeMap<(&'static str, String), f64>>,
}

impl Metrics {
    /// One callback of `kind` ended as `outcome` (stored, duplicate, spooled, failed).
    pub fn callback(&self, kind: &str, outcome: &str) {
        self.add(
            "gantry_callbacks_total",
            format!("kind=\"{}\",outcome=\"{outcome}\"", escape(kind)),
            1,
        );
    }

    /// One WeCom push ended as `outcome`.
    pub fn push(&self, kind: &str, outcome: &str) {
        self.add(
            "gantry_pushes_total",
            format!("kind=\"{}\",outcome=\"{outcome}\"", escape(kind)),
            1,
        );
    }

    /// One inbox item was handled with `outcome`.
    pub fn handled(&self, kind: &str, outcome: &str) {
        self.add(
            "gantry_inbox_handled_total",
            format!("kind=\"{}\",outcome=\"{outcome}\"", escape(kind)),
            1,
        );
    }

    /// Whether this replica leads `schedule` (1) or not (0).
    pub fn leader(&self, schedule: &str, leading: bool) {
        if let Ok(mut gauges) = self.gauges.lock() {
            let labels = format!("schedule=\"{}\"", escape(schedule));
            gauges.insert(("gantry_leader", labels), if leading { 1.0 } else { 0.0 });
        }
    }

    fn add(&self, name: &'static str, labels: String, by: u64) {
        if let Ok(mut counters) = self.counters.lock() {
            *counters.entry((name, labels)).or_default() += by;
        }
    }

    /// Prometheus text exposition of every counter, plus `extra` gauge lines.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        let Ok(counters) = self.counters.lock() else {
            return out;
        };
        let mut last = "";
        for ((name, labels), value) in counters.iter() {
            if *name != last {
                let _ = writeln!(out, "# TYPE {name} counter");
                last = name;
            }
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
        if let Ok(own) = self.gauges.lock() {
            for ((name, labels), value) in own.iter() {
                let _ = writeln!(out, "# TYPE {name} gauge\n{name}{{{labels}}} {value}");
            }
        }
        for (name, labels, value) in gauges {
            let _ = writeln!(out, "# TYPE {name} gauge\n{name}{{{labels}}} {value}");
        }
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}
