//! 管理 → 审计日志: reading the tamper-evident log (filters, keyset pages, an Excel
//! export) and checking it, with the chain's head anchored outside the database once a
//! day so that a rewritten or cut-short log shows up even when its `audit_head` row was
//! rewritten with it (see [`store::VerifyReport`] for what the chain alone cannot prove).

pub mod anchor;
pub mod export;
pub mod handlers;
mod views;

use domain::calendar::Day;

/// `2026-12-07 14:30:05` in China time, as the console and the export show instants.
fn china_time(ms: i64) -> String {
    let (y, m, d) = Day::of_ms(ms).ymd();
    let secs = Day::ms_into_day(ms) / 1000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_read_in_china_time() {
        // 2023-11-14 22:13:20 UTC.
        assert_eq!(super::china_time(1_700_000_000_000), "2023-11-15 06:13:20");
    }
}
