//! The MIS's session marks of a day, read once per drain of a backlog (R4.9) and kept for the
//! drain: re-reading the whole day on every pass made a backlog's drain time grow with the
//! square of its size. A pupil the drain has just sent a mark for is not trusted to the copy
//! (the write may or may not have been taken): their current mark is read on its own again.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::rules::Session;

/// The MIS's session marks of one day, by (student id, session).
pub(super) type DayMarks = HashMap<(String, Session), String>;

/// How long a day's marks read at the start of a drain stand for it. Marks entered in the MIS
/// meanwhile (a teacher's `M`) are seen at the next read; the per-pupil read before each write
/// of a small queue has the same window, one pass long.
pub(super) const MARKS_STAND_FOR: Duration = Duration::from_secs(60);

/// The day's marks as last read, for the drain under way.
#[derive(Default)]
pub(super) struct MarksCache {
    days: HashMap<NaiveDate, (Instant, DayMarks)>,
    /// Marks sent during this drain: what the MIS holds for them is read again.
    sent: HashSet<(String, NaiveDate, Session)>,
}

impl MarksCache {
    /// Whether the marks of `date` are here and fresh enough to stand.
    pub(super) fn has(&self, date: NaiveDate) -> bool {
        self.days.get(&date).is_some_and(|(read_at, _)| read_at.elapsed() < MARKS_STAND_FOR)
    }

    pub(super) fn insert(&mut self, date: NaiveDate, marks: DayMarks) {
        self.days.insert(date, (Instant::now(), marks));
        self.sent.retain(|(_, d, _)| *d != date);
    }

    /// What the MIS holds for a pupil's session: `Some(None)` is "no mark", `None` is "not
    /// known here" (the day was not read, or the drain has sent this pupil a mark since).
    pub(super) fn current(
        &self,
        student_id: &str,
        date: NaiveDate,
        session: Session,
    ) -> Option<Option<String>> {
        if self.sent.contains(&(student_id.to_string(), date, session)) {
            return None;
        }
        let (_, marks) = self.days.get(&date)?;
        Some(marks.get(&(student_id.to_string(), session)).cloned())
    }

    pub(super) fn sending(&mut self, student_id: &str, date: NaiveDate, session: Session) {
        self.sent.insert((student_id.to_string(), date, session));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pupil_sent_a_mark_during_the_drain_is_read_again_and_a_new_read_trusts_them_again() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut cache = MarksCache::default();
        assert_eq!(cache.current("A1", day, Session::AM), None, "not read");
        cache.insert(day, [(("A1".to_string(), Session::AM), "M".to_string())].into());
        assert!(cache.has(day));
        assert_eq!(cache.current("A1", day, Session::AM), Some(Some("M".into())));
        assert_eq!(cache.current("A2", day, Session::AM), Some(None), "read: no mark");
        cache.sending("A2", day, Session::AM);
        assert_eq!(cache.current("A2", day, Session::AM), None);
        assert_eq!(cache.current("A2", day, Session::PM), Some(None));
        cache.insert(day, DayMarks::new());
        assert_eq!(cache.current("A2", day, Session::AM), Some(None));
    }
}
