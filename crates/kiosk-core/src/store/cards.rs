//! Pupils' cards (R7.1): the identifier a card reader types, and the kiosk's own card codes
//! (one current per pupil; a revoked one is kept so its scan can say the card was replaced).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::roster::{student_from_row, STUDENT_COLUMNS};
use super::{Result, Store};
use kiosk_model::roster::{CardField, Student};

impl Store {
    /// The current pupil whose `field` is `value` (case-insensitive), if exactly one is: two
    /// pupils with one number is the MIS's mistake, and a card must not pick one of them.
    pub fn student_by_card(&self, field: CardField, value: &str) -> Result<Option<Student>> {
        let condition = match field {
            CardField::Off => return Ok(None),
            CardField::AdmissionNumber => "admission_number = ?1 COLLATE NOCASE",
            CardField::MisId => "mis_id = ?1 COLLATE NOCASE",
            CardField::Upn => "upn = ?1 COLLATE NOCASE",
            CardField::CardCode => {
                "upi IN (SELECT student_upi FROM card_codes WHERE code = ?1 COLLATE NOCASE AND revoked_at IS NULL)"
            }
        };
        let sql = format!(
            "SELECT {STUDENT_COLUMNS} FROM students WHERE archived = 0 AND {condition} LIMIT 2"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let mut found: Vec<Student> =
            stmt.query_map([value], student_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(if found.len() == 1 { found.pop() } else { None })
    }

    /// Whether `code` is one of the kiosk's card codes that was revoked (the card replaced).
    pub fn card_code_revoked(&self, code: &str) -> Result<bool> {
        let sql =
            "SELECT 1 FROM card_codes WHERE code = ?1 COLLATE NOCASE AND revoked_at IS NOT NULL";
        Ok(self.conn().query_row(sql, [code], |_| Ok(())).optional()?.is_some())
    }

    /// The current card code of each of `upis`, in order, issuing one from `new_code` to each
    /// pupil who has none, all in one transaction.
    pub fn card_codes(
        &self,
        upis: &[String],
        now: DateTime<Utc>,
        new_code: &mut dyn FnMut() -> String,
    ) -> Result<Vec<String>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut codes = Vec::with_capacity(upis.len());
        for upi in upis {
            let current: Option<String> = tx
                .query_row(
                    "SELECT code FROM card_codes WHERE student_upi = ?1 AND revoked_at IS NULL",
                    [upi],
                    |r| r.get(0),
                )
                .optional()?;
            let code = match current {
                Some(code) => code,
                None => issue(&tx, upi, now, new_code)?,
            };
            codes.push(code);
        }
        tx.commit()?;
        Ok(codes)
    }

    /// Revokes the pupil's current card code, if any, and issues a new one (a lost card stops
    /// working). `None` when there is no such current pupil.
    pub fn reissue_card_code(
        &self,
        upi: &str,
        now: DateTime<Utc>,
        new_code: &mut dyn FnMut() -> String,
    ) -> Result<Option<String>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current: bool = tx
            .query_row("SELECT 1 FROM students WHERE upi = ?1 AND archived = 0", [upi], |_| Ok(()))
            .optional()?
            .is_some();
        if !current {
            return Ok(None);
        }
        tx.execute(
            "UPDATE card_codes SET revoked_at = ?2 WHERE student_upi = ?1 AND revoked_at IS NULL",
            params![upi, now.to_rfc3339()],
        )?;
        let code = issue(&tx, upi, now, new_code)?;
        tx.commit()?;
        Ok(Some(code))
    }
}

/// A new code for `upi`; one that happens to exist already (revoked or another pupil's) is
/// drawn again.
fn issue(
    tx: &rusqlite::Transaction,
    upi: &str,
    now: DateTime<Utc>,
    new_code: &mut dyn FnMut() -> String,
) -> Result<String> {
    loop {
        let code = new_code();
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO card_codes (code, student_upi, issued_at) VALUES (?1, ?2, ?3)",
            params![code, upi, now.to_rfc3339()],
        )?;
        if inserted == 1 {
            return Ok(code);
        }
    }
}
