//! The Tauri shell: one window over the core library. Commands are thin: they validate input,
//! call the core and return plain data or a sentence a receptionist understands.

use std::sync::Arc;

use serde::Serialize;
use tauri::{Manager, Runtime, State};

use crate::clock::{Clock, SystemClock};
use crate::paths::default_data_dir;
use crate::store::Store;

/// What the window's commands share.
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
}

/// The home screen's header: the school and how much is waiting.
#[derive(Debug, Serialize)]
pub struct HomeStatus {
    pub school_name: Option<String>,
    pub students: i64,
    pub pending: i64,
}

#[tauri::command]
fn home_status(state: State<'_, AppState>) -> Result<HomeStatus, String> {
    let store = &state.store;
    let counts = store.counts().map_err(|e| e.to_string())?;
    let waiting = store.status_counts(None).map_err(|e| e.to_string())?;
    Ok(HomeStatus {
        school_name: store.school().map_err(|e| e.to_string())?.map(|s| s.name),
        students: counts.students,
        pending: waiting.get(&crate::store::Status::Pending).copied().unwrap_or(0),
    })
}

/// The app's builder, generic over the runtime so command tests run on Tauri's mock runtime.
pub fn build<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .setup(move |app| {
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![home_status])
}

/// Starts the desktop app on the data directory.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let data_dir = default_data_dir();
    let _log_guard = crate::logging::init(&data_dir, "reception-kiosk", "info");
    let store = match Store::open_dir(&data_dir) {
        Ok(store) => Arc::new(store),
        Err(e) => {
            tracing::error!(error = %e, "cannot open the data directory");
            eprintln!("Reception Kiosk cannot start: {e}");
            std::process::exit(1);
        }
    };
    let state = AppState { store, clock: Arc::new(SystemClock) };
    build(tauri::Builder::default(), state)
        .run(tauri::generate_context!())
        .expect("the Tauri runtime starts");
}
