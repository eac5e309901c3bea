//! The kiosk screens' commands (R2): home, the name search, reasons, who is signed out,
//! and recording an event.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};

use super::{check_text, on_pool, parse_word};
use crate::error::{Code, Error, Result};
use kiosk_core::recording::{self, Person, ReasonText, Request};
use kiosk_core::search::Hit;
use kiosk_core::signed_out::signed_out_at;
use kiosk_core::store::Status;
use kiosk_core::sync::SyncPause;
use kiosk_model::clock::school_date;
use kiosk_model::EventKind;

fn kind(text: &str) -> Result<EventKind> {
    parse_word(text, |_| "That is not something the kiosk records.".into())
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
    /// Why the sync engine holds the queue though Wonde answers (a refused token).
    pub paused: Option<SyncPause>,
    /// How many minutes the tablet's clock is wrong by, when it is (R6.5).
    pub clock_wrong_by: Option<i64>,
}

/// What the home screen says while nothing can be saved.
const CANNOT_SAVE: &str =
    "This kiosk cannot save sign-ins at the moment. Please tell the school office.";

#[tauri::command]
pub async fn home_status<R: Runtime>(app: AppHandle<R>) -> Result<HomeStatus> {
    on_pool(app, |state| {
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
            paused: state.sync_paused(),
            clock_wrong_by: state.clock_wrong_by(),
        })
    })
    .await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KioskSettings {
    pub student_exact_match: bool,
    pub reason_exact_match: bool,
}

#[tauri::command]
pub async fn kiosk_settings<R: Runtime>(app: AppHandle<R>) -> Result<KioskSettings> {
    on_pool(app, |state| {
        let s = state.store.settings_or_default();
        Ok(KioskSettings {
            student_exact_match: s.student_exact_match,
            reason_exact_match: s.reason_exact_match,
        })
    })
    .await
}

#[tauri::command]
pub async fn search_students<R: Runtime>(app: AppHandle<R>, query: String) -> Result<Vec<Hit>> {
    check_text("The name", &query)?;
    on_pool(app, move |state| {
        if state.roster_loading() {
            return Err(Error::new(
                Code::RosterLoading,
                "The kiosk is still loading the school's names. Please try again in a moment.",
            ));
        }
        Ok(state.index().search(&query))
    })
    .await
}

/// The pupil's photo for the check screen (R7.2), as a `data:` URL the page shows without
/// fetching anything (the CSP allows `img-src data:`); none when there is none or the school
/// turned photos off.
#[tauri::command]
pub async fn student_photo<R: Runtime>(app: AppHandle<R>, upi: String) -> Result<Option<String>> {
    use base64::Engine;
    check_text("The pupil", &upi)?;
    on_pool(app, move |state| {
        if !state.store.settings_or_default().photos_enabled {
            return Ok(None);
        }
        Ok(state.store.photo(&upi)?.map(|(mime, bytes)| {
            format!(
                "data:{mime};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
        }))
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct ReasonChoice {
    pub label: String,
}

#[tauri::command]
pub async fn reasons<R: Runtime>(
    app: AppHandle<R>,
    kind: String,
    upi: Option<String>,
) -> Result<Vec<ReasonChoice>> {
    let late = self::kind(&kind)? == EventKind::LateSignIn;
    on_pool(app, move |state| {
        let student = upi.as_deref().map(|u| state.store.student(u)).transpose()?.flatten();
        let settings = state.store.settings_or_default();
        let rules = settings.rules_for(
            student.as_ref().and_then(|s| s.year.as_deref()),
            student.as_ref().and_then(|s| s.registration_group.as_deref()),
        );
        Ok(rules.reasons_for(late).map(|r| ReasonChoice { label: r.label.clone() }).collect())
    })
    .await
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
pub async fn signed_out_today<R: Runtime>(app: AppHandle<R>) -> Result<Vec<SignedOut>> {
    on_pool(app, |state| {
        let tz = state.store.settings_or_default().time_zone;
        let now = state.clock.now();
        Ok(signed_out_at(&state.store, school_date(now, tz), now)?
            .into_iter()
            .filter_map(|e| {
                Some(SignedOut {
                    upi: e.student_upi?,
                    name: e.person_name,
                    year: e.year,
                    registration_group: e.registration_group,
                    at: e.occurred_at.with_timezone(&tz).format("%H:%M").to_string(),
                })
            })
            .collect())
    })
    .await
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
    pub kind: EventKind,
    pub time: String,
}

#[tauri::command]
pub async fn record_event<R: Runtime>(app: AppHandle<R>, event: EventInput) -> Result<Recorded> {
    let kind = kind(&event.kind)?;
    let person = match (event.upi, event.typed_name) {
        (Some(upi), None) => {
            check_text("The pupil", &upi)?;
            Person::Upi(upi)
        }
        (None, Some(name)) => Person::Typed(name),
        _ => return Err(Error::invalid("Please pick your name from the list.")),
    };
    let reason = event.reason.map(|r| {
        if event.reason_typed {
            ReasonText::Typed(r)
        } else {
            ReasonText::Listed(r)
        }
    });
    let request = Request { kind, person, reason, collected_by: event.collected_by, at: None };
    on_pool(app, move |state| {
        let recorded = recording::record(&state.store, &request, state.clock.now())?;
        tracing::info!(event = recorded.id, kind = kind.as_str(), "event recorded");
        state.wake_sync();
        let tz = state.store.settings_or_default().time_zone;
        Ok(Recorded {
            id: recorded.id,
            name: recorded.person_name,
            kind,
            time: recorded.occurred_at.with_timezone(&tz).format("%H:%M").to_string(),
        })
    })
    .await
}
