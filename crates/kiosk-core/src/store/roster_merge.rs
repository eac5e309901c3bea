//! Changing the roster a piece at a time: the incremental import (R1.6), employees from a CSV
//! upload (R1.5), and the upserts the full import ([`Store::replace_roster`]) shares.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::roster::{exclusions, group_kind_text};
use super::{
    AttendanceCode, Contact, Counts, Employee, Group, Result, SchoolRecord, Store, Student,
    StudentContact, StudentPhoto,
};

/// What changed in the MIS since the last import (R1.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterDelta {
    pub school: Option<SchoolRecord>,
    /// Small lists, always fetched whole: `Some` replaces the stored list.
    pub codes: Option<Vec<AttendanceCode>>,
    pub groups: Option<Vec<Group>>,
    /// Current students changed since the last run (added or updated).
    pub students: Vec<Student>,
    /// The complete contact links of each changed student (replacing its earlier ones).
    pub links: Vec<StudentContact>,
    pub contacts: Vec<Contact>,
    /// Current employees changed since the last run.
    pub employees: Vec<Employee>,
    /// Students who left (by `upi`) or were deleted in the MIS (by Wonde id): archived.
    pub archive_student_upis: Vec<String>,
    pub archive_student_ids: Vec<String>,
    /// Employees who left (by MIS id) or were deleted (by Wonde id): archived.
    pub archive_employee_mis_ids: Vec<String>,
    pub archive_employee_ids: Vec<String>,
    /// Contacts deleted in the MIS (by Wonde id): archived.
    pub archive_contact_ids: Vec<String>,
    /// New and changed photos of the changed students, and those whose photo is gone (R7.2).
    pub photos: Vec<StudentPhoto>,
    pub photos_removed: Vec<String>,
}

/// What became of one row of an employees CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvOutcome {
    Added,
    Updated,
    /// The MIS holds an employee with this MIS id; its record wins (R1.5).
    HeldByMis,
}

impl Store {
    /// Merges an incremental download into the roster in one transaction: a failure leaves the
    /// roster as it was (R1.3). Leavers and deletions are archived, never deleted (R1.2);
    /// exclusions still hold (R1.4).
    pub fn merge_roster(&self, delta: &RosterDelta, now: DateTime<Utc>) -> Result<Counts> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let at = now.to_rfc3339();
        if let Some(school) = &delta.school {
            upsert_school(&tx, school, &at)?;
        }
        if let Some(codes) = &delta.codes {
            replace_codes(&tx, codes)?;
        }
        if let Some(groups) = &delta.groups {
            replace_groups(&tx, groups)?;
        }
        let excluded = exclusions(&tx, "student")?;
        for s in &delta.students {
            upsert_student(&tx, s, is_excluded(&excluded, &s.mis_id), &at)?;
        }
        for c in &delta.contacts {
            upsert_contact(&tx, c, &at)?;
        }
        let changed: HashSet<&str> = delta.students.iter().map(|s| s.upi.as_str()).collect();
        for upi in &changed {
            tx.execute("DELETE FROM student_contacts WHERE student_upi = ?1", [upi])?;
        }
        for link in delta.links.iter().filter(|l| changed.contains(l.student_upi.as_str())) {
            // A link to a contact the kiosk does not hold (scoped out, or deleted) is left out.
            tx.execute(
                "INSERT OR REPLACE INTO student_contacts (student_upi, contact_upi, relationship, parental_responsibility, priority)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM contacts WHERE upi = ?2)",
                params![link.student_upi, link.contact_upi, link.relationship, link.parental_responsibility, link.priority],
            )?;
        }
        let excluded = exclusions(&tx, "employee")?;
        for e in &delta.employees {
            upsert_employee(&tx, e, is_excluded(&excluded, &e.mis_id), &at)?;
        }
        let archive = |sql: &str, keys: &[String]| -> Result<()> {
            for key in keys {
                tx.execute(sql, params![key, at])?;
            }
            Ok(())
        };
        archive(
            "UPDATE students SET archived = 1, updated_at = ?2 WHERE upi = ?1",
            &delta.archive_student_upis,
        )?;
        archive(
            "UPDATE students SET archived = 1, updated_at = ?2 WHERE wonde_id = ?1",
            &delta.archive_student_ids,
        )?;
        archive("UPDATE employees SET archived = 1, updated_at = ?2 WHERE mis_id = ?1 AND source = 'mis'", &delta.archive_employee_mis_ids)?;
        archive("UPDATE employees SET archived = 1, updated_at = ?2 WHERE wonde_id = ?1 AND source = 'mis'", &delta.archive_employee_ids)?;
        archive(
            "UPDATE contacts SET archived = 1, updated_at = ?2 WHERE wonde_id = ?1",
            &delta.archive_contact_ids,
        )?;
        super::photos::apply_photos(&tx, &delta.photos, &delta.photos_removed)?;
        let counts = super::roster::counts(&tx)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Adds or updates employees from a CSV upload, in one transaction (R1.5). A row is matched
    /// on MIS id, else on email among earlier uploads; an MIS id the MIS already holds is left
    /// to the MIS.
    pub fn upsert_csv_employees(
        &self,
        rows: &[Employee],
        now: DateTime<Utc>,
    ) -> Result<Vec<CsvOutcome>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let at = now.to_rfc3339();
        let mut outcomes = Vec::with_capacity(rows.len());
        for e in rows {
            let by_mis_id: Option<(i64, String)> = match &e.mis_id {
                Some(id) => tx
                    .query_row("SELECT id, source FROM employees WHERE mis_id = ?1", [id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?,
                None => None,
            };
            let existing = match (by_mis_id, &e.email) {
                (Some((_, source)), _) if source == "mis" => {
                    outcomes.push(CsvOutcome::HeldByMis);
                    continue;
                }
                (Some((id, _)), _) => Some(id),
                (None, Some(email)) if e.mis_id.is_none() => tx
                    .query_row("SELECT id FROM employees WHERE source = 'csv' AND lower(email) = lower(?1)", [email], |r| r.get(0))
                    .optional()?,
                _ => None,
            };
            match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE employees SET mis_id = COALESCE(?2, mis_id), title = ?3, forename = ?4, surname = ?5, email = ?6,
                           role = ?7, archived = 0, updated_at = ?8 WHERE id = ?1",
                        params![id, e.mis_id, e.title, e.forename, e.surname, e.email, e.role, at],
                    )?;
                    outcomes.push(CsvOutcome::Updated);
                }
                None => {
                    tx.execute(
                        "INSERT INTO employees (mis_id, source, title, forename, surname, email, role, archived, updated_at)
                         VALUES (?1, 'csv', ?2, ?3, ?4, ?5, ?6, 0, ?7)",
                        params![e.mis_id, e.title, e.forename, e.surname, e.email, e.role, at],
                    )?;
                    outcomes.push(CsvOutcome::Added);
                }
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// Every employee, archived ones included (the staff area's list, R5.4).
    pub fn employees(&self) -> Result<Vec<(Employee, bool)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT upi, wonde_id, mis_id, title, forename, surname, email, role, archived FROM employees ORDER BY surname, forename",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let e = Employee {
                    upi: r.get(0)?,
                    wonde_id: r.get(1)?,
                    mis_id: r.get(2)?,
                    title: r.get(3)?,
                    forename: r.get(4)?,
                    surname: r.get(5)?,
                    email: r.get(6)?,
                    role: r.get(7)?,
                };
                Ok((e, r.get(8)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Notes what an import run brought in, for the staff area's "last run" (R5.4).
    pub fn record_import_counts(&self, run_id: i64, counts: &Counts) -> Result<()> {
        self.conn().execute(
            "UPDATE import_runs SET students = ?2, contacts = ?3, employees = ?4, codes = ?5 WHERE id = ?1",
            params![run_id, counts.students, counts.contacts, counts.employees, counts.codes],
        )?;
        Ok(())
    }

    /// Students archived (leavers, excluded, gone from the MIS), for history and tests.
    pub fn archived_students(&self) -> Result<Vec<Student>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {} FROM students WHERE archived = 1 ORDER BY surname, forename",
            super::roster::STUDENT_COLUMNS
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], super::roster::student_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

fn is_excluded(excluded: &HashSet<String>, mis_id: &Option<String>) -> bool {
    mis_id.as_ref().is_some_and(|id| excluded.contains(id))
}

pub(super) fn upsert_school(tx: &Transaction, school: &SchoolRecord, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO school (singleton, wonde_id, name, mis, allows_writeback, has_lesson_attendance, domain, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (singleton) DO UPDATE SET wonde_id = excluded.wonde_id, name = excluded.name,
           mis = excluded.mis, allows_writeback = excluded.allows_writeback,
           has_lesson_attendance = excluded.has_lesson_attendance, domain = excluded.domain,
           updated_at = excluded.updated_at",
        params![school.wonde_id, school.name, school.mis, school.allows_writeback, school.has_lesson_attendance, school.domain, at],
    )?;
    Ok(())
}

pub(super) fn upsert_student(
    tx: &Transaction,
    s: &Student,
    archived: bool,
    at: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO students (upi, wonde_id, mis_id, forename, preferred_forename, surname, year, registration_group, admission_number, upn, archived, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (upi) DO UPDATE SET wonde_id = excluded.wonde_id, mis_id = excluded.mis_id,
           forename = excluded.forename, preferred_forename = excluded.preferred_forename,
           surname = excluded.surname, year = excluded.year,
           registration_group = excluded.registration_group,
           admission_number = excluded.admission_number, upn = excluded.upn,
           archived = excluded.archived, updated_at = excluded.updated_at",
        params![s.upi, s.wonde_id, s.mis_id, s.forename, s.preferred_forename, s.surname, s.year, s.registration_group, s.admission_number, s.upn, archived, at],
    )?;
    Ok(())
}

pub(super) fn upsert_contact(tx: &Transaction, c: &Contact, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO contacts (upi, wonde_id, mis_id, title, forename, surname, archived, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)
         ON CONFLICT (upi) DO UPDATE SET wonde_id = excluded.wonde_id, mis_id = excluded.mis_id,
           title = excluded.title, forename = excluded.forename, surname = excluded.surname,
           archived = 0, updated_at = excluded.updated_at",
        params![c.upi, c.wonde_id, c.mis_id, c.title, c.forename, c.surname, at],
    )?;
    Ok(())
}

pub(super) fn upsert_employee(
    tx: &Transaction,
    e: &Employee,
    archived: bool,
    at: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO employees (upi, wonde_id, mis_id, source, title, forename, surname, email, role, archived, updated_at)
         VALUES (?1, ?2, ?3, 'mis', ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (mis_id) DO UPDATE SET upi = excluded.upi, wonde_id = excluded.wonde_id,
           source = 'mis', title = excluded.title, forename = excluded.forename,
           surname = excluded.surname, email = excluded.email, role = excluded.role,
           archived = excluded.archived, updated_at = excluded.updated_at",
        params![e.upi, e.wonde_id, e.mis_id, e.title, e.forename, e.surname, e.email, e.role, archived, at],
    )?;
    Ok(())
}

pub(super) fn replace_codes(tx: &Transaction, codes: &[AttendanceCode]) -> Result<()> {
    tx.execute("DELETE FROM attendance_codes", [])?;
    for c in codes {
        tx.execute(
            "INSERT OR REPLACE INTO attendance_codes (wonde_id, code, description, kind) VALUES (?1, ?2, ?3, ?4)",
            params![c.wonde_id, c.code, c.description, c.kind],
        )?;
    }
    Ok(())
}

pub(super) fn replace_groups(tx: &Transaction, groups: &[Group]) -> Result<()> {
    tx.execute("DELETE FROM groups", [])?;
    for g in groups {
        tx.execute(
            "INSERT OR REPLACE INTO groups (wonde_id, name, kind, code) VALUES (?1, ?2, ?3, ?4)",
            params![g.wonde_id, g.name, group_kind_text(g.kind), g.code],
        )?;
    }
    Ok(())
}
