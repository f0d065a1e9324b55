//! Process-wide counters rendered as Prometheus text at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// A metric name and its rendered label set.
type Series = (&'static str, String);

/// Counters keyed by metric name and label set.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    gauges: Mutex<BTreeMap<(&'static str, String), f64>>,
    timings: Mutex<BTreeMap<Series, (f64, u64)>>,
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

    /// A callback was refused before it was stored (forged, misconfigured, malformed).
    pub fn rejected(&self, source: &str, reason: &str) {
        self.add(
            "gantry_callbacks_rejected_total",
            format!(
                "source=\"{}\",reason=\"{}\"",
                escape(source),
                escape(reason)
            ),
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

    /// One HTTP request to `route` answered `status` after `seconds`.
    pub fn http(&self, route: &str, status: u16, seconds: f64) {
        let class = format!("{}xx", status / 100);
        self.add(
            "gantry_http_requests_total",
            format!("route=\"{}\",status=\"{class}\"", escape(route)),
            1,
        );
        self.time(
            "gantry_http_request_seconds",
            format!("route=\"{}\"", escape(route)),
            seconds,
        );
    }

    fn time(&self, name: &'static str, labels: String, seconds: f64) {
        if let Ok(mut timings) = self.timings.lock() {
            let entry = timings.entry((name, labels)).or_insert((0.0, 0));
            entry.0 += seconds;
            entry.1 += 1;
        }
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

    /// Prometheus text exposition of every counter and gauge, plus `extra` gauges.
    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        if let Ok(counters) = self.counters.lock() {
            let samples = counters
                .iter()
                .map(|((n, l), v)| (*n, l.as_str(), *v as f64));
            write_family(&mut out, "counter", samples);
        }
        let mut gauges: Vec<(&str, String, f64)> = extra
            .iter()
            .map(|(n, l, v)| (*n, (*l).to_owned(), *v))
            .collect();
        if let Ok(own) = self.gauges.lock() {
            gauges.extend(own.iter().map(|((n, l), v)| (*n, l.clone(), *v)));
        }
        gauges.sort_by(|a, b| a.0.cmp(b.0));
        write_family(
            &mut out,
            "gauge",
            gauges.iter().map(|(n, l, v)| (*n, l.as_str(), *v)),
        );
        if let Ok(timings) = self.timings.lock() {
            let mut last = "";
            for ((name, labels), (sum, count)) in timings.iter() {
                if *name != last {
                    let _ = writeln!(out, "# TYPE {name} summary");
                    last = name;
                }
                let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
                let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
            }
        }
        out
    }
}

/// Writes samples sorted by name, with one `# TYPE` line per metric as the format requires.
fn write_family<'a>(
    out: &mut String,
    kind: &str,
    samples: impl Iterator<Item = (&'a str, &'a str, f64)>,
) {
    let mut last = "";
    for (name, labels, value) in samples {
        if name != last {
            let _ = writeln!(out, "# TYPE {name} {kind}");
            last = name;
        }
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

impl wecom::client::CallObserver for Metrics {
    fn observe(&self, call: &wecom::client::CallRecord) {
        let errcode = call.errcode.map(|c| c.to_string()).unwrap_or_default();
        self.add(
            "gantry_wecom_calls_total",
            format!(
                "api=\"{}\",outcome=\"{}\",errcode=\"{errcode}\"",
                escape(call.api),
                call.outcome
            ),
            1,
        );
        self.time(
            "gantry_wecom_call_seconds",
            format!("api=\"{}\"", escape(call.api)),
            call.elapsed.as_secs_f64(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn one_type_line_per_metric() {
        let metrics = Metrics::default();
        metrics.callback("text", "stored");
        metrics.callback("text", "stored");
        metrics.callback("event:click", "duplicate");
        metrics.leader("housekeeping", true);
        let text = metrics.render(&[
            ("gantry_queue_depth", "queue=\"inbox\"", 3.0),
            ("gantry_queue_depth", "queue=\"outbox\"", 0.0),
        ]);
        assert_eq!(
            text.matches("# TYPE gantry_callbacks_total counter")
                .count(),
            1
        );
        assert_eq!(text.matches("# TYPE gantry_queue_depth gauge").count(), 1);
        assert!(
            text.contains("gantry_callbacks_total{kind=\"text\",outcome=\"stored\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("gantry_leader{schedule=\"housekeeping\"} 1"),
            "{text}"
        );
    }
}
