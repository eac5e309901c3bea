//! The staff area's set-up commands (R5.3, R5.4): the settings, the Wonde connection and the
//! roster import with its per-person switches. Each needs an open staff session.

use serde::Serialize;
use serde_json::Value;
use tauri::State;

use crate::app::AppState;
use crate::staff_commands::{refused, session_ok, Result};
use kiosk_core::connection::{self, Connection, ConnectionView};
use kiosk_core::import::{self, ImportOptions};
use kiosk_core::settings::{Settings, SettingsError};
use wonde_client::{Token, WondeClient, WondeConfig};

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
    let settings =
        serde_json::to_value(state.store.settings_or_default()).expect("settings serialise");
    let codes = state
        .store
        .attendance_codes()?
        .into_iter()
        .map(|c| CodeChoice { code: c.code, description: c.description })
        .collect();
    let connection = connection::view(&state.store, &data_dir(&state))
        .map_err(|e| refused(e.to_string()))?
        .map(Into::into);
    Ok(SettingsView { settings, codes, connection, demo: state.is_demo() })
}

#[tauri::command]
pub fn staff_save_settings(
    state: State<'_, AppState>,
    session: String,
    settings: Value,
) -> Result<()> {
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
    let stored =
        connection::config(&state.store, &data_dir(state)).map_err(|e| refused(e.to_string()))?;
    let token = match token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Token::new(token.trim()),
        None => stored
            .as_ref()
            .map(|c| c.token.clone())
            .ok_or_else(|| refused("Enter the Wonde token."))?,
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
    let client = WondeClient::new(typed_config(&state, &school_id, token)?)
        .map_err(|e| refused(e.to_string()))?;
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
    let connection =
        Connection { school_id: config.school_id.clone(), base_url: config.base_url.clone() };
    connection::save(&state.store, &data_dir(&state), &connection, &config.token)
        .map_err(|e| refused(e.to_string()))?;
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
) -> Result<kiosk_core::store::Counts> {
    session_ok(&state, &session)?;
    let client = state
        .wonde_client()
        .ok_or_else(|| refused("The kiosk is still starting; try again in a moment."))?;
    let options = ImportOptions { full, ..ImportOptions::default() };
    let sink = state.progress_sink();
    let progress = move |p: import::Progress| {
        if let Some(sink) = &sink {
            sink(p);
        }
    };
    let summary =
        import::run_import(&client, &state.store, state.clock.as_ref(), &options, &progress)
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
        .map(|r| RunView {
            started_at: r.started_at,
            finished_at: r.finished_at,
            full: r.full,
            outcome: r.outcome,
            message: r.message,
        })
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
pub fn staff_people(
    state: State<'_, AppState>,
    session: String,
    kind: String,
    query: String,
) -> Result<Vec<Person>> {
    session_ok(&state, &session)?;
    let kind = person_kind(&kind)?;
    let wanted = kiosk_core::search::fold(&query);
    let excluded = state.store.excluded(kind)?;
    let matches =
        |name: &str| wanted.is_empty() || kiosk_core::search::fold(name).contains(&wanted);
    let mut people: Vec<Person> = if kind == "student" {
        let mut all = state.store.students()?;
        all.extend(
            state
                .store
                .archived_students()?
                .into_iter()
                .filter(|s| s.mis_id.as_ref().is_some_and(|id| excluded.contains(id))),
        );
        all.into_iter()
            .filter_map(|s| {
                let mis_id = s.mis_id.clone()?;
                let name = s.display_name();
                let detail = format!(
                    "Year {} · {}",
                    s.year.unwrap_or_default(),
                    s.registration_group.unwrap_or_default()
                );
                Some(Person { imported: !excluded.contains(&mis_id), mis_id, name, detail })
            })
            .collect()
    } else {
        state
            .store
            .employees()?
            .into_iter()
            .filter(|(e, archived)| {
                !archived || e.mis_id.as_ref().is_some_and(|id| excluded.contains(id))
            })
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
pub fn staff_set_import(
    state: State<'_, AppState>,
    session: String,
    kind: String,
    mis_id: String,
    imported: bool,
) -> Result<()> {
    session_ok(&state, &session)?;
    let kind = person_kind(&kind)?;
    state.store.set_excluded(kind, &mis_id, !imported)?;
    state.rebuild_index()?;
    Ok(())
}
