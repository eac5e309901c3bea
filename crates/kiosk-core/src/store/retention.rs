//! What the kiosk retires: pending events past their school day expire (R4.4), final events past
//! the retention period are deleted (R6.2), a school's roster goes when the kiosk moves to
//! another school; and the newest instant recorded, which the tablet's clock may not fall
//! behind (R6.5).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{Result, Store};

impl Store {
    /// Expires every pending event of a school day from `from` up to, not including, `today`
    /// (R4.4), but those held for a wrong clock: their recorded day is not their real one (see
    /// `clock_held.rs`). Returns how many.
    pub fn expire_between(
        &self,
        from: NaiveDate,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE events SET status = 'expired', next_attempt_at = NULL, updated_at = ?3,
                    cause = 'Not written back by midnight of its school day.'
             WHERE status = 'pending' AND school_date < ?1 AND school_date >= ?2
               AND clock_off_minutes IS NULL",
            params![today, from, now],
        )?)
    }

    /// Deletes final events (and their attempts) of school days before `cutoff` that were already
    /// final at `final_before` (R6.2): an event that only just became final, say one expired once
    /// a wrong clock was put right, is kept for the whole period. Returns how many.
    pub fn purge_events_before(
        &self,
        cutoff: NaiveDate,
        final_before: DateTime<Utc>,
    ) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "DELETE FROM events WHERE school_date < ?1 AND status != 'pending' AND updated_at < ?2",
            params![cutoff, final_before],
        )?;
        tx.commit()?;
        if n > 0 {
            // The deleted rows' old copies leave the write-ahead log too.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(n)
    }

    /// Deletes pupils, contacts and staff archived (left, or gone from the MIS) and not seen
    /// since before `cutoff`, with their links (R6.2): after the retention period no leaver's
    /// or former parent's name is kept. Returns how many.
    pub fn purge_archived_before(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let cutoff = cutoff.to_rfc3339();
        let mut n = 0;
        for table in ["students", "contacts", "employees"] {
            n += tx.execute(
                &format!("DELETE FROM {table} WHERE archived = 1 AND updated_at < ?1"),
                [&cutoff],
            )?;
        }
        forget_orphan_permissions(&tx)?;
        tx.commit()?;
        if n > 0 {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(n)
    }

    /// Forgets the school's roster, in one transaction, when the kiosk moves to another school
    /// (or leaves the demo): pupils, contacts and their links, staff, groups, codes, exclusions
    /// and the import runs (so the next import is a full one). The events stay in the log.
    pub fn forget_school(&self) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM student_contacts; DELETE FROM students; DELETE FROM contacts;
             DELETE FROM employees; DELETE FROM groups; DELETE FROM attendance_codes;
             DELETE FROM exclusions; DELETE FROM import_runs; DELETE FROM school;
             DELETE FROM collection_permissions;",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// When the newest event was recorded: the tablet's clock may not fall behind it (R6.5).
    pub fn newest_recorded_at(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.conn().query_row("SELECT MAX(recorded_at) FROM events", [], |r| r.get(0))?)
    }
}

/// Permissions to collect outlive neither the pupil nor the contact they name.
fn forget_orphan_permissions(tx: &rusqlite::Transaction) -> Result<usize> {
    Ok(tx.execute(
        "DELETE FROM collection_permissions
          WHERE student_upi NOT IN (SELECT upi FROM students)
             OR contact_upi NOT IN (SELECT upi FROM contacts)",
        [],
    )?)
}
