//! Who may collect a child (R6.7, R10.1): the child's contacts as the MIS links them, and the
//! ones staff have marked as allowed to collect. Read by the recording path and the staff area
//! only: no kiosk screen lists them.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Contact, Result, Store, StudentContact};

/// One of a child's contacts, with what the kiosk knows of their right to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildContact {
    pub contact: Contact,
    pub link: StudentContact,
    /// Staff marked them allowed to collect this child (`collection_permissions`).
    pub allowed_to_collect: bool,
}

impl Store {
    /// The current contacts of a student, highest priority first.
    pub fn contacts_of(&self, student_upi: &str) -> Result<Vec<ChildContact>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT c.upi, c.wonde_id, c.mis_id, c.title, c.forename, c.surname,
                    l.relationship, l.parental_responsibility, l.priority, p.contact_upi IS NOT NULL
             FROM student_contacts l JOIN contacts c ON c.upi = l.contact_upi
             LEFT JOIN collection_permissions p
                    ON p.student_upi = l.student_upi AND p.contact_upi = l.contact_upi
             WHERE l.student_upi = ?1 AND c.archived = 0
             ORDER BY l.priority IS NULL, l.priority, c.surname",
        )?;
        let rows = stmt
            .query_map([student_upi], |r| {
                let contact = Contact {
                    upi: r.get(0)?,
                    wonde_id: r.get(1)?,
                    mis_id: r.get(2)?,
                    title: r.get(3)?,
                    forename: r.get(4)?,
                    surname: r.get(5)?,
                };
                let link = StudentContact {
                    student_upi: student_upi.to_string(),
                    contact_upi: contact.upi.clone(),
                    relationship: r.get(6)?,
                    parental_responsibility: r.get(7)?,
                    priority: r.get(8)?,
                };
                Ok(ChildContact { contact, link, allowed_to_collect: r.get(9)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Marks (or unmarks) a contact of a student as allowed to collect them. Returns false, and
    /// changes nothing, when the contact is not one of the student's.
    pub fn set_allowed_to_collect(
        &self,
        student_upi: &str,
        contact_upi: &str,
        allowed: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let linked: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM student_contacts WHERE student_upi = ?1 AND contact_upi = ?2)",
            [student_upi, contact_upi],
            |r| r.get(0),
        )?;
        if !linked {
            return Ok(false);
        }
        if allowed {
            tx.execute(
                "INSERT INTO collection_permissions (student_upi, contact_upi, granted_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![student_upi, contact_upi, now],
            )?;
        } else {
            tx.execute(
                "DELETE FROM collection_permissions WHERE student_upi = ?1 AND contact_upi = ?2",
                [student_upi, contact_upi],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }
}
