//! The nightly import (R1.3): a tokio task that runs an incremental import at the school's
//! configured local time (`Settings::import_time`, default 02:00), until told to stop.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, NaiveTime, Utc};
use chrono_tz::Tz;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::{run_import, ImportError, ImportOptions};
use crate::store::Store;
use kiosk_model::clock::{local_to_utc, school_date, Clock};
use wonde_client::WondeClient;

/// Makes the client for a run, read afresh each night so a new connection or token takes
/// effect; `Ok(None)` when no connection is set up (the run is skipped).
pub type ClientSource = Arc<dyn Fn() -> Result<Option<WondeClient>, ImportError> + Send + Sync>;

/// The next instant, strictly after `after`, at which the school's clock shows `time`. On a
/// spring-forward night a time in the gap runs at the end of the gap.
pub fn next_run(after: DateTime<Utc>, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let today = school_date(after, tz);
    let candidate = local_to_utc(tz, today, time);
    if candidate > after {
        candidate
    } else {
        local_to_utc(tz, today + Span::days(1), time)
    }
}

/// Starts the nightly import on `tasks`. `tick` is how often the task looks at the clock (a
/// minute in the app; milliseconds in tests, whose clock is moved by hand). It ends when `stop`
/// is cancelled; a run under way finishes first.
pub fn spawn_nightly(
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    client: ClientSource,
    options: ImportOptions,
    tick: Duration,
    tasks: &TaskTracker,
    stop: CancellationToken,
) {
    tasks.spawn(async move {
        let mut after = clock.now();
        loop {
            let settings = store.settings_or_default();
            let due = next_run(after, settings.import_time, settings.time_zone);
            tracing::debug!(%due, "next nightly import");
            loop {
                if stop.is_cancelled() {
                    return;
                }
                let now = clock.now();
                if now >= due {
                    break;
                }
                // Settings may change while waiting: a new import time applies from the next look.
                let latest = store.settings_or_default();
                if latest.import_time != settings.import_time
                    || latest.time_zone != settings.time_zone
                {
                    break;
                }
                tokio::select! {
                    _ = tokio::time::sleep(tick) => {}
                    _ = stop.cancelled() => return,
                }
            }
            if clock.now() < due {
                after = clock.now();
                continue;
            }
            after = due;
            match client() {
                Ok(Some(client)) => {
                    let quiet = |_| {};
                    // A failed run is recorded in the log of runs; the next night tries again.
                    let _ = run_import(&client, &store, clock.as_ref(), &options, &quiet).await;
                }
                Ok(None) => tracing::info!("nightly import skipped: no Wonde connection"),
                Err(e) => tracing::warn!(error = %e.for_log(), "nightly import skipped"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::Europe::London;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        local_to_utc(
            London,
            NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            NaiveTime::from_hms_opt(h, m, 0).unwrap(),
        )
    }

    #[test]
    fn the_nightly_import_runs_at_two_in_the_morning_school_time() {
        let two = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        assert_eq!(next_run(at(10, 1, 59), two, London), at(10, 2, 0));
        assert_eq!(next_run(at(10, 2, 0), two, London), at(11, 2, 0));
        assert_eq!(next_run(at(10, 15, 0), two, London), at(11, 2, 0));
    }

    #[test]
    fn on_the_night_the_clocks_go_forward_the_import_still_runs_once() {
        // 29 March 2026: 01:00 jumps to 02:00, so 01:30 does not exist.
        let half_one = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        let due = next_run(at(28, 12, 0), half_one, London);
        assert_eq!(due, at(29, 2, 0));
        assert_eq!(next_run(due, half_one, London), at(30, 1, 30));
    }
}
