//! The writeback log: every attempt to write an event's mark, as the Writeback tab shows it
//! (R4.7), and the latest traffic the configuration check reports (R5.5).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{text_column, EventUpdate, Result, Store};
use kiosk_model::AttemptOutcome;

/// One writeback attempt (R4.7). `sent` summarises the request; it never holds the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub sent: String,
    pub http_status: Option<u16>,
    pub mis_message: Option<String>,
    pub outcome: AttemptOutcome,
    /// What the outcome refers to: the writeback id Wonde gave, the code the MIS holds.
    pub detail: Option<String>,
}

impl Attempt {
    /// The outcome as office staff read it.
    pub fn outcome_text(&self) -> String {
        self.outcome.describe(self.detail.as_deref())
    }
}

/// The latest writeback traffic, for the configuration check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritebackActivity {
    /// When the latest attempt started, and the HTTP status it got (none: no answer).
    pub last_answer: Option<(DateTime<Utc>, Option<u16>)>,
    /// When an event last became Successful.
    pub last_written_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Keeps an attempt in the event's Writeback tab (R4.7).
    pub fn add_attempt(&self, event_id: i64, attempt: &Attempt) -> Result<()> {
        self.update_events(
            vec![EventUpdate::Attempt(event_id, attempt.clone())],
            attempt.started_at,
        )?;
        Ok(())
    }

    /// Every attempt of an event, oldest first.
    pub fn attempts(&self, event_id: i64) -> Result<Vec<Attempt>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT started_at, duration_ms, sent, http_status, mis_message, outcome, detail FROM attempts
             WHERE event_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([event_id], |r| {
                Ok(Attempt {
                    started_at: r.get(0)?,
                    duration_ms: r.get(1)?,
                    sent: r.get(2)?,
                    http_status: r.get(3)?,
                    mis_message: r.get(4)?,
                    outcome: text_column(r, 5)?,
                    detail: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// When Wonde last answered a writeback, and when a mark was last written (R5.5).
    pub fn writeback_activity(&self) -> Result<WritebackActivity> {
        let conn = self.conn();
        let last_answer = conn
            .query_row(
                "SELECT started_at, http_status FROM attempts ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let last_written_at = conn.query_row(
            "SELECT MAX(updated_at) FROM events WHERE status = 'successful'",
            [],
            |r| r.get(0),
        )?;
        Ok(WritebackActivity { last_answer, last_written_at })
    }
}
