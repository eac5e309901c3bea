//! The kiosk window's commands (R2): thin. Each checks its input, calls the core and returns
//! plain data, or a sentence a receptionist understands (the detail goes to the log).

use serde::{Deserialize, Serialize};
use tauri::State;

use crate::app::AppState;
use kiosk_core::recording::{self, Person, ReasonText, RecordError, Request, MAX_TEXT};
use kiosk_core::rules::EventKind;
use kiosk_core::search::Hit;
use kiosk_core::store::{EventFilter, Status, StoreError};
use kiosk_model::clock::school_date;

/// What a command can fail with; it reaches the UI as its sentence.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Invalid(String),
    #[error("The kiosk could not read or save its data. Please tell the school office.")]
    Store(StoreError),
    /// The disk is full or cannot be written: what the person did is not recorded.
    #[error("This was not saved: the kiosk cannot store anything just now. Please tell the school office.")]
    NotSaved(StoreError),
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::CannotWrite(_) => CommandError::NotSaved(e),
            // The store's own refusals are sentences for the person (e.g. retrying an event
            // that has not failed), not a fault of the data.
            StoreError::Refused(sentence) => CommandError::Invalid(sentence),
            other => CommandError::Store(other),
        }
    }
}

impl From<RecordError> for CommandError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Invalid(m) => CommandError::Invalid(m),
            RecordError::Store(e) => e.into(),
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if let CommandError::Store(e) | CommandError::NotSaved(e) = self {
            tracing::error!(error = %e, "command failed");
        }
        s.serialize_str(&shown(&self.to_string()))
    }
}

/// The most of a sentence the window shows. A refusal from deeper down (a settings parser's
/// message) may quote whatever the window sent, however long or unprintable; this is the last
/// guard, so the screen gets a short printable sentence.
const MAX_SENTENCE: usize = 300;

fn shown(sentence: &str) -> String {
    let printable = sentence.chars().map(|c| if c.is_control() { ' ' } else { c });
    if sentence.chars().count() <= MAX_SENTENCE {
        return printable.collect();
    }
    printable.take(MAX_SENTENCE - 1).chain(['…']).collect()
}

type Result<T> = std::result::Result<T, CommandError>;

fn check_text(what: &str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_TEXT || text.chars().any(char::is_control) {
        return Err(CommandError::Invalid(format!("{what} is not something the kiosk can use.")));
    }
    Ok(())
}

fn parse_kind(kind: &str) -> Result<EventKind> {
    match kind {
        "late_sign_in" => Ok(EventKind::LateSignIn),
        "early_sign_out" => Ok(EventKind::EarlySignOut),
        "return" => Ok(EventKind::Return),
        _ => Err(CommandError::Invalid("That is not something the kiosk records.".into())),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeStatus {
    pub school_name: Option<String>,
    pub demo: bool,
    pub online: Option<bool>,
    pub pending: i64,
    pub last_import: Option<String>,
    /// A fresh kiosk's first import is still running: the strip says so instead of "No import yet".
    pub importing: bool,
    pub inactivity_seconds: u32,
    /// The school's time zone (IANA name): the window shows dates and times in it, whatever
    /// zone the device itself is set to.
    pub time_zone: String,
    /// Set when the kiosk cannot save sign-ins (disk full, data directory read-only): the home
    /// screen shows it until saving works again.
    pub storage_problem: Option<String>,
}

/// What the home screen says while nothing can be saved.
const CANNOT_SAVE: &str =
    "This kiosk cannot save sign-ins at the moment. Please tell the school office.";

#[tauri::command]
pub fn home_status(state: State<'_, AppState>) -> Result<HomeStatus> {
    let store = &state.store;
    let settings = store.settings_or_default();
    Ok(HomeStatus {
        school_name: store.school()?.map(|s| s.name),
        demo: state.is_demo(),
        online: state.online(),
        pending: store.status_counts(None)?[&Status::Pending],
        last_import: store.last_good_import()?,
        importing: state.roster_loading(),
        inactivity_seconds: settings.inactivity_seconds,
        time_zone: settings.time_zone.name().to_string(),
        storage_problem: store.cannot_write().then(|| CANNOT_SAVE.to_string()),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KioskSettings {
    pub student_exact_match: bool,
    pub reason_exact_match: bool,
    pub typed_collector_allowed: bool,
}

#[tauri::command]
pub fn kiosk_settings(state: State<'_, AppState>) -> KioskSettings {
    let s = state.store.settings_or_default();
    KioskSettings {
        student_exact_match: s.student_exact_match,
        reason_exact_match: s.reason_exact_match,
        typed_collector_allowed: s.typed_collector_allowed,
    }
}

#[tauri::command]
pub fn search_students(state: State<'_, AppState>, query: String) -> Result<Vec<Hit>> {
    check_text("The name", &query)?;
    if state.roster_loading() {
        return Err(CommandError::Invalid(
            "The kiosk is still loading the school's names. Please try again in a moment.".into(),
        ));
    }
    Ok(state.index().search(&query))
}

#[derive(Debug, Serialize)]
pub struct ReasonChoice {
    pub label: String,
}

#[tauri::command]
pub fn reasons(
    state: State<'_, AppState>,
    kind: String,
    upi: Option<String>,
) -> Result<Vec<ReasonChoice>> {
    let late = parse_kind(&kind)? == EventKind::LateSignIn;
    let student = upi.as_deref().map(|u| state.store.student(u)).transpose()?.flatten();
    let settings = state.store.settings_or_default();
    let rules = settings.rules_for(
        student.as_ref().and_then(|s| s.year.as_deref()),
        student.as_ref().and_then(|s| s.registration_group.as_deref()),
    );
    Ok(rules
        .reasons
        .iter()
        .filter(|r| rules.reason(&r.label, late).is_some())
        .map(|r| ReasonChoice { label: r.label.clone() })
        .collect())
}

#[derive(Debug, Serialize)]
pub struct ContactChoice {
    pub id: String,
    pub name: String,
    pub relationship: Option<String>,
}

#[tauri::command]
pub fn contacts(state: State<'_, AppState>, upi: String) -> Result<Vec<ContactChoice>> {
    check_text("The pupil", &upi)?;
    Ok(state
        .store
        .contacts_of(&upi)?
        .into_iter()
        .map(|(c, link)| ContactChoice {
            id: c.upi,
            name: format!("{} {}", c.forename, c.surname),
            relationship: link.relationship,
        })
        .collect())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedOut {
    pub upi: String,
    pub name: String,
    pub year: Option<String>,
    pub registration_group: Option<String>,
    pub at: String,
}

/// Pupils signed out early today who have not come back yet.
#[tauri::command]
pub fn signed_out_today(state: State<'_, AppState>) -> Result<Vec<SignedOut>> {
    let tz = state.store.settings_or_default().time_zone;
    let today = school_date(state.clock.now(), tz);
    let mut events =
        state.store.events(&EventFilter { date: Some(today), ..Default::default() })?;
    events.reverse(); // oldest first, so a return after a sign-out clears it
    let mut out: Vec<SignedOut> = Vec::new();
    for e in events {
        let Some(upi) = e.student_upi.clone() else { continue };
        match e.kind {
            EventKind::EarlySignOut => {
                out.retain(|s| s.upi != upi);
                out.push(SignedOut {
                    upi,
                    name: e.person_name,
                    year: e.year,
                    registration_group: e.registration_group,
                    at: e.occurred_at.with_timezone(&tz).format("%H:%M").to_string(),
                });
            }
            EventKind::Return => out.retain(|s| s.upi != upi),
            EventKind::LateSignIn => {}
        }
    }
    Ok(out)
}

/// An event as the kiosk screen collects it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventInput {
    pub kind: String,
    pub upi: Option<String>,
    pub typed_name: Option<String>,
    pub reason: Option<String>,
    #[serde(default)]
    pub reason_typed: bool,
    pub collected_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub time: String,
}

#[tauri::command]
pub fn record_event(state: State<'_, AppState>, event: EventInput) -> Result<Recorded> {
    let kind = parse_kind(&event.kind)?;
    let person = match (event.upi, event.typed_name) {
        (Some(upi), None) => {
            check_text("The pupil", &upi)?;
            Person::Upi(upi)
        }
        (None, Some(name)) => Person::Typed(name),
        _ => return Err(CommandError::Invalid("Please pick your name from the list.".into())),
    };
    let reason = event.reason.map(|r| {
        if event.reason_typed {
            ReasonText::Typed(r)
        } else {
            ReasonText::Listed(r)
        }
    });
    let request = Request { kind, person, reason, collected_by: event.collected_by, at: None };
    let recorded = recording::record(&state.store, &request, state.clock.now())?;
    tracing::info!(event = recorded.id, kind = ?kind, "event recorded");
    state.wake_sync();
    let tz = state.store.settings_or_default().time_zone;
    Ok(Recorded {
        id: recorded.id,
        name: recorded.person_name,
        kind: event.kind,
        time: recorded.occurred_at.with_timezone(&tz).format("%H:%M").to_string(),
    })
}
