//! Retry delays: exponential with full jitter, capped.

use rand::Rng as _;

/// Delay before attempt number `attempts + 1`, in ms: random in [base, min(cap, base·2^n)].
///
/// Jitter spreads retries from many rows (and replicas) so a WeCom hiccup does not turn
/// into a synchronized burst that trips its rate limits again.
pub fn delay_ms(attempts: i32, base_ms: i64, cap_ms: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let ceiling = base_ms
        .saturating_mul(1_i64 << exp)
        .min(cap_ms)
        .max(base_ms);
    rand::rng().random_range(base_ms..=ceiling)
}

#[cfg(test)]
mod tests {
    use super::delay_ms;

    #[test]
    fn grows_and_stays_within_bounds() {
        for attempts in 0..40 {
            let d = delay_ms(attempts, 1_000, 600_000);
            assert!((1_000..=600_000).contains(&d), "{attempts}: {d}");
        }
        assert!((0..100).all(|_| delay_ms(0, 1_000, 600_000) <= 1_000));
    }
}
