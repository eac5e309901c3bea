//! What becomes of an event once Wonde has answered: an accepted writeback followed to its
//! outcome, a transient failure retried with backoff, a refusal or decision made final (R4.5-R4.8).

use std::time::Instant;

use chrono::{DateTime, Utc};

use super::read_back::{ReadBack, READ_BACK_AFTER};
use super::{backoff, Engine, EventChange, PassReport, SyncError};
use crate::rules::{Decision, Mark};
use crate::store::{Attempt, Event, EventUpdate, Outcome, Status};
use kiosk_model::AttemptOutcome;
use wonde_client::{RowOutcome, WondeError, WritebackStatus};

impl Engine {
    /// Follows an accepted writeback to its outcome (Wonde applies writes asynchronously: an
    /// HTTP 200 is "accepted", not "written"). Returns how many events it finished.
    ///
    /// `events` are every event that carries this writeback id, followed together. A row of the
    /// answer is matched to its event by student (one event per student per batch), else by its
    /// index in the records as sent; an answer that names neither leaves the outcome unknown
    /// unless it lists every record (R4.10).
    pub(super) async fn follow(
        &mut self,
        writeback_id: &str,
        mut events: Vec<Event>,
        report: &mut PassReport,
    ) -> Result<usize, SyncError> {
        events.sort_by_key(|e| (e.occurred_at, e.id));
        let started = Instant::now();
        let mut wait = self.config.status_poll_interval;
        loop {
            let now = self.clock.now();
            let status = self.client.writeback_status(writeback_id).await;
            // Not done yet, or not known yet (a new writeback may be unknown to the status
            // endpoint for a while, a status word may be new): ask again, politely, each wait
            // twice the last.
            let not_yet = matches!(
                &status,
                Ok(WritebackStatus::Pending)
                    | Err(WondeError::Permanent { http_status: 404, .. })
                    | Err(WondeError::Malformed { .. })
            );
            if not_yet && started.elapsed() + wait <= self.config.status_poll_limit {
                tokio::time::sleep(wait).await;
                wait *= 2;
                continue;
            }
            match status {
                Ok(WritebackStatus::Pending) => {
                    let later = now
                        + chrono::Duration::from_std(self.config.probe_interval)
                            .unwrap_or_default();
                    for e in &events {
                        self.store.defer_event(e.id, later, None, None, Some(writeback_id), now)?;
                    }
                    return Ok(0);
                }
                Ok(WritebackStatus::Done { rows }) => {
                    let Some(matched) = self.match_rows(&events, &rows)? else {
                        let e = WondeError::Malformed {
                            excerpt: "the writeback's results name no student or record, and \
                                      do not list every record"
                                .into(),
                        };
                        return self
                            .status_unknown(writeback_id, &events, &e, started, report)
                            .await;
                    };
                    let outcomes = events
                        .iter()
                        .zip(matched)
                        .map(|(event, row)| match row {
                            Some(r) if !r.ok => (
                                event,
                                Status::Failed,
                                Some(mis_refusal(r.message.as_deref())),
                                r.message.clone(),
                            ),
                            _ => (
                                event,
                                Status::Successful,
                                None,
                                row.and_then(|r| r.message.clone()),
                            ),
                        })
                        .collect();
                    return self.finish_followed(writeback_id, outcomes, started, now);
                }
                Ok(WritebackStatus::Failed { message }) => {
                    let cause = mis_refusal(Some(&message));
                    let outcomes = events
                        .iter()
                        .map(|e| (e, Status::Failed, Some(cause.clone()), Some(message.clone())))
                        .collect();
                    return self.finish_followed(writeback_id, outcomes, started, now);
                }
                // A writeback Wonde does not know (yet), a status that cannot be read or is not
                // one we know: the marks may be in the MIS. Keep the id and ask again later;
                // never send again on a guess (R4.10).
                Err(e) => {
                    return self.status_unknown(writeback_id, &events, &e, started, report).await
                }
            }
        }
    }

    /// For each event, in order, the row of a finished writeback's results about it, if any.
    /// `None` when the rows cannot be told apart: they name no student and no index, and are
    /// not one row per record.
    fn match_rows<'r>(
        &self,
        events: &[Event],
        rows: &'r [RowOutcome],
    ) -> Result<Option<Vec<Option<&'r RowOutcome>>>, SyncError> {
        let anonymous = rows.iter().any(|r| r.student_id.is_none() && r.index.is_none());
        if anonymous && rows.len() != events.len() {
            return Ok(None);
        }
        let mut matched = Vec::with_capacity(events.len());
        for (position, event) in events.iter().enumerate() {
            let student = match &event.student_upi {
                Some(upi) => self.store.student(upi)?.map(|s| s.wonde_id),
                None => None,
            };
            let row = rows
                .iter()
                .find(|r| r.student_id.is_some() && r.student_id == student)
                .or_else(|| {
                    rows.iter().find(|r| r.student_id.is_none() && r.index == Some(position))
                })
                .or_else(|| anonymous.then(|| &rows[position]));
            matched.push(row);
        }
        Ok(Some(matched))
    }

    /// The outcome of a writeback is unknown: each event keeps the writeback id and waits,
    /// longer each time; after `READ_BACK_AFTER` such waits its mark is read back instead.
    async fn status_unknown(
        &mut self,
        writeback_id: &str,
        events: &[Event],
        e: &WondeError,
        started: Instant,
        report: &mut PassReport,
    ) -> Result<usize, SyncError> {
        let now = self.clock.now();
        let sent = format!("GET writeback {writeback_id}");
        let offline = e.http_status().is_none() && e.is_transient();
        let mut finished = 0;
        for event in events {
            self.record_attempt(event, &sent, e, started, AttemptOutcome::StatusUnread)?;
            let unread = self.failures.get(&event.id).copied().unwrap_or_default() + 1;
            if unread >= READ_BACK_AFTER && !offline && !e.is_auth() {
                match self.read_back(event).await? {
                    ReadBack::Held => {
                        finished += 1;
                        continue;
                    }
                    ReadBack::NotHeld => continue,
                    ReadBack::Unknown => {}
                }
            }
            let later = self.backoff_until(event.id, e, now);
            self.store.defer_event(event.id, later, None, None, Some(writeback_id), now)?;
        }
        report.offline |= offline;
        report.token_refused |= e.is_auth();
        Ok(finished)
    }

    /// Records how a followed writeback ended for each of its events, in one transaction.
    fn finish_followed(
        &self,
        writeback_id: &str,
        outcomes: Vec<(&Event, Status, Option<String>, Option<String>)>,
        started: Instant,
        now: DateTime<Utc>,
    ) -> Result<usize, SyncError> {
        let mut updates = Vec::with_capacity(outcomes.len() * 2);
        for (event, status, cause, mis_message) in &outcomes {
            let outcome = if *status == Status::Successful {
                AttemptOutcome::Written
            } else {
                AttemptOutcome::Refused
            };
            let attempt = Attempt {
                started_at: now,
                duration_ms: started.elapsed().as_millis() as i64,
                sent: format!("GET writeback {writeback_id}"),
                http_status: Some(200),
                mis_message: mis_message.clone(),
                outcome,
                detail: None,
            };
            updates.push(EventUpdate::Attempt(event.id, attempt));
            updates.push(EventUpdate::Finish(
                event.id,
                Outcome { status: *status, cause: cause.clone(), session: None, code: None },
            ));
        }
        let applied = self.store.update_events(updates, now)?;
        let mut finished = 0;
        for ((event, status, ..), changed) in
            outcomes.iter().zip(applied.chunks(2).map(|pair| pair[1]))
        {
            if changed {
                self.announce(event.id, *status);
                finished += 1;
            }
        }
        Ok(finished)
    }

    fn announce(&self, id: i64, status: Status) {
        tracing::info!(event = id, status = status.as_str(), "event finished");
        let _ = self.changes.send(EventChange { id, status });
    }

    /// Keeps the attempt (with `retry_note` as its outcome when it will be retried), then
    /// retries later (R4.6), holds the queue while the token is refused, or fails the event.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn failed_attempt(
        &mut self,
        event: &Event,
        mark: Option<&Mark>,
        sent: &str,
        error: &WondeError,
        started: Instant,
        retry_note: AttemptOutcome,
        report: &mut PassReport,
    ) -> Result<(), SyncError> {
        let now = self.clock.now();
        if error.is_auth() {
            // Every request would be refused the same way: the queue waits for staff to fix
            // the connection, and carries on by itself once a probe is accepted (R4.6).
            self.record_attempt(event, sent, error, started, AttemptOutcome::TokenRefused)?;
            report.token_refused = true;
            return Ok(());
        }
        if worth_retrying(error) {
            self.record_attempt(event, sent, error, started, retry_note)?;
            if error.is_transient() && error.http_status().is_none() {
                // No answer at all: the network is down. Probing resumes the queue; the event's
                // own backoff is not raised for the network's absence.
                report.offline = true;
                return Ok(());
            }
            let later = self.backoff_until(event.id, error, now);
            let session = mark.map(|m| m.session.to_string());
            self.store.defer_event(
                event.id,
                later,
                session.as_deref(),
                mark.map(|m| m.code.as_str()),
                None,
                now,
            )?;
        } else {
            self.record_attempt(event, sent, error, started, AttemptOutcome::Refused)?;
            let cause = mis_refusal(Some(&error.to_string()));
            self.finish(event, Status::Failed, Some(cause), mark, now)?;
            report.finished += 1;
        }
        Ok(())
    }

    /// When the latest send of this event that went unanswered was given up on, if one did:
    /// the MIS may hold its mark, or still be applying it. An event about to be written holds
    /// no writeback id, so a send Wonde accepted before was given up on too (its mark read
    /// back not held, or refused).
    pub(super) fn sent_unanswered(
        &self,
        event: &Event,
    ) -> Result<Option<DateTime<Utc>>, SyncError> {
        Ok(self
            .store
            .attempts(event.id)?
            .iter()
            .rev()
            .find(|a| {
                matches!(
                    a.outcome,
                    AttemptOutcome::AnswerLost | AttemptOutcome::Sending | AttemptOutcome::Accepted
                )
            })
            .map(|a| a.started_at))
    }

    /// When an event may be tried again after one more transient failure (R4.6).
    fn backoff_until(
        &mut self,
        event_id: i64,
        error: &WondeError,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let failures = self.failures.entry(event_id).or_default();
        *failures += 1;
        let wait = backoff::delay(
            *failures,
            self.config.base_backoff,
            self.config.max_backoff,
            error.retry_after(),
        );
        now + chrono::Duration::from_std(wait).unwrap_or_default()
    }

    /// Keeps a failed try in the event's Writeback tab: in place of the send's intent when it
    /// is the answer to a send.
    pub(super) fn record_attempt(
        &mut self,
        event: &Event,
        sent: &str,
        error: &WondeError,
        started: Instant,
        outcome: AttemptOutcome,
    ) -> Result<(), SyncError> {
        let now = self.clock.now();
        let attempt = Attempt {
            started_at: now,
            duration_ms: started.elapsed().as_millis() as i64,
            sent: sent.to_string(),
            http_status: error.http_status(),
            mis_message: Some(error.to_string()),
            outcome,
            detail: None,
        };
        let update = if self.sending.remove(&event.id) {
            EventUpdate::Answer(event.id, attempt)
        } else {
            EventUpdate::Attempt(event.id, attempt)
        };
        self.store.update_events(vec![update], now)?;
        Ok(())
    }

    /// Records a decision that needs no writing. Returns whether the event was finished.
    pub(super) fn finish_decided(
        &self,
        event: &Event,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> Result<bool, SyncError> {
        let (status, cause) = match decision {
            Decision::Expired => {
                (Status::Expired, "Not written back by midnight of its school day.".to_string())
            }
            Decision::NotRequired(cause) => (Status::NotRequired, cause.to_string()),
            Decision::Failed(cause) => (Status::Failed, cause.to_string()),
            Decision::Write(_) => unreachable!("writes are sent, not finished here"),
        };
        self.finish(event, status, Some(cause), None, now)
    }

    pub(super) fn finish(
        &self,
        event: &Event,
        status: Status,
        cause: Option<String>,
        mark: Option<&Mark>,
        now: DateTime<Utc>,
    ) -> Result<bool, SyncError> {
        let outcome = Outcome {
            status,
            cause,
            session: mark.map(|m| m.session.to_string()),
            code: mark.map(|m| m.code.clone()),
        };
        let changed = self.store.finish_event(event.id, &outcome, now)?;
        if changed {
            self.announce(event.id, status);
        }
        Ok(changed)
    }
}

/// Worth trying again later (R4.6): Wonde unreachable or struggling, or an answer that could not
/// be read (a gateway's error page in place of Wonde's JSON), which the next try may well get.
pub(super) fn worth_retrying(error: &WondeError) -> bool {
    error.is_transient() || matches!(error, WondeError::Malformed { .. })
}

fn mis_refusal(message: Option<&str>) -> String {
    match message {
        Some(m) if !m.trim().is_empty() => format!("The MIS refused the mark: {m}"),
        _ => "The MIS refused the mark without saying why.".into(),
    }
}
