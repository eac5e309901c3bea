//! The Tauri shell: one window over the core library, its shared state, and the background
//! work (sync engine) started with it.

use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use tauri::{Emitter, Manager, Runtime};

use crate::clock::{Clock, SystemClock};
use crate::commands;
use crate::paths::default_data_dir;
use crate::search::SearchIndex;
use crate::store::{Store, StoreError};
use crate::backend::Backend;
use crate::sync::{SyncHandle, SyncStatus};

/// What the window's commands share.
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    /// Running on the built-in demo school (no Wonde connection configured).
    pub demo: bool,
    index: RwLock<SearchIndex>,
    backend: Mutex<Option<Backend>>,
}

impl AppState {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>, demo: bool) -> Result<Self, StoreError> {
        let index = RwLock::new(SearchIndex::build(&store.students()?));
        Ok(Self { store, clock, demo, index, backend: Mutex::new(None) })
    }

    pub fn index(&self) -> RwLockReadGuard<'_, SearchIndex> {
        self.index.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Rebuilds the name search after an import (R2.1).
    pub fn rebuild_index(&self) -> Result<(), StoreError> {
        let fresh = SearchIndex::build(&self.store.students()?);
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    pub fn attach_backend(&self, backend: Backend) {
        *self.backend.lock().unwrap_or_else(|p| p.into_inner()) = Some(backend);
    }

    fn with_sync<T>(&self, f: impl FnOnce(&SyncHandle) -> T) -> Option<T> {
        self.backend.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|b| f(&b.sync))
    }

    /// Asks the sync engine to write what was just recorded (R4.2).
    pub fn wake_sync(&self) {
        self.with_sync(SyncHandle::wake);
    }

    pub fn online(&self) -> Option<bool> {
        self.sync_status().and_then(|s| s.online)
    }

    fn sync_status(&self) -> Option<SyncStatus> {
        self.with_sync(|h| h.status().borrow().clone())
    }

    /// Stops background work cleanly (on exit).
    pub async fn shutdown(&self) {
        let backend = self.backend.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(backend) = backend {
            backend.shutdown().await;
        }
    }
}

/// Forwards the sync engine's status and event changes to the window as `sync-status` and
/// `event-changed` (R2.6, R5.2 live log).
fn forward_sync_events<R: Runtime>(app: &tauri::AppHandle<R>, handle: &SyncHandle) {
    let mut status = handle.status();
    let mut changes = handle.changes();
    let emitter = app.clone();
    tauri::async_runtime::spawn(async move {
        while status.changed().await.is_ok() {
            let current = status.borrow().clone();
            let _ = emitter.emit("sync-status", current);
        }
    });
    let emitter = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Ok(change) = changes.recv().await {
            let _ = emitter.emit("event-changed", change);
        }
    });
}

/// The app's builder, generic over the runtime so command tests run on Tauri's mock runtime.
pub fn build<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::home_status,
            commands::kiosk_settings,
            commands::search_students,
            commands::reasons,
            commands::contacts,
            commands::signed_out_today,
            commands::record_event,
        ])
}

/// Hands the started background work to a built app and forwards its events to the window.
pub fn attach_background<R: Runtime>(app: &tauri::AppHandle<R>, backend: Backend) {
    forward_sync_events(app, &backend.sync);
    let state = app.state::<AppState>();
    if let Err(e) = state.rebuild_index() {
        tracing::error!(error = %e, "could not build the name search");
    }
    state.attach_backend(backend);
}

/// Starts the desktop app on the data directory.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let data_dir = default_data_dir();
    let _log_guard = crate::logging::init(&data_dir, "reception-kiosk", "info");
    let fail = |e: &dyn std::fmt::Display| -> ! {
        tracing::error!(error = %e, "the kiosk cannot start");
        eprintln!("Reception Kiosk cannot start: {e}");
        std::process::exit(1);
    };
    let store = Arc::new(Store::open_dir(&data_dir).unwrap_or_else(|e| fail(&e)));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let backend = tauri::async_runtime::block_on(crate::backend::start(store.clone(), clock.clone(), &data_dir))
        .unwrap_or_else(|e| fail(&e));
    let state = AppState::new(store, clock, backend.demo).unwrap_or_else(|e| fail(&e));
    let backend = std::sync::Mutex::new(Some(backend));
    let app = build(tauri::Builder::default(), state)
        .setup(move |app| {
            if let Some(backend) = backend.lock().unwrap_or_else(|p| p.into_inner()).take() {
                attach_background(app.handle(), backend);
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| fail(&e));
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            tauri::async_runtime::block_on(handle.state::<AppState>().shutdown());
        }
    });
}
