//! The writeback log as office staff read it: one row per event in the school's time, for the
//! screen, `kioskctl log` and CSV export (R5.2).

use chrono_tz::Tz;
use serde::Serialize;

use crate::rules::EventKind;
use crate::store::Event;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// The words staff see for an event type.
pub fn kind_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::LateSignIn => "Late sign-in",
        EventKind::EarlySignOut => "Early sign-out",
        EventKind::Return => "Returned",
    }
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
            kind: kind_label(event.kind).into(),
            reason: text(&event.reason),
            collected_by: text(&event.collected_by),
            session: text(&event.session),
            code: text(&event.code),
            status: event.status.label().into(),
            cause: text(&event.cause),
        }
    }
}

/// The events as CSV with a header row. Cells that a spreadsheet would run as a formula are
/// prefixed with a quote, since names and reasons are typed by the public.
pub fn to_csv(events: &[Event], tz: Tz) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for event in events {
        let mut row = LogRow::new(event, tz);
        for cell in [&mut row.person, &mut row.reason, &mut row.collected_by, &mut row.cause] {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                cell.insert(0, '\'');
            }
        }
        writer.serialize(row).expect("writing CSV to memory");
    }
    if events.is_empty() {
        // Still a header, so a spreadsheet opens an empty day cleanly.
        writer
            .write_record([
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
            ])
            .expect("writing CSV to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing CSV to memory"))
        .expect("CSV of UTF-8 text")
}
