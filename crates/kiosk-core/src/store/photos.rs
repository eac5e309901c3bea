//! Pupils' photos (R7.2): kept with the roster, replaced when Wonde's version changes, gone with
//! the pupil.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Result, Store};
use kiosk_model::roster::StudentPhoto;

impl Store {
    /// A current pupil's photo: its type and bytes.
    pub fn photo(&self, upi: &str) -> Result<Option<(String, Vec<u8>)>> {
        let sql = "SELECT p.mime, p.bytes FROM photos p JOIN students s ON s.upi = p.student_upi
                   WHERE p.student_upi = ?1 AND s.archived = 0";
        Ok(self.conn().query_row(sql, [upi], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    /// The version of each photo kept, by pupil: the import fetches only what changed.
    pub fn photo_versions(&self) -> Result<HashMap<String, String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT student_upi, version FROM photos")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes every photo (the school turned photos off).
    pub fn forget_photos(&self) -> Result<usize> {
        Ok(self.conn().execute("DELETE FROM photos", [])?)
    }
}

/// The import's part, inside its transaction: new and changed photos saved, those Wonde no longer
/// has removed, and an archived pupil's photo deleted.
pub(super) fn apply_photos(
    tx: &Transaction,
    photos: &[StudentPhoto],
    removed: &[String],
) -> Result<()> {
    for p in photos {
        tx.execute(
            "INSERT INTO photos (student_upi, mime, bytes, version) SELECT ?1, ?2, ?3, ?4
             WHERE EXISTS (SELECT 1 FROM students WHERE upi = ?1)
             ON CONFLICT (student_upi) DO UPDATE SET mime = excluded.mime, bytes = excluded.bytes,
               version = excluded.version",
            params![p.student_upi, p.mime, p.bytes, p.version],
        )?;
    }
    for upi in removed {
        tx.execute("DELETE FROM photos WHERE student_upi = ?1", [upi])?;
    }
    tx.execute(
        "DELETE FROM photos WHERE student_upi IN (SELECT upi FROM students WHERE archived = 1)",
        [],
    )?;
    Ok(())
}
