//! How long to wait before trying an event again after a transient failure (R4.6).

use std::time::Duration;

/// Jittered exponential backoff: `base * 2^failures`, capped, then spread by ±20% so a room of
/// kiosks coming back online does not retry in step. A server's Retry-After is a floor.
pub fn delay(
    failures: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let exp = base.saturating_mul(1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX)).min(cap);
    let jitter = 0.8 + 0.4 * rand::random::<f64>();
    let spread = exp.mul_f64(jitter);
    retry_after.map_or(spread, |ra| spread.max(ra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_never_undercuts_retry_after() {
        let base = Duration::from_secs(1);
        let cap = Duration::from_secs(60);
        for failures in 0..40 {
            let d = delay(failures, base, cap, None);
            let nominal = base.saturating_mul(1 << failures.min(16)).min(cap);
            assert!(d >= nominal.mul_f64(0.8) && d <= nominal.mul_f64(1.2), "{failures}: {d:?}");
        }
        assert!(delay(0, base, cap, Some(Duration::from_secs(30))) >= Duration::from_secs(30));
    }
}
