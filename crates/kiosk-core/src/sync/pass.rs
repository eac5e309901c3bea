//! One pass over the queue: expire, decide, read current marks, write a batch, follow it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use chrono::NaiveDate;

use super::marks::MarksCache;
use super::outcome::worth_retrying;
use super::send::Outgoing;
use super::{Engine, PassReport, SyncError};
use crate::rules::{decide, Decision, EventFacts, Mark, MisFacts, ReasonGiven, Subject, Target};
use crate::settings::Settings;
use crate::store::{Attempt, Event, Status};
use kiosk_model::clock::school_date;
use kiosk_model::AttemptOutcome;
use wonde_client::WondeError;

/// The MIS as the rules need it, read once per pass.
struct MisView {
    letters: BTreeSet<String>,
    code_ids: HashMap<String, String>,
    /// Letters the MIS has more than one code for: which one a mark means is not known.
    ambiguous: BTreeSet<String>,
    capability: crate::mis_capabilities::MisCapability,
    allows_writeback: bool,
    has_lesson_attendance: bool,
}

/// Events in one pass from which the day's marks are read in one go (R4.9).
const BULK_READ_FROM: usize = 10;

impl Engine {
    /// One pass over the queue (R4.2-R4.9).
    pub(super) async fn pass(&mut self) -> Result<PassReport, SyncError> {
        let now = self.clock.now();
        let mut report = PassReport::default();
        // A pass that ended early (a store error) may have left sends open: never answer them
        // with another pass's attempts.
        self.sending.clear();
        // Damaged settings are not guessed around: the defaults could write codes and times the
        // school never chose (M12). Recording goes on; writeback waits until staff save them.
        let before = match self.store.settings() {
            Ok(settings) => {
                self.settings_damaged = false;
                settings
            }
            Err(e) => {
                if !self.settings_damaged {
                    tracing::error!(error = %e, "the settings are damaged: writeback waits");
                }
                self.settings_damaged = true;
                self.publish(None, false, false);
                return Ok(report);
            }
        };
        let trust = self.retire(&before, now, &mut report).await?;
        let today = school_date(now, before.time_zone);
        let Some(mis) = self.mis_view()? else {
            // Nothing imported yet: events wait for the roster and the MIS's codes.
            self.publish(None, false, false);
            return Ok(report);
        };

        let mut waiting_students: HashSet<String> = HashSet::new();
        let mut followed: HashMap<String, Vec<Event>> = HashMap::new();
        let mut batches: Vec<Vec<(Event, Mark)>> = Vec::new();
        let queue = self.store.pending_events()?;
        // The settings are read after the queue, so an event recorded after a change of settings
        // (a new late time, present writeback turned on) is decided with that change, never
        // with what the pass happened to read before the event was recorded.
        let settings = self.store.settings_or_default();
        for event in queue {
            let student = event.student_upi.clone().unwrap_or_default();
            // Per student, events are written in the order they happened (R3.10).
            if event.student_upi.is_some() && waiting_students.contains(&student) {
                continue;
            }
            // An event's session and code, and whether its day is over, come from the clock; one
            // recorded on a wrong clock waits for staff to confirm its time.
            if event.clock_off_minutes.is_some()
                || event.next_attempt_at.is_some_and(|t| t > now)
                || !trust.decides(event.school_date, today)
            {
                waiting_students.insert(student);
                continue;
            }
            if let Some(id) = &event.writeback_id {
                followed.entry(id.clone()).or_default().push(event);
                waiting_students.insert(student);
                continue;
            }
            match decide(&facts(&event), &settings, &mis.facts(None), now) {
                Decision::Write(mark) => {
                    waiting_students.insert(student);
                    self.add_to_batches(&mut batches, event, mark);
                }
                other => report.finished += usize::from(self.finish_decided(&event, other, now)?),
            }
        }

        for (writeback_id, events) in followed {
            report.finished += self.follow(&writeback_id, events, &mut report).await?;
        }
        if batches.is_empty() {
            // The drain is over: the next one reads the day afresh.
            self.marks = MarksCache::default();
        }
        if !batches.is_empty() && !report.stopped() {
            let bulk = match self.bulk_marks(&batches).await {
                Ok(current) => current,
                Err(e) if e.is_auth() => {
                    tracing::warn!(error = %e.for_log(), "Wonde refused the token: the queue waits");
                    report.token_refused = true;
                    self.publish(Some(true), false, true);
                    return Ok(report);
                }
                Err(e) => {
                    // Wonde is unreachable or struggling: wait for the next probe rather than
                    // trying each event on its own.
                    tracing::warn!(error = %e.for_log(), "could not read the day's marks");
                    report.offline = true;
                    self.publish(Some(false), false, false);
                    return Ok(report);
                }
            };
            let mut accepted = Vec::new();
            for batch in batches {
                if report.stopped() {
                    break;
                }
                accepted.extend(self.write_batch(batch, &settings, &mis, bulk, &mut report).await?);
            }
            // All batches are sent before any is followed: Wonde works on them side by side.
            for (writeback_id, events) in accepted {
                report.finished += self.follow(&writeback_id, events, &mut report).await?;
            }
        }
        let online = if report.offline {
            Some(false)
        } else if report.sent > 0 {
            Some(true)
        } else {
            None
        };
        self.publish(online, report.sent > 0, report.token_refused);
        Ok(report)
    }

    fn mis_view(&self) -> Result<Option<MisView>, SyncError> {
        let Some(school) = self.store.school()? else { return Ok(None) };
        let codes = self.store.attendance_codes()?;
        if codes.is_empty() {
            return Ok(None);
        }
        let mut code_ids = HashMap::new();
        let mut ambiguous = BTreeSet::new();
        for code in &codes {
            if code_ids.insert(code.code.clone(), code.wonde_id.clone()).is_some() {
                ambiguous.insert(code.code.clone());
            }
        }
        Ok(Some(MisView {
            letters: codes.iter().map(|c| c.code.clone()).collect(),
            code_ids,
            ambiguous,
            capability: self.capabilities.lookup(&school.mis),
            allows_writeback: school.allows_writeback,
            has_lesson_attendance: school.has_lesson_attendance,
        }))
    }

    /// Puts an event to write in a batch: up to `batch_size` records, at most
    /// `batches_per_pass` batches; an event a batch refused as a whole goes alone.
    fn add_to_batches(&self, batches: &mut Vec<Vec<(Event, Mark)>>, event: Event, mark: Mark) {
        let solo = self.solo.contains(&event.id);
        let fits = batches.last().is_some_and(|b| {
            !solo
                && b.len() < self.config.batch_size
                && !b.first().is_some_and(|(e, _)| self.solo.contains(&e.id))
        });
        if fits {
            batches.last_mut().expect("a last batch").push((event, mark));
        } else if batches.len() < self.config.batches_per_pass {
            batches.push(vec![(event, mark)]);
        }
    }

    /// For a backlog, the MIS's marks of the day in one paged read per drain instead of one
    /// request per event (kept in `self.marks`). `false` (a few events, or Wonde refused the
    /// read) means each event reads its own; a transient failure or a refused token is
    /// returned, to wait rather than hammer Wonde.
    async fn bulk_marks(&mut self, batches: &[Vec<(Event, Mark)>]) -> Result<bool, WondeError> {
        let events: usize = batches.iter().map(Vec::len).sum();
        if events < BULK_READ_FROM {
            return Ok(false);
        }
        let dates: BTreeSet<NaiveDate> =
            batches.iter().flatten().map(|(_, m)| m.date).filter(|d| !self.marks.has(*d)).collect();
        for date in dates {
            match self.client.session_marks_on(date).await {
                Ok(day) => self.marks.insert(date, day),
                Err(e) if worth_retrying(&e) || e.is_auth() => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e.for_log(), "could not read the day's marks in one go; reading them one by one");
                    return Ok(false);
                }
            };
        }
        Ok(true)
    }

    /// A read before the write failed: the event waits for a later pass. Returns whether the
    /// network has gone or the token was refused, when the rest of the batch waits too.
    fn read_failed(
        &mut self,
        event: &Event,
        mark: &Mark,
        sent: &str,
        e: &WondeError,
        report: &mut PassReport,
    ) -> Result<bool, SyncError> {
        self.failed_attempt(
            event,
            Some(mark),
            sent,
            e,
            Instant::now(),
            AttemptOutcome::WillRetry,
            report,
        )?;
        Ok(report.stopped())
    }

    /// Reads current marks, re-decides with them (R3.4), then writes what is left. Returns the
    /// writeback Wonde accepted, to follow.
    async fn write_batch(
        &mut self,
        batch: Vec<(Event, Mark)>,
        settings: &Settings,
        mis: &MisView,
        bulk: bool,
        report: &mut PassReport,
    ) -> Result<Vec<(String, Vec<Event>)>, SyncError> {
        let now = self.clock.now();
        let mut outgoing = Vec::new();
        for (event, mark) in batch {
            let Some(student) =
                event.student_upi.as_deref().map(|u| self.store.student(u)).transpose()?.flatten()
            else {
                self.finish(
                    &event,
                    Status::Failed,
                    Some("The student is no longer in the roster.".into()),
                    Some(&mark),
                    now,
                )?;
                continue;
            };
            let known = if bulk {
                self.marks.current(&student.wonde_id, mark.date, mark.session)
            } else {
                None
            };
            let read = match known {
                Some(current) => Ok(current),
                None => self.client.session_mark(&student.wonde_id, mark.date, mark.session).await,
            };
            let current = match read {
                Ok(current) => current,
                Err(e) => {
                    let sent = current_mark_request(&mark, &student.wonde_id);
                    if self.read_failed(&event, &mark, &sent, &e, report)? {
                        return Ok(Vec::new());
                    }
                    continue;
                }
            };
            let unanswered = self.sent_unanswered(&event)?;
            // The earlier send reached the MIS after all: writing again would write the mark
            // twice (WONDE.md: never blind-retry). This comes before the protected codes: the
            // mark the MIS holds is the kiosk's own, and a present `/` is itself protected.
            if mark.target == Target::Session
                && current.as_deref() == Some(mark.code.as_str())
                && unanswered.is_some()
            {
                let attempt = Attempt {
                    started_at: now,
                    duration_ms: 0,
                    sent: current_mark_request(&mark, &student.wonde_id),
                    http_status: None,
                    mis_message: None,
                    outcome: AttemptOutcome::AlreadyHeld,
                    detail: Some(mark.code.clone()),
                };
                self.store.add_attempt(event.id, &attempt)?;
                report.finished +=
                    usize::from(self.finish(&event, Status::Successful, None, Some(&mark), now)?);
                continue;
            }
            // Not there yet after a send whose answer was lost: Wonde may still be applying it
            // (M11). The event waits for the MIS to settle before the mark's absence is believed.
            let settle =
                chrono::Duration::from_std(self.config.unanswered_settle).unwrap_or_default();
            if let Some(settled_at) = unanswered.map(|at| at + settle).filter(|at| *at > now) {
                self.store.defer_event(event.id, settled_at, None, None, None, now)?;
                continue;
            }
            // A fresh "now": the read may have waited across midnight (R4.4).
            let mark = match decide(
                &facts(&event),
                settings,
                &mis.facts(current.as_deref()),
                self.clock.now(),
            ) {
                Decision::Write(mark) => mark,
                other => {
                    report.finished += usize::from(self.finish_decided(&event, other, now)?);
                    continue;
                }
            };
            // An earlier event sent again (a staff retry) never writes over what a later one
            // of the same pupil already put in the MIS for this session (M7).
            if let Some(later) = self.store.written_later(&event, &mark.session.to_string())? {
                let cause = format!(
                    "Not written: a later event of this pupil (event {later}) has already set the {} mark.",
                    mark.session
                );
                report.finished += usize::from(self.finish(
                    &event,
                    Status::NotRequired,
                    Some(cause),
                    None,
                    now,
                )?);
                continue;
            }
            let lesson_id = if mark.target == Target::FirstLesson {
                let pm_start = settings
                    .rules_for(student.year.as_deref(), student.registration_group.as_deref())
                    .pm_start;
                match self
                    .client
                    .first_lesson(&student.wonde_id, mark.date, mark.session, pm_start)
                    .await
                {
                    Ok(Some(lesson)) => Some(lesson),
                    Ok(None) => {
                        let cause = format!(
                            "The MIS has no lesson for this student in the {} session.",
                            mark.session
                        );
                        self.finish(&event, Status::Failed, Some(cause), Some(&mark), now)?;
                        report.finished += 1;
                        continue;
                    }
                    Err(e) => {
                        let sent = format!(
                            "GET first lesson of student {} on {} {}",
                            student.wonde_id, mark.date, mark.session
                        );
                        if self.read_failed(&event, &mark, &sent, &e, report)? {
                            return Ok(Vec::new());
                        }
                        continue;
                    }
                }
            } else {
                None
            };
            let code_id = mis.code_ids[&mark.code].clone();
            self.marks.sending(&student.wonde_id, mark.date, mark.session);
            outgoing.push(Outgoing {
                event,
                mark,
                student_id: student.wonde_id,
                code_id,
                lesson_id,
            });
        }
        let (lessons, sessions): (Vec<_>, Vec<_>) =
            outgoing.into_iter().partition(|o| o.lesson_id.is_some());
        let mut accepted = Vec::new();
        for group in [sessions, lessons] {
            if !group.is_empty() && !report.stopped() {
                accepted.extend(self.send(group, report).await?);
            }
        }
        Ok(accepted)
    }
}

impl MisView {
    fn facts<'a>(&'a self, current_mark: Option<&'a str>) -> MisFacts<'a> {
        MisFacts {
            codes: &self.letters,
            ambiguous: &self.ambiguous,
            capability: &self.capability,
            allows_writeback: self.allows_writeback,
            has_lesson_attendance: self.has_lesson_attendance,
            current_mark,
        }
    }
}

/// The rules' view of a stored event: its own time, the year and registration group it was
/// recorded with, the reason as given.
fn facts(event: &Event) -> EventFacts<'_> {
    EventFacts {
        kind: event.kind,
        occurred_at: event.occurred_at,
        subject: match event.student_upi {
            Some(_) => Subject::Student {
                year: event.year.as_deref(),
                registration_group: event.registration_group.as_deref(),
            },
            None => Subject::TypedName,
        },
        reason: match (&event.reason, event.reason_typed) {
            (None, _) => ReasonGiven::None,
            (Some(text), true) => ReasonGiven::FreeText(text),
            (Some(text), false) => ReasonGiven::Listed(text),
        },
    }
}

/// The read of the mark the MIS holds, as the Writeback tab shows it.
fn current_mark_request(mark: &Mark, student_id: &str) -> String {
    format!("GET current {} mark of student {} on {}", mark.session, student_id, mark.date)
}
