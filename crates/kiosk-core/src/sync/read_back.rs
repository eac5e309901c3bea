//! When a writeback's outcome cannot be read time after time (a status word no one told us of,
//! a writeback Wonde keeps not knowing), the engine stops asking and reads the mark back from
//! the MIS instead (R4.10): held is written; not held, once the MIS has had time to apply the
//! write, is sent again; unreadable waits on.

use std::time::Instant;

use super::{Engine, SyncError};
use crate::rules::Session;
use crate::store::{Attempt, Event, Status};
use kiosk_model::AttemptOutcome;

/// Unread outcomes of one event before its mark is read back instead.
pub(super) const READ_BACK_AFTER: u32 = 3;

/// What reading the mark back found.
pub(super) enum ReadBack {
    /// The MIS holds the event's mark: the event is Successful.
    Held,
    /// The MIS does not hold it: the writeback is given up and the mark sent again.
    NotHeld,
    /// It could not be told (a lesson mark, a read that failed): keep waiting.
    Unknown,
}

impl Engine {
    pub(super) async fn read_back(&mut self, event: &Event) -> Result<ReadBack, SyncError> {
        let session = match event.session.as_deref() {
            Some("AM") => Session::AM,
            Some("PM") => Session::PM,
            _ => return Ok(ReadBack::Unknown),
        };
        let (Some(upi), Some(code)) = (&event.student_upi, event.code.as_deref()) else {
            return Ok(ReadBack::Unknown);
        };
        // A lesson mark cannot be read back this way.
        let lesson_marks = self
            .store
            .school()?
            .is_some_and(|s| self.capabilities.lookup(&s.mis).first_lesson_instead_of_session);
        let Some(student) = self.store.student(upi)?.filter(|_| !lesson_marks) else {
            return Ok(ReadBack::Unknown);
        };
        let started = Instant::now();
        let held = match self
            .client
            .session_mark(&student.wonde_id, event.school_date, session)
            .await
        {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(event = event.id, error = %e.for_log(), "could not read a mark back");
                return Ok(ReadBack::Unknown);
            }
        };
        let now = self.clock.now();
        let read_back = held.as_deref() == Some(code);
        // Wonde applies a write a while after it accepted it (M11): until `unanswered_settle`
        // has passed since then, a mark the MIS does not hold yet is no reason to send again.
        let settle = chrono::Duration::from_std(self.config.unanswered_settle).unwrap_or_default();
        let accepted_at = self
            .store
            .attempts(event.id)?
            .into_iter()
            .rev()
            .find(|a| a.outcome == AttemptOutcome::Accepted)
            .map(|a| a.started_at);
        if !read_back && accepted_at.is_some_and(|at| now < at + settle) {
            tracing::debug!(event = event.id, "not in the MIS yet, so soon after it was accepted");
            return Ok(ReadBack::Unknown);
        }
        let attempt = Attempt {
            started_at: now,
            duration_ms: started.elapsed().as_millis() as i64,
            sent: format!(
                "GET current {session} mark of student {} on {}",
                student.wonde_id, event.school_date
            ),
            http_status: Some(200),
            mis_message: (!read_back).then(|| {
                format!(
                    "The MIS holds {}: the mark is sent again.",
                    held.as_deref().unwrap_or("no mark")
                )
            }),
            outcome: if read_back { AttemptOutcome::ReadBack } else { AttemptOutcome::WillRetry },
            detail: read_back.then(|| code.to_string()),
        };
        self.store.add_attempt(event.id, &attempt)?;
        self.failures.remove(&event.id);
        if read_back {
            self.finish(event, Status::Successful, None, None, now)?;
            Ok(ReadBack::Held)
        } else {
            // No writeback id: the next pass decides again with the mark the MIS holds.
            self.store.defer_event(event.id, now, None, None, None, now)?;
            Ok(ReadBack::NotHeld)
        }
    }
}
