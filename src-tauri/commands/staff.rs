//! The staff area's commands (R5): the PIN pad, and behind a [`StaffSession`] the log, an
//! event's detail, retry, the CSV export and the exports folder, the configuration check and the
//! on-site list, printed on the school's printer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use super::{on_pool, parse_word, StaffSession};
use crate::app::AppState;
use crate::error::{Error, Result};
use kiosk_core::exports::ExportFile;
use kiosk_core::printing;
use kiosk_core::report::{self, LogRow};
use kiosk_core::staff::held_time::{self, TimeChoice};
use kiosk_core::staff::{check, on_site};
use kiosk_core::store::{Attempt, Event, EventFilter, Status};
use kiosk_model::clock::school_date;
use kiosk_model::EventKind;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PinStatusView {
    pin_set: bool,
    locked_for_seconds: i64,
    /// No PIN is set and the window may choose the first (no school connected: R6.6).
    can_choose_first: bool,
}

#[tauri::command]
pub async fn staff_pin_status<R: Runtime>(app: AppHandle<R>) -> Result<PinStatusView> {
    on_pool(app, |state| {
        let status = state.staff.status(&state.store, state.clock.now())?;
        Ok(PinStatusView {
            pin_set: status.pin_set,
            locked_for_seconds: status.locked_for_seconds,
            can_choose_first: !status.pin_set && state.is_demo(),
        })
    })
    .await
}

#[tauri::command]
pub async fn staff_set_pin<R: Runtime>(
    app: AppHandle<R>,
    pin: String,
    current_pin: Option<String>,
) -> Result<()> {
    on_pool(app, move |state| {
        let may_choose_first = state.is_demo();
        Ok(state.staff.set_pin(
            &state.store,
            &pin,
            current_pin.as_deref(),
            may_choose_first,
            state.clock.now(),
        )?)
    })
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unlocked {
    session: String,
    /// Wrong PIN tries since staff last opened the area, for the staff area to say (R6.6).
    wrong_tries_since_last_visit: u32,
}

#[tauri::command]
pub async fn staff_unlock<R: Runtime>(app: AppHandle<R>, pin: String) -> Result<Unlocked> {
    on_pool(app, move |state| {
        let unlocked = state.staff.unlock(&state.store, &pin, state.clock.now())?;
        Ok(Unlocked {
            session: unlocked.session,
            wrong_tries_since_last_visit: unlocked.wrong_tries_since_last_visit,
        })
    })
    .await
}

#[tauri::command]
pub async fn staff_lock(state: State<'_, AppState>, session: String) -> Result<()> {
    state.staff.lock(&session);
    Ok(())
}

/// The badge on the Staff button: problems and warnings of the configuration check.
#[tauri::command]
pub async fn staff_check_count<R: Runtime>(app: AppHandle<R>) -> Result<usize> {
    on_pool(app, |state| {
        Ok(check::count(&check::run(
            &state.store,
            &state.capabilities,
            state.clock.now(),
            state.clock_wrong_by(),
        )?))
    })
    .await
}

#[tauri::command]
pub async fn staff_config_check<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<Vec<check::Finding>> {
    on_pool(app, |state| {
        Ok(check::run(
            &state.store,
            &state.capabilities,
            state.clock.now(),
            state.clock_wrong_by(),
        )?)
    })
    .await
}

#[tauri::command]
pub async fn staff_on_site<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<Vec<on_site::OnSiteRow>> {
    on_pool(app, |state| Ok(on_site::today(&state.store, state.clock.now())?)).await
}

/// A log row as the staff area shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffRow {
    #[serde(flatten)]
    row: LogRow,
    status: Status,
    status_label: String,
    can_retry: bool,
    /// Collected by an adult the kiosk could not match to the child's contacts (R10.1).
    collector_unknown: bool,
    /// Recorded while the tablet's clock was wrong: held until staff confirm its time (R6.5).
    clock_held: bool,
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
        status: event.status,
        status_label,
        can_retry: event.status == Status::Failed && event.school_date == today,
        collector_unknown: event.collector_unknown(),
        clock_held: event.clock_off_minutes.is_some(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pending: usize,
    successful: usize,
    failed: usize,
    not_required: usize,
    expired: usize,
}

impl From<BTreeMap<Status, usize>> for Counts {
    fn from(by: BTreeMap<Status, usize>) -> Self {
        let n = |s| by.get(&s).copied().unwrap_or(0);
        Counts {
            pending: n(Status::Pending),
            successful: n(Status::Successful),
            failed: n(Status::Failed),
            not_required: n(Status::NotRequired),
            expired: n(Status::Expired),
        }
    }
}

#[derive(Serialize)]
pub struct LogView {
    rows: Vec<StaffRow>,
    counts: Counts,
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::invalid(format!("{} is not a date.", kiosk_core::recording::quote(text)))
    })
}

#[tauri::command]
pub async fn staff_log<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    date: String,
    status: Option<String>,
    kind: Option<String>,
    text: Option<String>,
) -> Result<LogView> {
    let date = parse_date(&date)?;
    let status = status
        .map(|s| parse_word::<Status>(&s, |quoted| format!("{quoted} is not a status.")))
        .transpose()?;
    let kind = kind
        .map(|k| parse_word::<EventKind>(&k, |_| "That is not a type of event.".into()))
        .transpose()?;
    if text.as_deref().is_some_and(|t| t.chars().count() > 100) {
        return Err(Error::invalid("The search text is too long."));
    }
    on_pool(app, move |state| {
        // The chips count the day under the type and text filters, whatever status is picked.
        let filter = EventFilter { date: Some(date), kind, text, ..Default::default() };
        let day = state.store.events(&filter)?;
        let when = zone_and_today(state);
        let rows = day
            .iter()
            .filter(|e| status.is_none_or(|s| e.status == s))
            .map(|e| staff_row(e, when))
            .collect();
        Ok(LogView { rows, counts: report::count_by_status(&day).into() })
    })
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    started_at: String,
    duration_ms: i64,
    sent: String,
    http_status: Option<u16>,
    mis_message: Option<String>,
    /// The outcome as staff read it.
    outcome: String,
    /// The outcome's kind (`accepted`, `will_retry`, ...), and whether it moved the mark on.
    kind: kiosk_model::AttemptOutcome,
    good: bool,
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        Self {
            outcome: a.outcome_text(),
            kind: a.outcome,
            good: a.outcome.is_good(),
            started_at: a.started_at.to_rfc3339(),
            duration_ms: a.duration_ms,
            sent: a.sent,
            http_status: a.http_status,
            mis_message: a.mis_message,
        }
    }
}

#[derive(Serialize)]
pub struct EventDetail {
    row: StaffRow,
    attempts: Vec<AttemptView>,
    /// The contact the collector's typed name matched, for the office only.
    collector: Option<CollectorMatch>,
    /// For an event held for a wrong clock: the two times staff choose between.
    clock: Option<HeldTime>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldTime {
    off_minutes: i64,
    recorded: String,
    by_wonde: String,
}

impl HeldTime {
    fn of(event: &Event, tz: chrono_tz::Tz) -> Option<Self> {
        let shown = |at: chrono::DateTime<chrono::Utc>| {
            at.with_timezone(&tz).format("%H:%M on %A %-d %B").to_string()
        };
        Some(Self {
            off_minutes: event.clock_off_minutes?,
            recorded: shown(event.occurred_at),
            by_wonde: shown(held_time::by_wonde(event)?),
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectorMatch {
    name: String,
    relationship: Option<String>,
    parental_responsibility: bool,
}

#[tauri::command]
pub async fn staff_event<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    id: i64,
) -> Result<EventDetail> {
    on_pool(app, move |state| {
        let event = state
            .store
            .event(id)?
            .ok_or_else(|| Error::invalid(format!("There is no event {id}.")))?;
        let attempts = state.store.attempts(id)?.into_iter().map(AttemptView::from).collect();
        let collector = match (&event.student_upi, &event.collector_contact) {
            (Some(student), Some(contact)) => state
                .store
                .contacts_of(student)?
                .into_iter()
                .find(|c| &c.contact.upi == contact)
                .map(|c| CollectorMatch {
                    name: format!("{} {}", c.contact.forename, c.contact.surname),
                    relationship: c.link.relationship,
                    parental_responsibility: c.link.parental_responsibility == Some(true),
                }),
            _ => None,
        };
        let when = zone_and_today(state);
        let clock = HeldTime::of(&event, when.0);
        Ok(EventDetail { row: staff_row(&event, when), attempts, collector, clock })
    })
    .await
}

#[tauri::command]
pub async fn staff_retry<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    id: i64,
) -> Result<StaffRow> {
    on_pool(app, move |state| {
        let when = zone_and_today(state);
        let event = state.store.retry_event(id, when.1, state.clock.now())?;
        tracing::info!(event = id, "event retried by staff");
        state.wake_sync();
        Ok(staff_row(&event, when))
    })
    .await
}

/// Confirms the time of an event recorded on a wrong clock: as recorded, or by Wonde's clock.
#[tauri::command]
pub async fn staff_confirm_time<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    id: i64,
    by_wonde: bool,
) -> Result<StaffRow> {
    let choice = if by_wonde { TimeChoice::ByWonde } else { TimeChoice::AsRecorded };
    on_pool(app, move |state| {
        let event = held_time::confirm(&state.store, id, choice, state.clock.now())?
            .ok_or_else(|| Error::invalid(format!("Event {id} is not waiting for its time.")))?;
        state.wake_sync();
        Ok(staff_row(&event, zone_and_today(state)))
    })
    .await
}

/// "Retry all of today's failures": every Failed event of today back in the queue. Returns how
/// many.
#[tauri::command]
pub async fn staff_retry_failed_today<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<usize> {
    on_pool(app, move |state| {
        let (_, today) = zone_and_today(state);
        let retried = state.store.retry_failed_today(today, state.clock.now())?;
        tracing::info!(retried, "today's failures retried by staff");
        state.wake_sync();
        Ok(retried)
    })
    .await
}

/// A saved CSV export: where it is and how many events it holds.
#[derive(Serialize)]
pub struct SavedExport {
    path: String,
    events: usize,
}

/// Saves the log of the days `from`..=`to` as a CSV file in the exports folder (R5.2).
#[tauri::command]
pub async fn staff_export_csv<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    from: String,
    to: String,
) -> Result<SavedExport> {
    let (from, to) = (parse_date(&from)?, parse_date(&to)?);
    on_pool(app, move |state| {
        let saved = report::export_days(&state.store, &state.exports, from, to, state.clock.now())?;
        Ok(SavedExport { path: saved.path.display().to_string(), events: saved.events })
    })
    .await
}

/// One saved export as the staff area lists it, its time in the school's zone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    name: String,
    bytes: u64,
    saved_at: String,
    events: Option<usize>,
}

/// The exports folder: where it is (IT fetches the files from there) and what it holds.
#[derive(Serialize)]
pub struct ExportsView {
    folder: String,
    exports: Vec<ExportView>,
}

fn exports_view(state: &AppState) -> Result<ExportsView> {
    let tz = state.store.settings_or_default().time_zone;
    let view = |e: ExportFile| ExportView {
        saved_at: e.saved_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        name: e.name,
        bytes: e.bytes,
        events: e.events,
    };
    Ok(ExportsView {
        folder: state.exports.dir().display().to_string(),
        exports: state.exports.list()?.into_iter().map(view).collect(),
    })
}

/// The saved exports, newest first (R6.2, R6.4).
#[tauri::command]
pub async fn staff_exports<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<ExportsView> {
    on_pool(app, exports_view).await
}

/// Deletes the export `name`, one the list gave; returns the list as it is then.
#[tauri::command]
pub async fn staff_delete_export<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    name: String,
) -> Result<ExportsView> {
    on_pool(app, move |state| {
        state.exports.delete(&name)?;
        exports_view(state)
    })
    .await
}

/// What the printer was given.
#[derive(Serialize)]
pub struct Printed {
    printer: String,
    /// CUPS's id of the job.
    job: String,
    rows: usize,
}

/// Prints today's on-site list on the printer set in Settings (R5.6, L7).
#[tauri::command]
pub async fn staff_print_on_site<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<Printed> {
    on_pool(app, |state| {
        let settings = state.store.settings_or_default();
        let now = state.clock.now();
        let rows = on_site::today(&state.store, now)?;
        let school = state.store.school()?.map(|s| s.name).unwrap_or_default();
        let sheet = on_site::sheet(&school, &rows, now, settings.time_zone);
        let job =
            printing::print(settings.printer.as_deref(), &sheet.title, sheet.text.as_bytes())?;
        Ok(Printed { printer: settings.printer.unwrap_or_default(), job, rows: rows.len() })
    })
    .await
}
