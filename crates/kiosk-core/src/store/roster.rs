//! The roster imported from the MIS: school, students, contacts, employees, codes, groups (R1).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::roster_merge::{
    replace_codes, replace_groups, upsert_contact, upsert_employee, upsert_school, upsert_student,
};
use super::{text_column, Result, Store, StoreError};
use kiosk_model::roster::{
    AttendanceCode, Contact, Employee, Group, GroupKind, SchoolRecord, Student, StudentContact,
    StudentPhoto,
};
use kiosk_model::ImportOutcome;

/// A complete download from the MIS, ready to replace the local roster in one transaction.
/// It holds current people only: leavers were left out when it was built (R1.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub school: Option<SchoolRecord>,
    pub students: Vec<Student>,
    pub contacts: Vec<Contact>,
    pub links: Vec<StudentContact>,
    pub employees: Vec<Employee>,
    pub codes: Vec<AttendanceCode>,
    pub groups: Vec<Group>,
    /// New and changed photos (R7.2), and the pupils whose photo Wonde no longer has.
    #[serde(default)]
    pub photos: Vec<StudentPhoto>,
    #[serde(default)]
    pub photos_removed: Vec<String>,
}

/// How many of each thing the store holds (current, not archived).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub students: i64,
    pub contacts: i64,
    pub employees: i64,
    pub codes: i64,
}

/// One import run, as the staff area shows it (R1.3, R5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub full: bool,
    pub outcome: ImportOutcome,
    pub message: Option<String>,
}

impl Store {
    /// Replaces the roster with a complete download, in one transaction (R1.3): people absent
    /// from it, or excluded by staff (R1.4), are archived, never deleted (R1.2).
    pub fn replace_roster(&self, roster: &Roster, now: DateTime<Utc>) -> Result<Counts> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let at = now.to_rfc3339();
        if let Some(school) = &roster.school {
            upsert_school(&tx, school, &at)?;
        }
        let excluded_students = exclusions(&tx, "student")?;
        tx.execute("UPDATE students SET archived = 1", [])?;
        for s in &roster.students {
            let archived = s.mis_id.as_ref().is_some_and(|id| excluded_students.contains(id));
            upsert_student(&tx, s, archived, &at)?;
        }
        tx.execute("UPDATE contacts SET archived = 1", [])?;
        for c in &roster.contacts {
            upsert_contact(&tx, c, &at)?;
        }
        tx.execute("DELETE FROM student_contacts", [])?;
        for l in &roster.links {
            tx.execute(
                "INSERT OR REPLACE INTO student_contacts (student_upi, contact_upi, relationship, parental_responsibility, priority)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![l.student_upi, l.contact_upi, l.relationship, l.parental_responsibility, l.priority],
            )?;
        }
        let excluded_employees = exclusions(&tx, "employee")?;
        tx.execute("UPDATE employees SET archived = 1 WHERE source = 'mis'", [])?;
        for e in &roster.employees {
            let archived = e.mis_id.as_ref().is_some_and(|id| excluded_employees.contains(id));
            upsert_employee(&tx, e, archived, &at)?;
        }
        replace_codes(&tx, &roster.codes)?;
        replace_groups(&tx, &roster.groups)?;
        super::photos::apply_photos(&tx, &roster.photos, &roster.photos_removed)?;
        let counts = counts(&tx)?;
        tx.commit()?;
        Ok(counts)
    }

    /// The school record of the last import, if any.
    pub fn school(&self) -> Result<Option<SchoolRecord>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT wonde_id, name, mis, allows_writeback, has_lesson_attendance, domain FROM school",
                [],
                |r| {
                    Ok(SchoolRecord {
                        wonde_id: r.get(0)?,
                        name: r.get(1)?,
                        mis: r.get(2)?,
                        allows_writeback: r.get(3)?,
                        has_lesson_attendance: r.get(4)?,
                        domain: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// A current (not archived) student by MIS id.
    pub fn student_by_mis_id(&self, mis_id: &str) -> Result<Option<Student>> {
        self.one_student("mis_id = ?1 AND archived = 0", mis_id)
    }

    /// A student by `upi`, archived or not (the log keeps history).
    pub fn student(&self, upi: &str) -> Result<Option<Student>> {
        self.one_student("upi = ?1", upi)
    }

    fn one_student(&self, condition: &str, key: &str) -> Result<Option<Student>> {
        let sql = format!("SELECT {STUDENT_COLUMNS} FROM students WHERE {condition}");
        Ok(self.conn().query_row(&sql, [key], student_from_row).optional()?)
    }

    /// Every current student, for the search index.
    pub fn students(&self) -> Result<Vec<Student>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {STUDENT_COLUMNS} FROM students WHERE archived = 0 ORDER BY surname, forename"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], student_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The keys of the current (not archived) contacts.
    pub fn contact_upis(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT upi FROM contacts WHERE archived = 0")?;
        let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The years and the registration groups of the current pupils, each once, for staff to
    /// pick from: years in school order (numbers, then the rest), groups alphabetically.
    pub fn years_and_groups(&self) -> Result<(Vec<String>, Vec<String>)> {
        let conn = self.conn();
        let distinct = |column: &str| -> Result<Vec<String>> {
            let mut stmt = conn.prepare(&format!(
                "SELECT DISTINCT {column} FROM students WHERE archived = 0 AND TRIM(COALESCE({column}, '')) <> '' ORDER BY {column}"
            ))?;
            let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        };
        let mut years = distinct("year")?;
        years.sort_by_key(|y: &String| {
            (y.parse::<u32>().map_or(1, |_| 0), y.parse::<u32>().unwrap_or(0), y.clone())
        });
        Ok((years, distinct("registration_group")?))
    }

    /// The MIS's attendance codes.
    pub fn attendance_codes(&self) -> Result<Vec<AttendanceCode>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT wonde_id, code, description, kind FROM attendance_codes ORDER BY code",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AttendanceCode {
                    wonde_id: r.get(0)?,
                    code: r.get(1)?,
                    description: r.get(2)?,
                    kind: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Marks a person do-not-import (R1.4), or clears the mark; kept by MIS id across imports.
    /// Takes effect on the roster at once: an excluded person is hidden from the kiosk. Only for
    /// someone on the roster (archived included, so an exclusion can be undone): the switch is
    /// shown beside a person, never typed, so any other id is refused and nothing is kept.
    pub fn set_excluded(&self, person_kind: &str, mis_id: &str, excluded: bool) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let table = if person_kind == "student" { "students" } else { "employees" };
        let known: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE mis_id = ?1)"),
            [mis_id],
            |r| r.get(0),
        )?;
        if !known {
            return Err(StoreError::Refused(
                "There is nobody with that MIS id on the roster.".into(),
            ));
        }
        if excluded {
            tx.execute(
                "INSERT OR IGNORE INTO exclusions (person_kind, mis_id) VALUES (?1, ?2)",
                [person_kind, mis_id],
            )?;
        } else {
            tx.execute(
                "DELETE FROM exclusions WHERE person_kind = ?1 AND mis_id = ?2",
                [person_kind, mis_id],
            )?;
        }
        if excluded {
            tx.execute(&format!("UPDATE {table} SET archived = 1 WHERE mis_id = ?1"), [mis_id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// MIS ids staff excluded from import.
    pub fn excluded(&self, person_kind: &str) -> Result<HashSet<String>> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        exclusions(&tx, person_kind)
    }

    /// Current counts of the roster (R2.6, `kioskctl status`).
    pub fn counts(&self) -> Result<Counts> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        counts(&tx)
    }

    /// Starts an import run in the log of runs, returning its id.
    pub fn begin_import_run(&self, full: bool, now: DateTime<Utc>) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO import_runs (started_at, full, outcome) VALUES (?1, ?2, ?3)",
            params![now.to_rfc3339(), full, ImportOutcome::Running.as_str()],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Ends an import run with its outcome.
    pub fn finish_import_run(
        &self,
        id: i64,
        outcome: ImportOutcome,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE import_runs SET finished_at = ?2, outcome = ?3, message = ?4 WHERE id = ?1",
            params![id, now.to_rfc3339(), outcome.as_str(), message],
        )?;
        Ok(())
    }

    /// The most recent import runs, newest first.
    pub fn import_runs(&self, limit: usize) -> Result<Vec<ImportRun>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, started_at, finished_at, full, outcome, message FROM import_runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(ImportRun {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    full: r.get(3)?,
                    outcome: text_column(r, 4)?,
                    message: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// When the last import that succeeded started, however many failed since: what the status
    /// strip and the configuration check both call the roster's age (R2.6, R5.5).
    pub fn last_good_import(&self) -> Result<Option<String>> {
        let sql = "SELECT started_at FROM import_runs WHERE outcome = ?1 ORDER BY id DESC LIMIT 1";
        let succeeded = ImportOutcome::Succeeded.as_str();
        Ok(self.conn().query_row(sql, [succeeded], |r| r.get(0)).optional()?)
    }
}

pub(super) const STUDENT_COLUMNS: &str =
    "upi, wonde_id, mis_id, forename, preferred_forename, surname, year, registration_group, archived, admission_number, upn";

pub(super) fn student_from_row(r: &Row) -> rusqlite::Result<Student> {
    Ok(Student {
        upi: r.get(0)?,
        wonde_id: r.get(1)?,
        mis_id: r.get(2)?,
        forename: r.get(3)?,
        preferred_forename: r.get(4)?,
        surname: r.get(5)?,
        year: r.get(6)?,
        registration_group: r.get(7)?,
        archived: r.get(8)?,
        admission_number: r.get(9)?,
        upn: r.get(10)?,
    })
}

pub(super) fn exclusions(tx: &Transaction, person_kind: &str) -> Result<HashSet<String>> {
    let mut stmt = tx.prepare("SELECT mis_id FROM exclusions WHERE person_kind = ?1")?;
    let ids = stmt.query_map([person_kind], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

pub(super) fn counts(tx: &Transaction) -> Result<Counts> {
    let count = |sql: &str| tx.query_row(sql, [], |r| r.get::<_, i64>(0));
    Ok(Counts {
        students: count("SELECT COUNT(*) FROM students WHERE archived = 0")?,
        contacts: count("SELECT COUNT(*) FROM contacts WHERE archived = 0")?,
        employees: count("SELECT COUNT(*) FROM employees WHERE archived = 0")?,
        codes: count("SELECT COUNT(*) FROM attendance_codes")?,
    })
}

pub(super) fn group_kind_text(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Year => "year",
        GroupKind::Registration => "registration",
        GroupKind::Other => "other",
    }
}
