//! Employees from a CSV upload (R1.5): for staff the MIS does not hold (agency cover,
//! volunteers), or schools that do not import staff from the MIS.
//!
//! Columns, by header (any order, any case): `forename` and `surname` (required), `mis_id`,
//! `title`, `email`, `role`. Good rows are saved together; every bad row is reported with its
//! line number and what to fix, and saves nothing.

use std::collections::HashSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{CsvOutcome, Employee, Store, StoreError};

/// Why an upload could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("the file is not a CSV the kiosk can read: {0}")]
    Unreadable(String),
    #[error("the file has no '{0}' column; the first line must name the columns (forename, surname, and optionally mis_id, title, email, role)")]
    MissingColumn(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The line in the file (1 is the header).
    pub line: u64,
    pub reason: String,
}

/// What an upload did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CsvReport {
    pub added: usize,
    pub updated: usize,
    /// Rows whose MIS id belongs to an employee imported from the MIS (the MIS record wins).
    pub held_by_mis: Vec<BadRow>,
    pub bad_rows: Vec<BadRow>,
}

const MAX_TEXT: usize = 100;

/// Reads a CSV of employees and saves its good rows.
pub fn import_employees_csv(store: &Store, input: impl Read, now: DateTime<Utc>) -> Result<CsvReport, CsvError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CsvError::Unreadable(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let forename_at = column("forename").or_else(|| column("first_name")).ok_or(CsvError::MissingColumn("forename"))?;
    let surname_at = column("surname").or_else(|| column("last_name")).ok_or(CsvError::MissingColumn("surname"))?;
    let (mis_at, title_at, email_at, role_at) = (column("mis_id"), column("title"), column("email"), column("role"));

    let mut report = CsvReport::default();
    let mut good: Vec<(u64, Employee)> = Vec::new();
    let mut seen_ids = HashSet::new();
    for (n, record) in reader.records().enumerate() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(n as u64 + 2, |p| p.line());
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.bad_rows.push(BadRow { line, reason: format!("the line could not be read ({e})") });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::to_string).filter(|v| !v.is_empty());
        let employee = Employee {
            upi: None,
            wonde_id: None,
            mis_id: field(mis_at),
            title: field(title_at),
            forename: field(Some(forename_at)).unwrap_or_default(),
            surname: field(Some(surname_at)).unwrap_or_default(),
            email: field(email_at),
            role: field(role_at),
        };
        match check(&employee, &mut seen_ids) {
            Ok(()) => good.push((line, employee)),
            Err(reason) => report.bad_rows.push(BadRow { line, reason }),
        }
    }
    let rows: Vec<Employee> = good.iter().map(|(_, e)| e.clone()).collect();
    for ((line, e), outcome) in good.iter().zip(store.upsert_csv_employees(&rows, now)?) {
        match outcome {
            CsvOutcome::Added => report.added += 1,
            CsvOutcome::Updated => report.updated += 1,
            CsvOutcome::HeldByMis => report.held_by_mis.push(BadRow {
                line: *line,
                reason: format!("MIS id {} belongs to a member of staff imported from the MIS; the MIS record is kept", e.mis_id.as_deref().unwrap_or_default()),
            }),
        }
    }
    tracing::info!(added = report.added, updated = report.updated, bad = report.bad_rows.len(), "employees CSV imported");
    Ok(report)
}

fn check(e: &Employee, seen_ids: &mut HashSet<String>) -> Result<(), String> {
    for (what, value, required) in [
        ("forename", Some(&e.forename), true),
        ("surname", Some(&e.surname), true),
        ("title", e.title.as_ref(), false),
        ("role", e.role.as_ref(), false),
        ("MIS id", e.mis_id.as_ref(), false),
        ("email", e.email.as_ref(), false),
    ] {
        let value = value.map(String::as_str).unwrap_or_default();
        if required && value.is_empty() {
            return Err(format!("the {what} is missing"));
        }
        if value.chars().count() > MAX_TEXT || value.chars().any(char::is_control) {
            return Err(format!("the {what} is longer than {MAX_TEXT} characters or has control characters"));
        }
    }
    if let Some(email) = &e.email {
        let (local, domain) = email.split_once('@').unwrap_or_default();
        if local.is_empty() || !domain.contains('.') || email.contains(char::is_whitespace) {
            return Err(format!("'{email}' is not an email address"));
        }
    }
    if let Some(id) = &e.mis_id {
        if !seen_ids.insert(id.clone()) {
            return Err(format!("MIS id {id} appears on an earlier line too"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_saves_good_rows_and_says_what_is_wrong_with_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let csv = "Forename,Surname,MIS ID,Email,Role\n\
                   Siobhán,O'Neill,,siobhan@school.example,Cover\n\
                   ,Smith,,,\n\
                   Zoë,Smith-Jones,77,zoe@school,Volunteer\n\
                   Ann,Lee,78,ann@school.example,\n\
                   Bob,Lee,78,,\n";
        let report = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
        assert_eq!(report.added, 2);
        let lines: Vec<u64> = report.bad_rows.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 6]);
        assert!(report.bad_rows[0].reason.contains("forename is missing"));
        assert!(report.bad_rows[1].reason.contains("not an email"));
        assert!(report.bad_rows[2].reason.contains("earlier line"));
        // The same file again updates rather than duplicates.
        let again = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
        assert_eq!((again.added, again.updated), (0, 2));
    }

    #[test]
    fn a_file_without_the_name_columns_is_refused_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let err = import_employees_csv(&store, "name,email\nA,b@c.d\n".as_bytes(), Utc::now()).unwrap_err();
        assert!(err.to_string().contains("no 'forename' column"));
    }
}
