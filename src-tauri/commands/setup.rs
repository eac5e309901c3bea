//! The staff area's set-up commands (R5.3, R5.4): the settings, the Wonde connection and the
//! roster import with its per-person switches, and who may collect a pupil. Each needs a
//! [`StaffSession`].

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime};

use super::{check_text, on_pool, parse_word, StaffSession};
use crate::app::AppState;
use crate::error::{Error, Result};
use kiosk_core::connection::{self, Connection, ConnectionView};
use kiosk_core::import::{self, ImportOptions};
use kiosk_core::settings::{Settings, SettingsError};
use kiosk_core::staff::collectors;
use kiosk_core::staff::people::{self, PersonKind};
use kiosk_model::ImportOutcome;
use wonde_client::{Token, WondeClient, WondeConfig};

#[derive(Serialize)]
pub struct CodeChoice {
    code: String,
    description: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    settings: Value,
    codes: Vec<CodeChoice>,
    /// The imported years and registration groups, for a group's pick lists.
    years: Vec<String>,
    registration_groups: Vec<String>,
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

#[tauri::command]
pub async fn staff_settings<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<SettingsView> {
    on_pool(app, |state| {
        let settings =
            serde_json::to_value(state.store.settings_or_default()).expect("settings serialise");
        let codes = state
            .store
            .attendance_codes()?
            .into_iter()
            .map(|c| CodeChoice { code: c.code, description: c.description })
            .collect();
        let connection = connection::view(&state.store, &state.data_dir())?.map(Into::into);
        let (years, registration_groups) = state.store.years_and_groups()?;
        Ok(SettingsView {
            settings,
            codes,
            years,
            registration_groups,
            connection,
            demo: state.is_demo(),
        })
    })
    .await
}

#[tauri::command]
pub async fn staff_save_settings<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    settings: Value,
) -> Result<()> {
    let settings = Settings::from_json(&settings.to_string()).map_err(|e| match e {
        SettingsError::Invalid(sentence) => Error::invalid(sentence),
        other => Error::invalid(format!("These settings could not be saved ({other})")),
    })?;
    on_pool(app, move |state| {
        state.store.save_settings(&settings)?;
        tracing::info!("settings saved by staff");
        state.wake_sync();
        Ok(())
    })
    .await
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
    let stored = connection::config(&state.store, &state.data_dir())?;
    let token = match token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Token::new(token.trim()),
        None => stored
            .as_ref()
            .map(|c| c.token.clone())
            .ok_or_else(|| Error::invalid("Enter the Wonde token."))?,
    };
    let mut config = WondeConfig::new(school_id.trim(), token);
    if let Some(stored) = stored {
        config.base_url = stored.base_url;
    }
    Ok(config)
}

#[tauri::command]
pub async fn staff_test_connection<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    school_id: String,
    token: Option<String>,
) -> Result<SchoolSeen> {
    let config = on_pool(app, move |state| typed_config(state, &school_id, token)).await?;
    let school = WondeClient::new(config)?.school().await?;
    Ok(SchoolSeen { school_name: school.name, mis: school.mis })
}

/// Saves the connection and moves the kiosk's background work onto it at once: the sync engine
/// and the imports stop using the old connection (or the demo school).
#[tauri::command]
pub async fn staff_save_connection<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    school_id: String,
    token: Option<String>,
) -> Result<()> {
    on_pool(app.clone(), move |state| {
        let config = typed_config(state, &school_id, token)?;
        let connection =
            Connection { school_id: config.school_id.clone(), base_url: config.base_url.clone() };
        Ok(connection::save(&state.store, &state.data_dir(), &connection, &config.token)?)
    })
    .await?;
    crate::app::restart_background(&app).await.map_err(|e| {
        tracing::error!(error = %e, "the background work could not restart on the new connection");
        Error::invalid(
            "The connection is saved, but the kiosk could not start using it. Please restart the kiosk.",
        )
    })
}

#[tauri::command]
pub async fn staff_import_now<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    full: bool,
    accept_large_archive: Option<bool>,
) -> Result<kiosk_core::store::Counts> {
    let state = app.state::<AppState>();
    let client = state
        .wonde_client()
        .ok_or_else(|| Error::invalid("The kiosk is still starting; try again in a moment."))?;
    let options = ImportOptions {
        full,
        accept_large_archive: accept_large_archive.unwrap_or(false),
        ..ImportOptions::default()
    };
    let sink = state.progress_sink();
    let progress = move |p: import::Progress| {
        if let Some(sink) = &sink {
            sink(p);
        }
    };
    let summary =
        import::run_import(&client, &state.store, state.clock.as_ref(), &options, &progress)
            .await?;
    on_pool(app.clone(), |state| Ok(state.rebuild_index()?)).await?;
    Ok(summary.counts)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    started_at: String,
    finished_at: Option<String>,
    full: bool,
    outcome: ImportOutcome,
    message: Option<String>,
}

#[tauri::command]
pub async fn staff_import_runs<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
) -> Result<Vec<RunView>> {
    on_pool(app, |state| {
        Ok(state
            .store
            .import_runs(20)?
            .into_iter()
            .map(|r| RunView {
                started_at: r.started_at,
                finished_at: r.finished_at,
                full: r.full,
                outcome: r.outcome,
                message: r.message,
            })
            .collect())
    })
    .await
}

fn person_kind(kind: &str) -> Result<PersonKind> {
    parse_word(kind, |_| "Choose pupils or staff.".into())
}

#[tauri::command]
pub async fn staff_people<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    kind: String,
    query: String,
) -> Result<Vec<people::Person>> {
    let kind = person_kind(&kind)?;
    on_pool(app, move |state| Ok(people::matching(&state.store, kind, &query)?)).await
}

#[tauri::command]
pub async fn staff_set_import<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    kind: String,
    mis_id: String,
    imported: bool,
) -> Result<()> {
    let kind = person_kind(&kind)?;
    on_pool(app, move |state| {
        state.store.set_excluded(kind.as_str(), &mis_id, !imported)?;
        Ok(state.rebuild_index()?)
    })
    .await
}

/// A pupil's contacts and who of them may collect (R10.1): the staff area only.
#[tauri::command]
pub async fn staff_collectors<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    mis_id: String,
) -> Result<Vec<collectors::CollectorRow>> {
    check_text("The pupil", &mis_id)?;
    on_pool(app, move |state| {
        collectors::of_pupil(&state.store, &mis_id)?
            .ok_or_else(|| Error::invalid("That pupil is no longer on the roster."))
    })
    .await
}

/// Marks a contact without parental responsibility as allowed to collect the pupil, or not.
#[tauri::command]
pub async fn staff_set_collector<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    mis_id: String,
    contact: String,
    allowed: bool,
) -> Result<()> {
    check_text("The pupil", &mis_id)?;
    check_text("The contact", &contact)?;
    on_pool(app, move |state| {
        if !collectors::set_allowed(&state.store, &mis_id, &contact, allowed, state.clock.now())? {
            return Err(Error::invalid("That adult is not one of the pupil's contacts."));
        }
        tracing::info!(allowed, "a pupil's collectors changed by staff");
        Ok(())
    })
    .await
}
