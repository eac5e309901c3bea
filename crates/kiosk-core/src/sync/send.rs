//! Sending one writeback request and recording what came back, event by event.

use std::time::Instant;

use super::outcome::worth_retrying;
use super::{Engine, PassReport, SyncError};
use crate::rules::{Decision, Mark};
use crate::store::{Attempt, Event, EventUpdate};
use kiosk_model::clock::school_date;
use kiosk_model::AttemptOutcome;
use wonde_client::{LessonRecord, SessionRecord};

/// An event on its way to Wonde.
pub(super) struct Outgoing {
    pub(super) event: Event,
    pub(super) mark: Mark,
    pub(super) student_id: String,
    pub(super) code_id: String,
    pub(super) lesson_id: Option<String>,
}

impl Engine {
    /// Sends one writeback request; returns the accepted writeback and its events, to follow.
    pub(super) async fn send(
        &mut self,
        group: Vec<Outgoing>,
        report: &mut PassReport,
    ) -> Result<Option<(String, Vec<Event>)>, SyncError> {
        // The last moment to notice that the school day ended while this pass was under way:
        // an event of an earlier day is never sent (R4.4).
        let now = self.clock.now();
        let today = school_date(now, self.store.settings_or_default().time_zone);
        let (group, late): (Vec<Outgoing>, Vec<Outgoing>) =
            group.into_iter().partition(|o| o.mark.date >= today);
        for o in &late {
            report.finished +=
                usize::from(self.finish_decided(&o.event, Decision::Expired, now)?);
        }
        if group.is_empty() {
            return Ok(None);
        }
        // The event's session and code came from the clock: a mark is written only on a clock
        // Wonde has just confirmed (R6.5). Meanwhile the events wait, recorded as they were.
        if !self.clock_trust(now)?.may_write() {
            let later =
                now + chrono::Duration::from_std(self.config.probe_interval).unwrap_or_default();
            for o in &group {
                self.store.defer_event(o.event.id, later, None, None, None, now)?;
            }
            report.clock_wrong = true;
            return Ok(None);
        }
        // Nothing is sent whose outcome cannot be kept (M2): the intent is committed first, so
        // a send whose answer is never recorded is still known to have gone, and the MIS is
        // read before anything is sent again. No intent, no request.
        let intents = group
            .iter()
            .map(|o| {
                EventUpdate::Attempt(
                    o.event.id,
                    Attempt {
                        started_at: now,
                        duration_ms: 0,
                        sent: record_summary(o),
                        http_status: None,
                        mis_message: None,
                        outcome: AttemptOutcome::Sending,
                        detail: None,
                    },
                )
            })
            .collect();
        self.store.update_events(intents, now)?;
        self.sending.extend(group.iter().map(|o| o.event.id));
        let started = Instant::now();
        let lesson = group[0].lesson_id.is_some();
        let result = if lesson {
            let records: Vec<LessonRecord> = group
                .iter()
                .map(|o| LessonRecord {
                    lesson_id: o.lesson_id.clone().unwrap_or_default(),
                    student_id: o.student_id.clone(),
                    attendance_code_id: o.code_id.clone(),
                    comment: o.mark.comment.clone(),
                    minutes_late: o.mark.minutes_late,
                })
                .collect();
            self.client.write_lesson_marks(&records).await
        } else {
            let records: Vec<SessionRecord> = group
                .iter()
                .map(|o| SessionRecord {
                    student_id: o.student_id.clone(),
                    date: o.mark.date,
                    session: o.mark.session,
                    attendance_code_id: o.code_id.clone(),
                    comment: o.mark.comment.clone(),
                    minutes_late: o.mark.minutes_late,
                })
                .collect();
            self.client.write_session_marks(&records).await
        };
        report.sent += group.len();
        let now = self.clock.now();
        match result {
            Ok(accepted) => {
                let mut updates = Vec::with_capacity(group.len() * 2);
                for o in &group {
                    let attempt = Attempt {
                        started_at: now,
                        duration_ms: started.elapsed().as_millis() as i64,
                        sent: record_summary(o),
                        http_status: Some(accepted.http_status),
                        mis_message: None,
                        outcome: AttemptOutcome::Accepted,
                        detail: Some(accepted.writeback_id.clone()),
                    };
                    updates.push(EventUpdate::Answer(o.event.id, attempt));
                    updates.push(EventUpdate::Defer {
                        id: o.event.id,
                        next_attempt_at: now,
                        session: Some(o.mark.session.to_string()),
                        code: Some(o.mark.code.clone()),
                        writeback_id: Some(accepted.writeback_id.clone()),
                    });
                    self.failures.remove(&o.event.id);
                    self.solo.remove(&o.event.id);
                    self.sending.remove(&o.event.id);
                }
                self.store.update_events(updates, now)?;
                let events = group.into_iter().map(|o| o.event).collect();
                return Ok(Some((accepted.writeback_id, events)));
            }
            Err(e) if !worth_retrying(&e) && !e.is_auth() && group.len() > 1 => {
                // A batch refused as a whole: find the record at fault by sending them singly.
                for o in &group {
                    self.record_attempt(
                        &o.event,
                        &record_summary(o),
                        &e,
                        started,
                        AttemptOutcome::BatchRefused,
                    )?;
                    self.solo.insert(o.event.id);
                }
            }
            Err(e) => {
                // No readable answer (dropped, timed out, garbled): the MIS may hold the marks.
                let note = if e.http_status().is_none() {
                    AttemptOutcome::AnswerLost
                } else {
                    AttemptOutcome::WillRetry
                };
                for o in &group {
                    self.failed_attempt(
                        &o.event,
                        Some(&o.mark),
                        &record_summary(o),
                        &e,
                        started,
                        note,
                        report,
                    )?;
                }
            }
        }
        Ok(None)
    }
}

/// What was sent for one event, for its Writeback tab: ids and the mark, no names, no token.
fn record_summary(o: &Outgoing) -> String {
    let m = &o.mark;
    let mut text = match &o.lesson_id {
        Some(lesson) => format!(
            "POST attendance/lesson: lesson {lesson}, student {}, code {} ({})",
            o.student_id, m.code, o.code_id
        ),
        None => format!(
            "POST attendance/session: student {}, {} {}, code {} ({})",
            o.student_id, m.date, m.session, m.code, o.code_id
        ),
    };
    if let Some(minutes) = m.minutes_late {
        text.push_str(&format!(", {minutes} minutes late"));
    }
    if let Some(comment) = &m.comment {
        text.push_str(&format!(", comment \"{comment}\""));
    }
    text
}
