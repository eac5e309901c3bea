//! The writeback log as office staff read it: one row per event in the school's time, for the
//! screen, `kioskctl log` and CSV export (R5.2).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::exports::{Exports, ExportsError};
use crate::store::{Event, EventFilter, Status, Store, StoreError};

/// One line of the log, as the window reads it (camelCase) and a CSV row holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRow {
    pub id: i64,
    pub date: String,
    pub time: String,
    pub person: String,
    pub year: String,
    pub registration_group: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
    pub collected_by: String,
    pub session: String,
    pub code: String,
    pub status: String,
    pub cause: String,
}

impl LogRow {
    pub fn new(event: &Event, tz: Tz) -> Self {
        let local = event.occurred_at.with_timezone(&tz);
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            id: event.id,
            date: event.school_date.to_string(),
            time: local.format("%H:%M:%S").to_string(),
            person: event.person_name.clone(),
            year: text(&event.year),
            registration_group: text(&event.registration_group),
            kind: event.kind.label().into(),
            reason: text(&event.reason),
            collected_by: text(&event.collected_by),
            session: text(&event.session),
            code: text(&event.code),
            status: event.status.label().into(),
            cause: text(&event.cause),
        }
    }
}

/// How many of `events` are in each status (every status listed, zero or not).
pub fn count_by_status(events: &[Event]) -> BTreeMap<Status, usize> {
    let mut counts: BTreeMap<Status, usize> = Status::ALL.iter().map(|&s| (s, 0)).collect();
    for e in events {
        *counts.entry(e.status).or_default() += 1;
    }
    counts
}

/// The events as CSV with a header row. Cells that a spreadsheet would run as a formula are
/// prefixed with a quote in every text column: names and reasons are typed by the public, and
/// years, groups and codes come from the MIS (L5).
pub fn to_csv(events: &[Event], tz: Tz) -> String {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(CSV_HEADER).expect("writing CSV to memory");
    for event in events {
        let mut row = LogRow::new(event, tz);
        for cell in [
            &mut row.date,
            &mut row.time,
            &mut row.person,
            &mut row.year,
            &mut row.registration_group,
            &mut row.kind,
            &mut row.reason,
            &mut row.collected_by,
            &mut row.session,
            &mut row.code,
            &mut row.status,
            &mut row.cause,
        ] {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                cell.insert(0, '\'');
            }
        }
        writer.serialize(row).expect("writing CSV to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing CSV to memory"))
        .expect("CSV of UTF-8 text")
}

/// The CSV's header: [`LogRow`]'s fields in order, in the snake_case spreadsheets and scripts
/// have read since the first export.
const CSV_HEADER: [&str; 13] = [
    "id",
    "date",
    "time",
    "person",
    "year",
    "registration_group",
    "type",
    "reason",
    "collected_by",
    "session",
    "code",
    "status",
    "cause",
];

/// Why an export was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Choose a range of up to a year, the first day first.")]
    BadRange,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Files(#[from] ExportsError),
}

/// A saved CSV export: where it is and how many events it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedExport {
    pub path: PathBuf,
    pub events: usize,
}

/// Saves the log of the days `from..=to` (newest first, as the log reads) as a CSV file in the
/// exports folder (R5.2), saved at `now`.
pub fn export_days(
    store: &Store,
    exports: &Exports,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<SavedExport, ExportError> {
    if to < from || to - from > Duration::days(366) {
        return Err(ExportError::BadRange);
    }
    let events =
        store.events(&EventFilter { date: Some(from), until: Some(to), ..Default::default() })?;
    let csv = to_csv(&events, store.settings_or_default().time_zone);
    let path = exports.save(&format!("writeback-log-{from}-{to}.csv"), csv.as_bytes(), now)?;
    tracing::info!(events = events.len(), %from, %to, "log exported to CSV");
    Ok(SavedExport { path, events: events.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_header_names_the_log_rows_fields_in_order() {
        // The csv crate names the fields in their serialised order in a header of its own.
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(LogRow::default()).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let fields: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let snake = |name: &str| {
            name.chars().fold(String::new(), |mut out, c| {
                if c.is_uppercase() {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
                out
            })
        };
        let header: Vec<String> = CSV_HEADER.iter().map(|h| h.to_string()).collect();
        assert_eq!(fields.into_iter().map(snake).collect::<Vec<_>>(), header);
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_quoted_in_every_text_column() {
        let at: chrono::DateTime<chrono::Utc> = "2026-11-23T09:05:00Z".parse().unwrap();
        let event = Event {
            id: 1,
            kind: kiosk_model::EventKind::EarlySignOut,
            student_upi: None,
            person_name: "=HYPERLINK(\"http://x\")".into(),
            year: Some("+7".into()),
            registration_group: Some("@7JM".into()),
            occurred_at: at,
            school_date: at.date_naive(),
            reason: Some("-1".into()),
            reason_typed: true,
            collected_by: Some("\tMum".into()),
            status: Status::Failed,
            cause: Some("=cmd".into()),
            session: Some("AM".into()),
            code: Some("=L".into()),
            writeback_id: None,
            next_attempt_at: None,
            recorded_at: at,
            collector_contact: None,
            clock_off_minutes: None,
        };
        let csv = to_csv(&[event], chrono_tz::Europe::London);
        let row = csv.lines().nth(1).unwrap();
        for cell in ["'=HYPERLINK", "'+7", "'@7JM", "'-1", "'\tMum", "'=L", "'=cmd"] {
            assert!(row.contains(cell), "{cell:?} in {row}");
        }
    }
}
