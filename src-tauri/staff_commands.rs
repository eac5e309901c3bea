//! The staff area's commands (R5): each but the PIN pad's needs an open staff session. Thin:
//! they check input, call the core, and return plain data or a sentence.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use tauri::State;

use crate::app::AppState;
use crate::commands::CommandError;
use kiosk_core::recording::quote;
use kiosk_core::report::{self, LogRow};
use kiosk_core::rules::EventKind;
use kiosk_core::staff::{check, on_site, StaffError};
use kiosk_core::store::{Attempt, Event, EventFilter, Status};
use kiosk_model::clock::school_date;

pub(crate) type Result<T> = std::result::Result<T, CommandError>;

impl From<StaffError> for CommandError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::Store(e) => e.into(),
            other => CommandError::Invalid(other.to_string()),
        }
    }
}

pub(crate) fn refused(message: impl Into<String>) -> CommandError {
    CommandError::Invalid(message.into())
}

pub(crate) fn session_ok(state: &AppState, session: &str) -> Result<()> {
    Ok(state.staff.check(session, state.clock.now())?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PinStatusView {
    pin_set: bool,
    locked_for_seconds: i64,
}

#[tauri::command]
pub fn staff_pin_status(state: State<'_, AppState>) -> Result<PinStatusView> {
    let status = state.staff.status(&state.store, state.clock.now())?;
    Ok(PinStatusView { pin_set: status.pin_set, locked_for_seconds: status.locked_for_seconds })
}

#[tauri::command]
pub fn staff_set_pin(
    state: State<'_, AppState>,
    pin: String,
    current_pin: Option<String>,
) -> Result<()> {
    Ok(state.staff.set_pin(&state.store, &pin, current_pin.as_deref(), state.clock.now())?)
}

#[derive(Serialize)]
pub struct Unlocked {
    session: String,
}

#[tauri::command]
pub fn staff_unlock(state: State<'_, AppState>, pin: String) -> Result<Unlocked> {
    Ok(Unlocked { session: state.staff.unlock(&state.store, &pin, state.clock.now())? })
}

#[tauri::command]
pub fn staff_lock(state: State<'_, AppState>, session: String) {
    state.staff.lock(&session);
}

/// The badge on the Staff button: problems and warnings of the configuration check.
#[tauri::command]
pub fn staff_check_count(state: State<'_, AppState>) -> Result<usize> {
    Ok(check::count(&check::run(&state.store, &state.capabilities, state.clock.now())?))
}

#[tauri::command]
pub fn staff_config_check(
    state: State<'_, AppState>,
    session: String,
) -> Result<Vec<check::Finding>> {
    session_ok(&state, &session)?;
    Ok(check::run(&state.store, &state.capabilities, state.clock.now())?)
}

#[tauri::command]
pub fn staff_on_site(
    state: State<'_, AppState>,
    session: String,
) -> Result<Vec<on_site::OnSiteRow>> {
    session_ok(&state, &session)?;
    Ok(on_site::today(&state.store, state.clock.now())?)
}

/// A log row as the staff area shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffRow {
    #[serde(flatten)]
    row: LogRow,
    status: String,
    status_label: String,
    can_retry: bool,
}

/// The school's zone and today's date: read once per command, not once per row.
fn zone_and_today(state: &AppState) -> (chrono_tz::Tz, NaiveDate) {
    let tz = state.store.settings_or_default().time_zone;
    (tz, school_date(state.clock.now(), tz))
}

fn staff_row(event: &Event, (tz, today): (chrono_tz::Tz, NaiveDate)) -> StaffRow {
    let mut row = LogRow::new(event, tz);
    let status_label = std::mem::take(&mut row.status);
    StaffRow {
        row,
        status: event.status.as_str().into(),
        status_label,
        can_retry: event.status == Status::Failed && event.school_date == today,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pending: i64,
    successful: i64,
    failed: i64,
    not_required: i64,
    expired: i64,
}

#[derive(Serialize)]
pub struct LogView {
    rows: Vec<StaffRow>,
    counts: Counts,
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| refused(format!("{} is not a date.", quote(text))))
}

fn parse_kind(kind: &str) -> Result<EventKind> {
    match kind {
        "late_sign_in" => Ok(EventKind::LateSignIn),
        "early_sign_out" => Ok(EventKind::EarlySignOut),
        "return" => Ok(EventKind::Return),
        _ => Err(refused("That is not a type of event.")),
    }
}

#[tauri::command]
pub fn staff_log(
    state: State<'_, AppState>,
    session: String,
    date: String,
    status: Option<String>,
    kind: Option<String>,
    text: Option<String>,
) -> Result<LogView> {
    session_ok(&state, &session)?;
    let date = parse_date(&date)?;
    let status = status
        .map(|s| {
            s.parse::<Status>().map_err(|_| refused(format!("{} is not a status.", quote(&s))))
        })
        .transpose()?;
    let kind = kind.map(|k| parse_kind(&k)).transpose()?;
    if text.as_deref().is_some_and(|t| t.chars().count() > 100) {
        return Err(refused("The search text is too long."));
    }
    // The chips count the day under the type and text filters, whatever status is picked.
    let day = state.store.events(&EventFilter { date: Some(date), status: None, kind, text })?;
    let count = |s: Status| day.iter().filter(|e| e.status == s).count() as i64;
    let counts = Counts {
        pending: count(Status::Pending),
        successful: count(Status::Successful),
        failed: count(Status::Failed),
        not_required: count(Status::NotRequired),
        expired: count(Status::Expired),
    };
    let when = zone_and_today(&state);
    let rows = day
        .iter()
        .filter(|e| status.is_none_or(|s| e.status == s))
        .map(|e| staff_row(e, when))
        .collect();
    Ok(LogView { rows, counts })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    started_at: String,
    duration_ms: i64,
    sent: String,
    http_status: Option<u16>,
    mis_message: Option<String>,
    outcome: String,
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        Self {
            started_at: a.started_at.to_rfc3339(),
            duration_ms: a.duration_ms,
            sent: a.sent,
            http_status: a.http_status,
            mis_message: a.mis_message,
            outcome: a.outcome,
        }
    }
}

#[derive(Serialize)]
pub struct EventDetail {
    row: StaffRow,
    attempts: Vec<AttemptView>,
}

#[tauri::command]
pub fn staff_event(state: State<'_, AppState>, session: String, id: i64) -> Result<EventDetail> {
    session_ok(&state, &session)?;
    let event =
        state.store.event(id)?.ok_or_else(|| refused(format!("There is no event {id}.")))?;
    let attempts = state.store.attempts(id)?.into_iter().map(AttemptView::from).collect();
    Ok(EventDetail { row: staff_row(&event, zone_and_today(&state)), attempts })
}

#[tauri::command]
pub fn staff_retry(state: State<'_, AppState>, session: String, id: i64) -> Result<StaffRow> {
    session_ok(&state, &session)?;
    let when = zone_and_today(&state);
    let event = state.store.retry_event(id, when.1, state.clock.now())?;
    tracing::info!(event = id, "event retried by staff");
    state.wake_sync();
    Ok(staff_row(&event, when))
}

/// A saved CSV export: where it is and how many events it holds.
#[derive(Serialize)]
pub struct SavedExport {
    path: String,
    events: usize,
}

/// Saves the log of the days `from`..=`to` as a CSV file in the exports folder (R5.2).
#[tauri::command]
pub fn staff_export_csv(
    state: State<'_, AppState>,
    session: String,
    from: String,
    to: String,
) -> Result<SavedExport> {
    session_ok(&state, &session)?;
    let (from, to) = (parse_date(&from)?, parse_date(&to)?);
    if to < from || to - from > Duration::days(366) {
        return Err(refused("Choose a range of up to a year, the first day first."));
    }
    let mut events = Vec::new();
    let mut day = to;
    while day >= from {
        events.extend(state.store.events(&EventFilter { date: Some(day), ..Default::default() })?);
        day = day.pred_opt().expect("a date after the start of time");
    }
    let csv = report::to_csv(&events, state.store.settings_or_default().time_zone);
    let path = state.exports_dir.join(format!("writeback-log-{from}-{to}.csv"));
    save_file(&path, csv.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, dir = %state.exports_dir.display(), "could not save the CSV export");
        refused(format!("The export could not be saved in {}. Please tell IT.", state.exports_dir.display()))
    })?;
    tracing::info!(events = events.len(), %from, %to, "log exported to CSV");
    Ok(SavedExport { path: path.display().to_string(), events: events.len() })
}

/// Writes a whole file or nothing: a half-written export is never left under the final name.
fn save_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("csv.partial");
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}
