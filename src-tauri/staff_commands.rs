//! The staff area's commands (R5): each but the PIN pad's needs an open staff session. Thin:
//! they check input, call the core, and return plain data or a sentence.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use tauri::State;

use crate::app::AppState;
use crate::clock::school_date;
use crate::commands::CommandError;
use crate::import::{self, ImportOptions};
use crate::recording::quote;
use crate::report::{self, LogRow};
use crate::rules::EventKind;
use crate::settings::{Settings, SettingsError};
use crate::staff::{check, on_site, StaffError};
use crate::store::{Attempt, Event, EventFilter, Status};
use crate::wonde::connection::{self, Connection, ConnectionView};
use crate::wonde::{Token, WondeClient, WondeConfig};

type Result<T> = std::result::Result<T, CommandError>;

impl From<StaffError> for CommandError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::Store(e) => e.into(),
            other => CommandError::Invalid(other.to_string()),
        }
    }
}

fn refused(message: impl Into<String>) -> CommandError {
    CommandError::Invalid(message.into())
}

fn session_ok(state: &AppState, session: &str) -> Result<()> {
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
pub fn staff_set_pin(state: State<'_, AppState>, pin: String, current_pin: Option<String>) -> Result<()> {
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
pub fn staff_config_check(state: State<'_, AppState>, session: String) -> Result<Vec<check::Finding>> {
    session_ok(&state, &session)?;
    Ok(check::run(&state.store, &state.capabilities, state.clock.now())?)
}

#[tauri::command]
pub fn staff_on_site(state: State<'_, AppState>, session: String) -> Result<Vec<on_site::OnSiteRow>> {
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
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| refused(format!("{} is not a date.", quote(text))))
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
    let status = status.map(|s| s.parse::<Status>().map_err(|_| refused(format!("{} is not a status.", quote(&s))))).transpose()?;
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
    let rows = day.iter().filter(|e| status.is_none_or(|s| e.status == s)).map(|e| staff_row(e, when)).collect();
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
    let event = state.store.event(id)?.ok_or_else(|| refused(format!("There is no event {id}.")))?;
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
pub fn staff_export_csv(state: State<'_, AppState>, session: String, from: String, to: String) -> Result<SavedExport> {
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

#[derive(Serialize)]
pub struct CodeChoice {
    code: String,
    description: Option<String>,
}

#[derive(Serialize)]
pub struct SettingsView {
    settings: Value,
    codes: Vec<CodeChoice>,
    connection: Option<ConnectionViewOut>,
    demo: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionViewOut {
    school_id: String,
    base_url: String,
    token_masked: Option<String>,
}

impl From<ConnectionView> for ConnectionViewOut {
    fn from(v: ConnectionView) -> Self {
        Self { school_id: v.school_id, base_url: v.base_url, token_masked: v.token_masked }
    }
}

fn data_dir(state: &AppState) -> std::path::PathBuf {
    state.store.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default()
}

#[tauri::command]
pub fn staff_settings(state: State<'_, AppState>, session: String) -> Result<SettingsView> {
    session_ok(&state, &session)?;
    let settings = serde_json::to_value(state.store.settings_or_default()).expect("settings serialise");
    let codes = state.store.attendance_codes()?.into_iter().map(|c| CodeChoice { code: c.code, description: c.description }).collect();
    let connection = connection::view(&state.store, &data_dir(&state)).map_err(|e| refused(e.to_string()))?.map(Into::into);
    Ok(SettingsView { settings, codes, connection, demo: state.is_demo() })
}

#[tauri::command]
pub fn staff_save_settings(state: State<'_, AppState>, session: String, settings: Value) -> Result<()> {
    session_ok(&state, &session)?;
    let settings = Settings::from_json(&settings.to_string()).map_err(|e| match e {
        SettingsError::Invalid(sentence) => refused(sentence),
        other => refused(format!("These settings could not be saved ({other})")),
    })?;
    state.store.save_settings(&settings)?;
    tracing::info!("settings saved by staff");
    state.wake_sync();
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchoolSeen {
    school_name: String,
    mis: String,
}

/// The connection the staff typed, over the stored one: the typed school id, the typed token or,
/// left empty, the saved one, and the stored Wonde address (a new connection gets
/// `WONDE_API_URL` or Wonde's own).
fn typed_config(state: &AppState, school_id: &str, token: Option<String>) -> Result<WondeConfig> {
    let stored = connection::config(&state.store, &data_dir(state)).map_err(|e| refused(e.to_string()))?;
    let token = match token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Token::new(token.trim()),
        None => stored.as_ref().map(|c| c.token.clone()).ok_or_else(|| refused("Enter the Wonde token."))?,
    };
    let mut config = WondeConfig::new(school_id.trim(), token);
    if let Some(stored) = stored {
        config.base_url = stored.base_url;
    }
    Ok(config)
}

#[tauri::command]
pub async fn staff_test_connection(
    state: State<'_, AppState>,
    session: String,
    school_id: String,
    token: Option<String>,
) -> Result<SchoolSeen> {
    session_ok(&state, &session)?;
    let client = WondeClient::new(typed_config(&state, &school_id, token)?).map_err(|e| refused(e.to_string()))?;
    let school = client.school().await.map_err(|e| refused(e.to_string()))?;
    Ok(SchoolSeen { school_name: school.name, mis: school.mis })
}

/// Saves the connection and moves the kiosk's background work onto it at once: the sync engine
/// and the imports stop using the old connection (or the demo school).
#[tauri::command]
pub async fn staff_save_connection<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    session: String,
    school_id: String,
    token: Option<String>,
) -> Result<()> {
    session_ok(&state, &session)?;
    let config = typed_config(&state, &school_id, token)?;
    let connection = Connection { school_id: config.school_id.clone(), base_url: config.base_url.clone() };
    connection::save(&state.store, &data_dir(&state), &connection, &config.token).map_err(|e| refused(e.to_string()))?;
    crate::app::restart_background(&app).await.map_err(|e| {
        tracing::error!(error = %e, "the background work could not restart on the new connection");
        refused("The connection is saved, but the kiosk could not start using it. Please restart the kiosk.")
    })
}

#[tauri::command]
pub async fn staff_import_now(
    state: State<'_, AppState>,
    session: String,
    full: bool,
) -> Result<crate::store::Counts> {
    session_ok(&state, &session)?;
    let client = state.wonde_client().ok_or_else(|| refused("The kiosk is still starting; try again in a moment."))?;
    let options = ImportOptions { full, ..ImportOptions::default() };
    let sink = state.progress_sink();
    let progress = move |p: import::Progress| {
        if let Some(sink) = &sink {
            sink(p);
        }
    };
    let summary = import::run_import(&client, &state.store, state.clock.as_ref(), &options, &progress)
        .await
        .map_err(|e| refused(e.plain_words()))?;
    state.rebuild_index()?;
    Ok(summary.counts)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    started_at: String,
    finished_at: Option<String>,
    full: bool,
    outcome: String,
    message: Option<String>,
}

#[tauri::command]
pub fn staff_import_runs(state: State<'_, AppState>, session: String) -> Result<Vec<RunView>> {
    session_ok(&state, &session)?;
    Ok(state
        .store
        .import_runs(20)?
        .into_iter()
        .map(|r| RunView { started_at: r.started_at, finished_at: r.finished_at, full: r.full, outcome: r.outcome, message: r.message })
        .collect())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    mis_id: String,
    name: String,
    detail: String,
    imported: bool,
}

fn person_kind(kind: &str) -> Result<&'static str> {
    match kind {
        "student" => Ok("student"),
        "employee" => Ok("employee"),
        _ => Err(refused("Choose pupils or staff.")),
    }
}

#[tauri::command]
pub fn staff_people(state: State<'_, AppState>, session: String, kind: String, query: String) -> Result<Vec<Person>> {
    session_ok(&state, &session)?;
    let kind = person_kind(&kind)?;
    let wanted = crate::search::fold(&query);
    let excluded = state.store.excluded(kind)?;
    let matches = |name: &str| wanted.is_empty() || crate::search::fold(name).contains(&wanted);
    let mut people: Vec<Person> = if kind == "student" {
        let mut all = state.store.students()?;
        all.extend(state.store.archived_students()?.into_iter().filter(|s| s.mis_id.as_ref().is_some_and(|id| excluded.contains(id))));
        all.into_iter()
            .filter_map(|s| {
                let mis_id = s.mis_id.clone()?;
                let name = s.display_name();
                let detail = format!("Year {} · {}", s.year.unwrap_or_default(), s.registration_group.unwrap_or_default());
                Some(Person { imported: !excluded.contains(&mis_id), mis_id, name, detail })
            })
            .collect()
    } else {
        state
            .store
            .employees()?
            .into_iter()
            .filter(|(e, archived)| !archived || e.mis_id.as_ref().is_some_and(|id| excluded.contains(id)))
            .filter_map(|(e, _)| {
                let mis_id = e.mis_id.clone()?;
                Some(Person {
                    imported: !excluded.contains(&mis_id),
                    name: format!("{} {}", e.forename, e.surname),
                    detail: e.role.unwrap_or_default(),
                    mis_id,
                })
            })
            .collect()
    };
    people.retain(|p| matches(&p.name));
    people.sort_by(|a, b| a.name.cmp(&b.name));
    people.truncate(50);
    Ok(people)
}

#[tauri::command]
pub fn staff_set_import(state: State<'_, AppState>, session: String, kind: String, mis_id: String, imported: bool) -> Result<()> {
    session_ok(&state, &session)?;
    let kind = person_kind(&kind)?;
    state.store.set_excluded(kind, &mis_id, !imported)?;
    state.rebuild_index()?;
    Ok(())
}
