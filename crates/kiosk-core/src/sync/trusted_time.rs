//! Trusted time (R6.5): the tablet's clock is checked before it decides what is written, what
//! expires and what is deleted. A tablet without a battery clock, behind a firewall that blocks
//! time servers, boots with last night's time and would write a morning's arrivals into the
//! previous afternoon's register, or expire and purge them after a correction.
//!
//! The clock is compared with Wonde's (the `Date` of an answer no older than [`FRESH`], carried
//! forward by the time since) and, with no fresh answer, with the kiosk's own records: time does
//! not go backwards past the newest event recorded.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How far the tablet's clock may be from Wonde's: a `Date` is to the second and an answer takes
/// a moment; a couple of minutes moves no pupil across a late time by much.
pub const TOLERANCE: Duration = Duration::minutes(2);

/// How old Wonde's last answer may be to vouch for the clock now.
pub const FRESH: StdDuration = StdDuration::from_secs(30);

/// What the kiosk knows of its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockTrust {
    /// Wonde's clock agrees with it.
    Confirmed,
    /// No fresh Wonde answer to compare with, and the clock is not behind the kiosk's records.
    Unconfirmed,
    /// Wrong by this many minutes (ahead is positive), by Wonde's clock or the kiosk's records.
    Wrong { minutes: i64 },
}

/// Judges the clock's `now` against Wonde's answer (its `Date`, and when it arrived) and the
/// newest instant the kiosk has recorded.
pub fn judge(
    now: DateTime<Utc>,
    wonde: Option<(DateTime<Utc>, Instant)>,
    newest_recorded: Option<DateTime<Utc>>,
) -> ClockTrust {
    let fresh = wonde.filter(|w| is_fresh(*w));
    if let Some((dated, seen)) = fresh {
        let wonde_now = dated + Duration::from_std(seen.elapsed()).unwrap_or_default();
        let off = now - wonde_now;
        return if off.abs() <= TOLERANCE {
            ClockTrust::Confirmed
        } else {
            ClockTrust::Wrong { minutes: minutes(off) }
        };
    }
    match newest_recorded {
        Some(newest) if newest - now > TOLERANCE => {
            ClockTrust::Wrong { minutes: minutes(now - newest) }
        }
        _ => ClockTrust::Unconfirmed,
    }
}

/// Whether Wonde's answer can vouch for the clock now.
fn is_fresh((_, seen): (DateTime<Utc>, Instant)) -> bool {
    seen.elapsed() < FRESH
}

fn minutes(off: Duration) -> i64 {
    // Rounded to the nearest minute, away from zero at the half: "wrong by 0 minutes" is never said.
    let seconds = off.num_seconds();
    let rounded = (seconds.abs() + 30) / 60;
    rounded.max(1) * seconds.signum()
}

impl ClockTrust {
    /// Marks are written only on a clock Wonde has confirmed.
    pub fn may_write(self) -> bool {
        self == ClockTrust::Confirmed
    }

    /// The school dates whose pending events may expire now, from the first given (`None`:
    /// none may). Unconfirmed, only yesterday's: a date jump of more than a day that Wonde has
    /// not confirmed expires nothing.
    pub fn expires_from(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            ClockTrust::Confirmed => Some(NaiveDate::MIN),
            ClockTrust::Unconfirmed => today.pred_opt(),
            ClockTrust::Wrong { .. } => None,
        }
    }

    /// Whether a pending event of school day `date` may be decided now (a mark, not required,
    /// or expired): on a wrong clock none is; unconfirmed, none from before yesterday.
    pub fn decides(self, date: NaiveDate, today: NaiveDate) -> bool {
        self.expires_from(today).is_some_and(|from| date >= from)
    }

    /// The retention purge runs only on a clock Wonde has confirmed.
    pub fn may_purge(self) -> bool {
        self == ClockTrust::Confirmed
    }

    pub fn wrong_by(self) -> Option<i64> {
        match self {
            ClockTrust::Wrong { minutes } => Some(minutes),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_clock_is_judged_by_a_fresh_wonde_answer_else_by_the_kiosks_own_records() {
        let now = at("2026-11-24T08:35:00Z");
        let just_now = Instant::now();
        let cases = [
            // (Wonde's Date, newest recorded, verdict)
            (Some(at("2026-11-24T08:34:10Z")), None, ClockTrust::Confirmed),
            (Some(at("2026-11-24T08:37:30Z")), None, ClockTrust::Wrong { minutes: -3 }),
            // A tablet that booted with last night's time: 15 hours behind.
            (Some(at("2026-11-24T23:35:00Z")), None, ClockTrust::Wrong { minutes: -900 }),
            (Some(at("2025-11-24T08:35:00Z")), None, ClockTrust::Wrong { minutes: 525_600 }),
            (None, None, ClockTrust::Unconfirmed),
            (None, Some(at("2026-11-24T08:36:00Z")), ClockTrust::Unconfirmed),
            // Behind the newest event the kiosk recorded: the clock went back.
            (None, Some(at("2026-11-24T09:35:00Z")), ClockTrust::Wrong { minutes: -60 }),
            // Wonde's word beats the kiosk's records (those were recorded on a clock ahead).
            (
                Some(at("2026-11-24T08:35:00Z")),
                Some(at("2027-01-01T00:00:00Z")),
                ClockTrust::Confirmed,
            ),
        ];
        for (wonde, newest, verdict) in cases {
            assert_eq!(
                judge(now, wonde.map(|d| (d, just_now)), newest),
                verdict,
                "{wonde:?} {newest:?}"
            );
        }
        let stale = Instant::now().checked_sub(FRESH * 2).unwrap();
        assert_eq!(
            judge(now, Some((at("2026-11-23T17:35:00Z"), stale)), None),
            ClockTrust::Unconfirmed
        );
    }

    #[test]
    fn only_a_confirmed_clock_writes_purges_and_expires_across_more_than_a_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let wrong = ClockTrust::Wrong { minutes: 5 };
        assert!(ClockTrust::Confirmed.may_write() && ClockTrust::Confirmed.may_purge());
        for trust in [ClockTrust::Unconfirmed, wrong] {
            assert!(!trust.may_write() && !trust.may_purge(), "{trust:?}");
        }
        assert_eq!(ClockTrust::Confirmed.expires_from(today), Some(NaiveDate::MIN));
        assert_eq!(ClockTrust::Unconfirmed.expires_from(today), today.pred_opt());
        assert_eq!(wrong.expires_from(today), None);
        let long_ago = NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
        assert!(ClockTrust::Confirmed.decides(long_ago, today));
        assert!(!ClockTrust::Unconfirmed.decides(long_ago, today));
        assert!(ClockTrust::Unconfirmed.decides(today.pred_opt().unwrap(), today));
        assert!(!wrong.decides(today, today));
        assert_eq!(wrong.wrong_by(), Some(5));
    }
}
