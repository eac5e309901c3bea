//! "Now" and the school's calendar.
//!
//! Every decision about lateness, sessions and expiry is made in the school's time zone from an
//! instant stored in UTC (R3.7). Code that needs the current time asks a [`Clock`], so tests can
//! stand on a daylight-saving Sunday or a second before midnight.

use std::sync::Mutex;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A source of the current instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock: what the app and `kioskctl` use.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told otherwise: for tests and simulations.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    /// A clock at the given wall-clock time of the school's zone.
    pub fn at_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> Self {
        Self::new(local_to_utc(tz, date, time))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = now;
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// The school day an instant belongs to: its local date in the school's zone.
pub fn school_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// The local wall-clock time of an instant in the school's zone.
pub fn local_time(instant: DateTime<Utc>, tz: Tz) -> NaiveTime {
    instant.with_timezone(&tz).time()
}

/// The instant a local wall-clock time happens. In the spring-forward gap (a time that does not
/// exist) the first instant after the gap is used; in the autumn fold the earlier one.
pub fn local_to_utc(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are at most a few hours; walk forward a minute at a time to the gap's end.
            (1..=24 * 60)
                .find_map(|m| tz.from_local_datetime(&(naive + Duration::minutes(m))).earliest())
                .expect("a time zone gap shorter than a day")
                .with_timezone(&Utc)
        }
    }
}

/// The first instant of the next school day: the local midnight at which events of `date` that
/// were not written expire (R4.4). Right on 23- and 25-hour days.
pub fn end_of_school_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = date.succ_opt().expect("a date before the end of time");
    local_to_utc(tz, next, NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn school_days_are_23_and_25_hours_long_on_dst_sundays() {
        let spring = d(2026, 3, 29);
        let autumn = d(2026, 10, 25);
        let len = |day: NaiveDate| {
            end_of_school_day(day, London) - end_of_school_day(day.pred_opt().unwrap(), London)
        };
        assert_eq!(len(spring), Duration::hours(23));
        assert_eq!(len(autumn), Duration::hours(25));
        assert_eq!(len(d(2026, 11, 23)), Duration::hours(24));
    }

    #[test]
    fn a_minute_before_midnight_is_still_the_same_school_day() {
        let late =
            local_to_utc(London, d(2026, 6, 1), NaiveTime::from_hms_opt(23, 59, 59).unwrap());
        assert_eq!(school_date(late, London), d(2026, 6, 1));
        assert_eq!(school_date(late + Duration::seconds(1), London), d(2026, 6, 2));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_to_the_end_of_the_gap() {
        let t = local_to_utc(London, d(2026, 3, 29), NaiveTime::from_hms_opt(1, 30, 0).unwrap());
        assert_eq!(local_time(t, London), NaiveTime::from_hms_opt(2, 0, 0).unwrap());
    }
}
