//! Events recorded while the tablet's clock was wrong (R6.5). The sync engine marks them with how
//! far off the clock was; they are held, nothing written, until staff confirm their time: the
//! time recorded, or the time by Wonde's clock. The engine remembers, across restarts, the newest
//! event recorded while Wonde last agreed with the clock: only later ones can be affected.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::events::{event_from_row, EVENT_COLUMNS};
use super::{Event, Result, Store};

/// The newest event id recorded while Wonde agreed with the tablet's clock.
const CONFIRMED_THROUGH_KEY: &str = "clock_confirmed_through_event";

impl Store {
    /// Wonde agrees with the clock now: every event recorded so far had a good clock (or is
    /// already marked).
    pub fn clock_confirmed(&self) -> Result<()> {
        // Unchanged (most passes), the upsert changes no row, and SQLite writes nothing.
        self.conn().execute(
            "INSERT INTO settings (key, value) SELECT ?1, COALESCE(MAX(id), 0) FROM events WHERE true
             ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value",
            [CONFIRMED_THROUGH_KEY],
        )?;
        Ok(())
    }

    /// The clock is wrong by `minutes`: every pending event recorded since it was last confirmed
    /// is marked with that (the latest judgement is the best one), and held. Returns how many.
    pub fn clock_found_wrong(&self, minutes: i64) -> Result<usize> {
        let conn = self.conn();
        let through: i64 = conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [CONFIRMED_THROUGH_KEY], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(conn.execute(
            "UPDATE events SET clock_off_minutes = ?2
              WHERE id > ?1 AND status = 'pending' AND clock_off_minutes IS NOT ?2",
            params![through, minutes],
        )?)
    }

    /// The events held because the clock was wrong when they were recorded, oldest first.
    pub fn clock_held_events(&self) -> Result<Vec<Event>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE status = 'pending' AND clock_off_minutes IS NOT NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([], event_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Staff confirm a held event's time: `occurred_at` on `school_date` (the recorded time, or
    /// the corrected one). The event is no longer held. `None`, changing nothing, when the event
    /// is not held for a wrong clock.
    pub fn confirm_event_time(
        &self,
        id: i64,
        occurred_at: DateTime<Utc>,
        school_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Option<Event>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE events SET occurred_at = ?2, school_date = ?3, clock_off_minutes = NULL,
                               next_attempt_at = NULL, updated_at = ?4
              WHERE id = ?1 AND status = 'pending' AND clock_off_minutes IS NOT NULL",
            params![id, occurred_at, school_date, now],
        )?;
        let event = match changed {
            0 => None,
            _ => Some(tx.query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
                [id],
                event_from_row,
            )?),
        };
        tx.commit()?;
        Ok(event)
    }
}
