//! The events queue and writeback log: recorded sign-ins and sign-outs, their status and every
//! writeback attempt (R4.1, R4.5, R4.7).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{text_column, Attempt, Result, Store, StoreError};
use kiosk_model::{EventKind, Status};

/// An event about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: EventKind,
    /// The roster record, or `None` for a typed name (R2.3).
    pub student_upi: Option<String>,
    pub person_name: String,
    pub year: Option<String>,
    pub registration_group: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub school_date: NaiveDate,
    pub reason: Option<String>,
    /// The reason was typed, not picked from the list (R2.4).
    pub reason_typed: bool,
    /// The collecting adult's name as they typed it (early sign-out only).
    pub collected_by: Option<String>,
    /// The child's contact that name matched (R10.1); `None`: nobody the kiosk knows.
    pub collector_contact: Option<String>,
}

/// A recorded event with its writeback state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub student_upi: Option<String>,
    pub person_name: String,
    pub year: Option<String>,
    pub registration_group: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub school_date: NaiveDate,
    pub reason: Option<String>,
    pub reason_typed: bool,
    pub collected_by: Option<String>,
    pub status: Status,
    /// Why the event is Not Required, Failed or Expired, in plain words.
    pub cause: Option<String>,
    pub session: Option<String>,
    pub code: Option<String>,
    pub writeback_id: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    /// The contact the collector's typed name matched; `None` with a collector: flagged for the
    /// office (R10.1).
    pub collector_contact: Option<String>,
    /// Recorded while the tablet's clock was wrong by this many minutes (ahead positive): held,
    /// nothing written, until staff confirm its time (R6.5).
    pub clock_off_minutes: Option<i64>,
}

impl Event {
    /// An early sign-out whose collecting adult matched none of the child's contacts who may
    /// collect: the office checks who it was.
    pub fn collector_unknown(&self) -> bool {
        self.collected_by.is_some() && self.collector_contact.is_none()
    }
}

/// Which events a log view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// The school day, or with `until` the first day of a range.
    pub date: Option<NaiveDate>,
    /// The last day of a range that starts at `date`.
    pub until: Option<NaiveDate>,
    pub status: Option<Status>,
    pub kind: Option<EventKind>,
    /// Matched against the person, reason and collector.
    pub text: Option<String>,
}

/// One change the sync engine makes to an event (see [`Store::update_events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventUpdate {
    Attempt(i64, Attempt),
    /// The answer to the event's latest `Sending` attempt, in its place (a new attempt when
    /// there is none).
    Answer(i64, Attempt),
    /// Still pending until `next_attempt_at`; session, code and writeback id as known so far.
    Defer {
        id: i64,
        next_attempt_at: DateTime<Utc>,
        session: Option<String>,
        code: Option<String>,
        writeback_id: Option<String>,
    },
    Finish(i64, Outcome),
}

/// A final status with its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub cause: Option<String>,
    pub session: Option<String>,
    pub code: Option<String>,
}

pub(super) const EVENT_COLUMNS: &str = "id, kind, student_upi, person_name, year, registration_group, occurred_at, school_date, \
     reason, reason_typed, collected_by, status, cause, session, code, writeback_id, next_attempt_at, recorded_at, collector_contact, clock_off_minutes";

pub(super) fn event_from_row(r: &Row) -> rusqlite::Result<Event> {
    Ok(Event {
        id: r.get(0)?,
        kind: text_column(r, 1)?,
        student_upi: r.get(2)?,
        person_name: r.get(3)?,
        year: r.get(4)?,
        registration_group: r.get(5)?,
        occurred_at: r.get(6)?,
        school_date: r.get(7)?,
        reason: r.get(8)?,
        reason_typed: r.get(9)?,
        collected_by: r.get(10)?,
        status: text_column(r, 11)?,
        cause: r.get(12)?,
        session: r.get(13)?,
        code: r.get(14)?,
        writeback_id: r.get(15)?,
        next_attempt_at: r.get(16)?,
        recorded_at: r.get(17)?,
        collector_contact: r.get(18)?,
        clock_off_minutes: r.get(19)?,
    })
}

impl Store {
    /// Records an event in one transaction, returning only after it is committed to disk (R4.1).
    pub fn record_event(&self, event: &NewEvent, now: DateTime<Utc>) -> Result<Event> {
        let result = self.insert_event(event, now);
        self.written(result)
    }

    fn insert_event(&self, event: &NewEvent, now: DateTime<Utc>) -> Result<Event> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO events (kind, student_upi, person_name, year, registration_group, occurred_at, school_date,
                                 reason, reason_typed, collected_by, collector_contact, status, recorded_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12, ?12)",
            params![
                event.kind.as_str(), event.student_upi, event.person_name, event.year, event.registration_group,
                event.occurred_at, event.school_date, event.reason, event.reason_typed, event.collected_by, event.collector_contact, now
            ],
        )?;
        let id = tx.last_insert_rowid();
        let recorded = tx.query_row(
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
            [id],
            event_from_row,
        )?;
        tx.commit()?;
        Ok(recorded)
    }

    pub fn event(&self, id: i64) -> Result<Option<Event>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
                [id],
                event_from_row,
            )
            .optional()?)
    }

    /// Events matching a filter, newest first (R5.2).
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut conditions = Vec::new();
        let mut args: Vec<String> = Vec::new();
        match (filter.date, filter.until) {
            (Some(from), Some(to)) => {
                args.extend([from.to_string(), to.to_string()]);
                let n = args.len();
                conditions.push(format!("school_date BETWEEN ?{} AND ?{n}", n - 1));
            }
            (Some(date), None) => {
                args.push(date.to_string());
                conditions.push(format!("school_date = ?{}", args.len()));
            }
            (None, _) => {}
        }
        if let Some(status) = filter.status {
            args.push(status.as_str().into());
            conditions.push(format!("status = ?{}", args.len()));
        }
        if let Some(kind) = filter.kind {
            args.push(kind.as_str().into());
            conditions.push(format!("kind = ?{}", args.len()));
        }
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            args.push(format!("%{escaped}%"));
            let n = args.len();
            conditions.push(format!(
                "(person_name LIKE ?{n} ESCAPE '\\' OR reason LIKE ?{n} ESCAPE '\\' OR collected_by LIKE ?{n} ESCAPE '\\')"
            ));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events {filter_sql} ORDER BY occurred_at DESC, id DESC"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), event_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every pending event, in the order they happened: the sync engine's queue.
    pub fn pending_events(&self) -> Result<Vec<Event>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE status = 'pending' ORDER BY occurred_at, id"
        ))?;
        let rows = stmt.query_map([], event_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The earliest time a pending event will next be due, if any is waiting.
    pub fn next_due_at(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.conn().query_row(
            "SELECT MIN(COALESCE(next_attempt_at, recorded_at)) FROM events WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Counts of events per status, for one day or all time.
    pub fn status_counts(&self, date: Option<NaiveDate>) -> Result<BTreeMap<Status, i64>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT status, COUNT(*) FROM events WHERE ?1 IS NULL OR school_date = ?1 GROUP BY status",
        )?;
        let mut counts: BTreeMap<Status, i64> = Status::ALL.iter().map(|&s| (s, 0)).collect();
        let rows = stmt.query_map([date], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (status, n) = row?;
            if let Ok(status) = status.parse() {
                counts.insert(status, n);
            }
        }
        Ok(counts)
    }

    /// Applies the sync engine's changes to several events in one transaction: one disk sync
    /// for a whole batch instead of one per event. Returns, per update, whether it applied
    /// (a Defer or Finish of an event no longer pending changes nothing: statuses only move
    /// forward).
    pub fn update_events(
        &self,
        updates: Vec<EventUpdate>,
        now: DateTime<Utc>,
    ) -> Result<Vec<bool>> {
        let result = self.apply_updates(updates, now);
        self.written(result)
    }

    fn apply_updates(&self, updates: Vec<EventUpdate>, now: DateTime<Utc>) -> Result<Vec<bool>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut applied = Vec::with_capacity(updates.len());
        for update in updates {
            let changed = match update {
                EventUpdate::Attempt(event_id, a) => insert_attempt(&tx, event_id, &a)?,
                EventUpdate::Answer(event_id, a) => {
                    let answered = tx.execute(
                        "UPDATE attempts SET started_at = ?2, duration_ms = ?3, sent = ?4, http_status = ?5,
                                             mis_message = ?6, outcome = ?7, detail = ?8
                          WHERE id = (SELECT MAX(id) FROM attempts WHERE event_id = ?1 AND outcome = 'sending')",
                        params![event_id, a.started_at, a.duration_ms, a.sent, a.http_status, a.mis_message, a.outcome.as_str(), a.detail],
                    )?;
                    if answered == 0 {
                        insert_attempt(&tx, event_id, &a)?
                    } else {
                        answered
                    }
                }
                EventUpdate::Defer { id, next_attempt_at, session, code, writeback_id } => tx.execute(
                    "UPDATE events SET next_attempt_at = ?2, session = COALESCE(?3, session), code = COALESCE(?4, code),
                                       writeback_id = ?5, updated_at = ?6
                     WHERE id = ?1 AND status = 'pending'",
                    params![id, next_attempt_at, session, code, writeback_id, now],
                )?,
                EventUpdate::Finish(id, o) => tx.execute(
                    "UPDATE events SET status = ?2, cause = ?3, session = COALESCE(?4, session), code = COALESCE(?5, code),
                                       next_attempt_at = NULL, updated_at = ?6
                     WHERE id = ?1 AND status = 'pending'",
                    params![id, o.status.as_str(), o.cause, o.session, o.code, now],
                )?,
            };
            applied.push(changed == 1);
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Keeps a pending event pending until `next_attempt_at`, with what is known so far (the
    /// decided session and code, Wonde's writeback id once accepted).
    pub fn defer_event(
        &self,
        id: i64,
        next_attempt_at: DateTime<Utc>,
        session: Option<&str>,
        code: Option<&str>,
        writeback_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let update = EventUpdate::Defer {
            id,
            next_attempt_at,
            session: session.map(String::from),
            code: code.map(String::from),
            writeback_id: writeback_id.map(String::from),
        };
        Ok(self.update_events(vec![update], now)?[0])
    }

    /// Moves a pending event to its final status. Returns false (changing nothing) when the
    /// event is no longer pending: statuses only move forward.
    pub fn finish_event(&self, id: i64, outcome: &Outcome, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.update_events(vec![EventUpdate::Finish(id, outcome.clone())], now)?[0])
    }

    /// Sends a Failed event of today back to the queue (R4.6), e.g. after a mapping was fixed.
    pub fn retry_event(&self, id: i64, today: NaiveDate, now: DateTime<Utc>) -> Result<Event> {
        let event = self
            .event(id)?
            .ok_or_else(|| StoreError::Refused(format!("There is no event {id}.")))?;
        if event.status != Status::Failed {
            return Err(StoreError::Refused(format!(
                "Event {id} is {}; only Failed events can be retried.",
                event.status
            )));
        }
        if event.school_date != today {
            return Err(StoreError::Refused(format!(
                "Event {id} is from {}; only today's events can be retried.",
                event.school_date
            )));
        }
        self.conn().execute(
            "UPDATE events SET status = 'pending', cause = NULL, next_attempt_at = NULL, writeback_id = NULL,
                               updated_at = ?2
             WHERE id = ?1 AND status = 'failed'",
            params![id, now],
        )?;
        Ok(self.event(id)?.expect("the event just updated"))
    }

    /// Sends every Failed event of `today` back to the queue at once ("Retry all of today's
    /// failures", after the office fixed what failed them). Returns how many.
    pub fn retry_failed_today(&self, today: NaiveDate, now: DateTime<Utc>) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE events SET status = 'pending', cause = NULL, next_attempt_at = NULL, writeback_id = NULL,
                               updated_at = ?2
             WHERE status = 'failed' AND school_date = ?1",
            params![today, now],
        )?)
    }

    /// A later event of the same pupil whose mark for `session` of the same day is already in
    /// the MIS, if there is one: an earlier event, retried, must not write over it (M7).
    pub fn written_later(&self, event: &Event, session: &str) -> Result<Option<i64>> {
        let Some(upi) = &event.student_upi else { return Ok(None) };
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM events
                  WHERE student_upi = ?1 AND school_date = ?2 AND session = ?3 AND status = 'successful'
                    AND (occurred_at > ?4 OR (occurred_at = ?4 AND id > ?5))
                  ORDER BY occurred_at, id LIMIT 1",
                params![upi, event.school_date, session, event.occurred_at, event.id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn insert_attempt(
    tx: &rusqlite::Transaction,
    event_id: i64,
    a: &Attempt,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO attempts (event_id, started_at, duration_ms, sent, http_status, mis_message, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![event_id, a.started_at, a.duration_ms, a.sent, a.http_status, a.mis_message, a.outcome.as_str(), a.detail],
    )
}
