//! Employees from a CSV upload (R1.5): for staff the MIS does not hold (agency cover,
//! volunteers), or schools that do not import staff from the MIS.
//!
//! Columns, by header (any order, any case): `forename` and `surname` (required), `mis_id`,
//! `title`, `email`, `role`. The file is all or nothing: every row is checked first, and one bad
//! row means nothing is saved, with every bad row reported by its line number and what to fix.
//! (Saving the good rows alone would leave the office re-uploading a half-imported file, and a
//! row with neither MIS id nor email would then be added twice.)

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
    #[error("{} line(s) cannot be used, so nothing was imported; fix them and upload the file again", .0.len())]
    BadRows(Vec<BadRow>),
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
}

const MAX_TEXT: usize = 100;

/// Reads a CSV of employees and saves them all, or, if any row is bad, nothing.
pub fn import_employees_csv(
    store: &Store,
    mut input: impl Read,
    now: DateTime<Utc>,
) -> Result<CsvReport, CsvError> {
    // Read whole (a staff list is small) so a bad row's line can be counted from its byte offset.
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| CsvError::Unreadable(e.to_string()))?;
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(bytes.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CsvError::Unreadable(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let forename_at = column("forename")
        .or_else(|| column("first_name"))
        .ok_or(CsvError::MissingColumn("forename"))?;
    let surname_at = column("surname")
        .or_else(|| column("last_name"))
        .ok_or(CsvError::MissingColumn("surname"))?;
    let (mis_at, title_at, email_at, role_at) =
        (column("mis_id"), column("title"), column("email"), column("role"));

    let mut bad_rows = Vec::new();
    let mut good: Vec<(u64, Employee)> = Vec::new();
    let mut seen_ids = HashSet::new();
    for (n, record) in reader.records().enumerate() {
        // The line the record starts on: a quoted field may span lines, so counting records
        // would name the wrong one, and the reader's own line count misses lines ended by a
        // lone CR (old Mac exports) or CRLF, so breaks are counted up to its byte offset.
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position.map_or(n as u64 + 2, |p| line_at(&bytes, p.byte()));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad_rows.push(BadRow { line, reason: unreadable(&e) });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |at: Option<usize>| {
            at.and_then(|i| record.get(i)).map(str::to_string).filter(|v| !v.is_empty())
        };
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
            Err(reason) => bad_rows.push(BadRow { line, reason }),
        }
    }
    if !bad_rows.is_empty() {
        return Err(CsvError::BadRows(bad_rows));
    }
    let mut report = CsvReport::default();
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
    tracing::info!(added = report.added, updated = report.updated, "employees CSV imported");
    Ok(report)
}

/// The line (from 1) of the record the reader started at byte `offset`, counting `\r\n`, `\n`
/// and a lone `\r` as one break. The reader's offset is before any blank lines it skipped.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut start = (offset as usize).min(bytes.len());
    while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
        start += 1;
    }
    let before = &bytes[..start];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// Why a line could not be read, in the office's words (the CSV reader's own text names byte
/// offsets and field counts).
fn unreadable(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the line is not UTF-8 text; save the file as \"CSV UTF-8\"".into()
        }
        _ => "the line could not be read as CSV; check its quotes".into(),
    }
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
        if value.chars().count() > MAX_TEXT || value.chars().any(kiosk_model::text::unrecordable) {
            return Err(format!(
                "the {what} is longer than {MAX_TEXT} characters or has control characters"
            ));
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
    fn an_upload_with_bad_rows_saves_nothing_and_says_what_is_wrong_with_each() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let csv = "Forename,Surname,MIS ID,Email,Role\n\
                   Siobhán,O'Neill,,siobhan@school.example,Cover\n\
                   ,Smith,,,\n\
                   Zoë,Smith-Jones,77,zoe@school,Volunteer\n\
                   Ann,Lee,78,ann@school.example,\n\
                   Bob,Lee,78,,\n";
        let Err(CsvError::BadRows(bad)) = import_employees_csv(&store, csv.as_bytes(), Utc::now())
        else {
            panic!("bad rows refused")
        };
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 6]);
        assert!(bad[0].reason.contains("forename is missing"));
        assert!(bad[1].reason.contains("not an email"));
        assert!(bad[2].reason.contains("earlier line"));
        assert!(store.employees().unwrap().is_empty(), "not even the good rows");
    }

    #[test]
    fn a_good_upload_saves_every_row_and_again_updates_rather_than_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let csv =
            "Forename,Surname,MIS ID,Email\nSiobhán,O'Neill,,siobhan@school.example\nAnn,Lee,78,\n";
        let report = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
        assert_eq!((report.added, report.updated), (2, 0));
        let again = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
        assert_eq!((again.added, again.updated), (0, 2));
    }

    #[test]
    fn a_bad_row_after_a_quoted_field_over_two_lines_is_named_by_the_line_it_starts_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let mut csv = b"forename,surname,role\nAnn,Lee,\"Cover,\nPart time\"\nBob,".to_vec();
        csv.extend_from_slice(&[0xff, 0xfe]);
        csv.extend_from_slice(b",Cover\n");
        let Err(CsvError::BadRows(bad)) = import_employees_csv(&store, csv.as_slice(), Utc::now())
        else {
            panic!("refused")
        };
        // The two-line role is bad too (a line break inside it), and named by its first line.
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(bad[1].reason, "the line is not UTF-8 text; save the file as \"CSV UTF-8\"");
    }

    #[test]
    fn lines_ended_by_a_lone_carriage_return_are_counted_too() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let csv = "forename,surname\rAnn,Lee\r\r,Smith\r";
        let Err(CsvError::BadRows(bad)) = import_employees_csv(&store, csv.as_bytes(), Utc::now())
        else {
            panic!("refused")
        };
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), vec![4]);
    }

    #[test]
    fn a_file_without_the_name_columns_is_refused_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let err = import_employees_csv(&store, "name,email\nA,b@c.d\n".as_bytes(), Utc::now())
            .unwrap_err();
        assert!(err.to_string().contains("no 'forename' column"));
    }
}
