//! A deterministic schedule of any size, shaped like a real one, for benchmarks and demos.

use super::{Activity, Link, LinkKind};
use crate::calendar::Day;

/// `n` activities from `origin`, each following one or two of the few before it (FS, and
/// every third an SS or FF with a small lag).
pub fn network(n: usize, origin: Day) -> (Vec<Activity>, Vec<Link>) {
    let activities = (0..n)
        .map(|i| Activity {
            id: i as i64 + 1,
            start: origin,
            days: 1 + (i * 7 % 13) as i32,
        })
        .collect();
    let mut links = Vec::with_capacity(n * 2);
    for i in 1..n {
        let to = i as i64 + 1;
        links.push(Link {
            from: (i - 1 - i * 31 % i.min(5)) as i64 + 1,
            to,
            kind: LinkKind::FinishStart,
            lag: 0,
        });
        if i % 3 == 0 && i >= 10 {
            links.push(Link {
                from: (i - 10) as i64 + 1,
                to,
                kind: [LinkKind::StartStart, LinkKind::FinishFinish][i % 2],
                lag: (i % 4) as i32,
            });
        }
    }
    (activities, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_a_valid_connected_schedule() {
        let (activities, links) = network(500, Day(20_000));
        assert_eq!(activities.len(), 500);
        assert!(
            links.iter().all(|l| l.from < l.to),
            "acyclic by construction"
        );
        let schedule = super::super::critical_path(&activities, &links).expect("schedules");
        assert!(schedule.timings.iter().any(|t| t.critical));
    }
}
