//! Events between the kiosks: each kiosk pushes its own (a newer version replaces an older, a
//! repeat changes nothing) and pulls the others' in the order they reached the site database.

use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::Row;

use crate::{Site, SiteError};
use kiosk_model::{EventKind, Status};

/// Any number the kiosks agree on: held by every push, so changes become visible in order.
const CHANGE_LOCK: i64 = 0x5ec7_0002;

/// One event as a kiosk recorded it, with its writeback state as that kiosk last knew it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteEvent {
    /// The recording kiosk's own id of the event: with the kiosk's id, the event's id on the site.
    pub local_id: i64,
    /// The recording kiosk's count of changes to it: only a higher one replaces a copy.
    pub version: i64,
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
    /// The collector's name matched one of the child's contacts who may collect (R10.1).
    pub collector_known: bool,
    pub status: Status,
    pub cause: Option<String>,
    pub session: Option<String>,
    pub code: Option<String>,
    pub clock_off_minutes: Option<i64>,
    pub attempts: i64,
    /// The latest attempt's outcome, in `AttemptOutcome`'s text form.
    pub last_outcome: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Another kiosk's event, with where it is in the site's order of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledEvent {
    pub changed: i64,
    pub kiosk_id: String,
    pub kiosk_name: String,
    pub event: SiteEvent,
}

const COLUMNS: &str = "e.local_id, e.version, e.kind, e.student_upi, e.person_name, e.year, \
    e.registration_group, e.occurred_at, e.school_date, e.reason, e.reason_typed, e.collected_by, \
    e.collector_known, e.status, e.cause, e.session, e.code, e.clock_off_minutes, e.attempts, \
    e.last_outcome, e.updated_at";

impl Site {
    /// Pushes this kiosk's events in one transaction: each stored unless the site already holds
    /// that version or a newer one, so a push repeated after a lost answer changes nothing.
    pub async fn push(&mut self, events: &[SiteEvent]) -> Result<(), SiteError> {
        let tx = self.client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOCK]).await?;
        let upsert = tx
            .prepare(
                "INSERT INTO events AS e (kiosk_id, local_id, version, changed, kind, student_upi,
                     person_name, year, registration_group, occurred_at, school_date, reason,
                     reason_typed, collected_by, collector_known, status, cause, session, code,
                     clock_off_minutes, attempts, last_outcome, updated_at)
                 VALUES ($1, $2, $3, nextval('event_changes'), $4, $5, $6, $7, $8, $9, $10, $11,
                     $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
                 ON CONFLICT (kiosk_id, local_id) DO UPDATE SET
                     version = EXCLUDED.version, changed = EXCLUDED.changed, kind = EXCLUDED.kind,
                     student_upi = EXCLUDED.student_upi, person_name = EXCLUDED.person_name,
                     year = EXCLUDED.year, registration_group = EXCLUDED.registration_group,
                     occurred_at = EXCLUDED.occurred_at, school_date = EXCLUDED.school_date,
                     reason = EXCLUDED.reason, reason_typed = EXCLUDED.reason_typed,
                     collected_by = EXCLUDED.collected_by,
                     collector_known = EXCLUDED.collector_known, status = EXCLUDED.status,
                     cause = EXCLUDED.cause, session = EXCLUDED.session, code = EXCLUDED.code,
                     clock_off_minutes = EXCLUDED.clock_off_minutes,
                     attempts = EXCLUDED.attempts, last_outcome = EXCLUDED.last_outcome,
                     updated_at = EXCLUDED.updated_at
                 WHERE e.version < EXCLUDED.version",
            )
            .await?;
        for e in events {
            tx.execute(
                &upsert,
                &[
                    &self.kiosk.id,
                    &e.local_id,
                    &e.version,
                    &e.kind.as_str(),
                    &e.student_upi,
                    &e.person_name,
                    &e.year,
                    &e.registration_group,
                    &e.occurred_at,
                    &e.school_date,
                    &e.reason,
                    &e.reason_typed,
                    &e.collected_by,
                    &e.collector_known,
                    &e.status.as_str(),
                    &e.cause,
                    &e.session,
                    &e.code,
                    &e.clock_off_minutes,
                    &e.attempts,
                    &e.last_outcome,
                    &e.updated_at,
                ],
            )
            .await?;
        }
        tx.execute("UPDATE kiosks SET last_seen = now() WHERE id = $1", &[&self.kiosk.id]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The other kiosks' events of `since` or later that changed after `after`, in the order
    /// they changed, at most `limit`. A row this version cannot read is left out and counted.
    pub async fn pull(
        &self,
        after: i64,
        since: NaiveDate,
        limit: i64,
    ) -> Result<(Vec<PulledEvent>, usize), SiteError> {
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT e.changed, e.kiosk_id, k.name, {COLUMNS}
                     FROM events e JOIN kiosks k ON k.id = e.kiosk_id
                     WHERE e.changed > $1 AND e.kiosk_id <> $2 AND e.school_date >= $3
                     ORDER BY e.changed LIMIT $4"
                ),
                &[&after, &self.kiosk.id, &since, &limit],
            )
            .await?;
        let mut pulled = Vec::with_capacity(rows.len());
        let mut unreadable = 0;
        for row in &rows {
            match event_from_row(row, 3) {
                Some(event) => pulled.push(PulledEvent {
                    changed: row.get(0),
                    kiosk_id: row.get(1),
                    kiosk_name: row.get(2),
                    event,
                }),
                None => {
                    unreadable += 1;
                    tracing::warn!(
                        changed = row.get::<_, i64>(0),
                        "a site event this version cannot read was left out"
                    );
                }
            }
        }
        Ok((pulled, unreadable))
    }

    /// The highest change number a pull of everything would reach (for a kiosk's catch-up).
    pub async fn latest_change(&self) -> Result<i64, SiteError> {
        Ok(self.client.query_one("SELECT COALESCE(MAX(changed), 0) FROM events", &[]).await?.get(0))
    }

    /// Deletes the site's events of days before `before` (R6.2): the retention period ends for
    /// the site as it does for each kiosk.
    pub async fn purge(&self, before: NaiveDate) -> Result<u64, SiteError> {
        Ok(self.client.execute("DELETE FROM events WHERE school_date < $1", &[&before]).await?)
    }
}

/// A row's event from column `at` on; `None` when a kind or status is one this version lacks.
fn event_from_row(r: &Row, at: usize) -> Option<SiteEvent> {
    let kind: String = r.get(at + 2);
    let status: String = r.get(at + 13);
    Some(SiteEvent {
        local_id: r.get(at),
        version: r.get(at + 1),
        kind: kind.parse().ok()?,
        student_upi: r.get(at + 3),
        person_name: r.get(at + 4),
        year: r.get(at + 5),
        registration_group: r.get(at + 6),
        occurred_at: r.get(at + 7),
        school_date: r.get(at + 8),
        reason: r.get(at + 9),
        reason_typed: r.get(at + 10),
        collected_by: r.get(at + 11),
        collector_known: r.get(at + 12),
        status: status.parse().ok()?,
        cause: r.get(at + 14),
        session: r.get(at + 15),
        code: r.get(at + 16),
        clock_off_minutes: r.get(at + 17),
        attempts: r.get(at + 18),
        last_outcome: r.get(at + 19),
        updated_at: r.get(at + 20),
    })
}
