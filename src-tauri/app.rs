//! The Tauri shell: one window over the core library, its shared state, and the background
//! work (first import, sync engine) started beside it once the window is on its way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use tauri::{Emitter, Manager, Runtime};

use crate::commands::{cards, kiosk, setup, staff};
#[cfg(unix)]
use crate::window::exit_on_signals;
#[cfg(desktop)]
use crate::window::focus_main_window;
use crate::window::{kiosk_shell, open_main_window, Shell};
use kiosk_core::background::Background;
use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::paths::default_data_dir;
use kiosk_core::search::SearchIndex;
use kiosk_core::staff::StaffGate;
use kiosk_core::store::{Store, StoreError};
use kiosk_core::sync::{SyncHandle, SyncPause, SyncStatus};
use kiosk_model::clock::{Clock, SystemClock};

/// What the window's commands share.
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    /// Running on the built-in demo school (no Wonde connection configured).
    demo: AtomicBool,
    /// The staff PIN and sessions (R5.1).
    pub staff: StaffGate,
    pub capabilities: MisCapabilities,
    /// The exports folder in the data directory, where the staff area's CSV files are saved.
    pub exports: kiosk_core::exports::Exports,
    index: RwLock<SearchIndex>,
    /// The roster was empty at start, or forgotten on moving to another school: until the
    /// background work (whose first import fills it) is running, home says the names are
    /// loading, and search asks the pupil to wait rather than finding nobody (R2.1, R2.6).
    roster_awaited: AtomicBool,
    background: Mutex<Lifecycle>,
    /// Where an import's progress goes: the window's `import-progress` event once attached.
    progress: Mutex<Option<ProgressSink>>,
}

/// Where the background work (connection or demo, imports, sync engine) stands. It moves
/// `Starting -> Running -> Stopped`, and back to `Starting` when staff save a new connection.
pub enum Lifecycle {
    /// Not started yet (the mock-runtime tests attach theirs by hand).
    Idle,
    /// Being started beside the window; cancelled if the app exits first.
    Starting(tauri::async_runtime::JoinHandle<()>),
    Running(Box<Background>),
    Stopped,
}

/// Receives an import's progress.
pub type ProgressSink = Arc<dyn Fn(kiosk_core::import::Progress) + Send + Sync>;

impl AppState {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>, demo: bool) -> Result<Self, StoreError> {
        let index = SearchIndex::build(&store.students()?);
        let roster_awaited = AtomicBool::new(index.is_empty());
        let capabilities =
            MisCapabilities::builtin().map_err(|e| StoreError::Refused(e.to_string()))?;
        let staff = StaffGate::new(std::time::Duration::from_secs(15 * 60));
        let exports = kiosk_core::exports::Exports::in_data_dir(
            store.path().parent().unwrap_or(std::path::Path::new(".")),
        );
        Ok(Self {
            store,
            clock,
            demo: AtomicBool::new(demo),
            staff,
            capabilities,
            exports,
            index: RwLock::new(index),
            roster_awaited,
            background: Mutex::new(Lifecycle::Idle),
            progress: Mutex::new(None),
        })
    }

    pub fn is_demo(&self) -> bool {
        self.demo.load(Ordering::SeqCst)
    }

    /// Whether the first import of a school is still awaited: the roster was empty when the
    /// kiosk started, or was forgotten when it moved to another school.
    pub fn roster_loading(&self) -> bool {
        self.roster_awaited.load(Ordering::SeqCst)
            && matches!(*self.lifecycle(), Lifecycle::Idle | Lifecycle::Starting(_))
    }

    fn lifecycle(&self) -> std::sync::MutexGuard<'_, Lifecycle> {
        self.background.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The data directory the store lives in (the connection and token file are beside it).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.store.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default()
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

    /// Marks the background work as running. A start that lost a race with shutdown finds the
    /// state `Stopped` and stops what it started.
    fn attach_backend(&self, backend: Background) -> Option<Background> {
        let mut lifecycle = self.lifecycle();
        if matches!(*lifecycle, Lifecycle::Stopped) {
            return Some(backend);
        }
        self.demo.store(backend.demo, Ordering::SeqCst);
        *lifecycle = Lifecycle::Running(Box::new(backend));
        None
    }

    fn running<T>(&self, f: impl FnOnce(&Background) -> T) -> Option<T> {
        match &*self.lifecycle() {
            Lifecycle::Running(b) => Some(f(b)),
            _ => None,
        }
    }

    /// Where import progress is reported (nowhere until a window is attached).
    pub fn progress_sink(&self) -> Option<ProgressSink> {
        self.progress.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The Wonde client of the running background work, if started.
    pub fn wonde_client(&self) -> Option<wonde_client::WondeClient> {
        self.running(|b| b.client.clone())
    }

    /// Asks the sync engine to write what was just recorded (R4.2).
    pub fn wake_sync(&self) {
        self.running(|b| b.sync.wake());
    }

    pub fn online(&self) -> Option<bool> {
        self.sync_status().and_then(|s| s.online)
    }

    pub fn sync_paused(&self) -> Option<SyncPause> {
        self.sync_status().and_then(|s| s.paused)
    }

    pub fn clock_wrong_by(&self) -> Option<i64> {
        self.sync_status().and_then(|s| s.clock_wrong_by)
    }

    fn sync_status(&self) -> Option<SyncStatus> {
        self.running(|b| b.sync.status().borrow().clone())
    }

    /// Stops background work cleanly (on exit, or before moving to a new connection). A start
    /// still under way is cancelled at its next await (an import commits in one transaction, so
    /// it lands whole or not at all) and waited for; the state is `Stopped` from the first look,
    /// so nothing can attach an engine after it.
    pub async fn shutdown(&self) {
        let previous = std::mem::replace(&mut *self.lifecycle(), Lifecycle::Stopped);
        match previous {
            Lifecycle::Starting(task) => {
                task.abort();
                let _ = task.await;
            }
            Lifecycle::Running(backend) => backend.shutdown().await,
            Lifecycle::Idle | Lifecycle::Stopped => {}
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
    builder.manage(state).invoke_handler(tauri::generate_handler![
        kiosk::home_status,
        kiosk::kiosk_settings,
        kiosk::search_students,
        kiosk::reasons,
        kiosk::signed_out_today,
        kiosk::record_event,
        cards::card_lookup,
        kiosk::student_photo,
        staff::staff_pin_status,
        staff::staff_set_pin,
        staff::staff_unlock,
        staff::staff_lock,
        staff::staff_check_count,
        staff::staff_config_check,
        staff::staff_on_site,
        staff::staff_log,
        staff::staff_event,
        staff::staff_retry,
        staff::staff_retry_failed_today,
        staff::staff_confirm_time,
        staff::staff_export_csv,
        staff::staff_exports,
        staff::staff_delete_export,
        staff::staff_print_on_site,
        cards::staff_card_sheet,
        cards::staff_reissue_card,
        setup::staff_settings,
        setup::staff_save_settings,
        setup::staff_test_connection,
        setup::staff_save_connection,
        setup::staff_import_now,
        setup::staff_import_runs,
        setup::staff_people,
        setup::staff_set_import,
        setup::staff_collectors,
        setup::staff_set_collector,
    ])
}

/// Hands the started background work to a built app and forwards its events to the window.
pub fn attach_background<R: Runtime>(app: &tauri::AppHandle<R>, backend: Background) {
    forward_sync_events(app, &backend.sync);
    let state = app.state::<AppState>();
    let emitter = app.clone();
    let sink: ProgressSink = Arc::new(move |p| {
        let _ = emitter.emit("import-progress", p);
    });
    *state.progress.lock().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    if let Err(e) = state.rebuild_index() {
        tracing::error!(error = %e, "could not build the name search");
    }
    state.roster_awaited.store(false, Ordering::SeqCst);
    if let Some(late) = state.attach_backend(backend) {
        // The app began stopping while this started: stop it too, the one way.
        tauri::async_runtime::spawn(late.shutdown());
        return;
    }
    let _ = app.emit("roster-ready", ());
}

/// Starts the background work beside the window (on a fresh kiosk that includes the first
/// import, so the window does not wait for it) and attaches it when ready. A failure to start
/// stays fatal, as it was when this ran before the window: the app exits 1, the reason logged.
fn start_background(
    app: &tauri::AppHandle,
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    data_dir: std::path::PathBuf,
) {
    let handle = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        match kiosk_core::background::start(store, clock, &data_dir).await {
            Ok(backend) => attach_background(&handle, backend),
            Err(e) => {
                tracing::error!(error = %e, "the kiosk cannot start its background work");
                handle.exit(1);
            }
        }
    });
    let state = app.state::<AppState>();
    let mut lifecycle = state.lifecycle();
    match *lifecycle {
        Lifecycle::Stopped => task.abort(),
        _ => *lifecycle = Lifecycle::Starting(task),
    }
}

/// Moves the background work onto the connection just saved: the old sync engine and nightly
/// import stop (the demo simulator with them), new ones start. Events recorded on the demo school
/// are settled first, so no demo pupil's mark is ever sent to the school's MIS.
pub async fn restart_background<R: Runtime>(
    app: &tauri::AppHandle<R>,
) -> Result<(), kiosk_core::background::BackgroundError> {
    let state = app.state::<AppState>();
    state.shutdown().await;
    if state.is_demo() {
        let settled = kiosk_core::background::settle_demo_events(&state.store, state.clock.now())?;
        tracing::info!(settled, "left the demo school");
    }
    // Another school (or the demo left): the old names go at once, and the new school's come
    // from a full import before the kiosk offers any ("Loading the school's names...").
    let connected = kiosk_core::connection::connection(&state.store)?.map(|c| c.school_id);
    let current = state.store.school()?.map(|s| s.wonde_id);
    if state.is_demo() || (current.is_some() && current != connected) {
        state.store.forget_school()?;
        state.roster_awaited.store(true, Ordering::SeqCst);
        state.rebuild_index()?;
        tracing::info!("moved to another school: its roster is imported in full");
    }
    let backend =
        kiosk_core::background::start(state.store.clone(), state.clock.clone(), &state.data_dir())
            .await?;
    // Stopped on purpose above: this start is the way out of it.
    *state.lifecycle() = Lifecycle::Idle;
    attach_background(app, backend);
    Ok(())
}

/// Starts the desktop app on the data directory.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let started = std::time::Instant::now();
    let data_dir = default_data_dir();
    let log_guard = kiosk_core::logging::init(&data_dir, "reception-kiosk", "info");
    #[cfg(unix)]
    let signal_tx = exit_on_signals();
    let fail = |e: &dyn std::fmt::Display| -> ! {
        tracing::error!(error = %e, "the kiosk cannot start");
        eprintln!("Reception Kiosk cannot start: {e}");
        std::process::exit(1);
    };
    let store = Arc::new(Store::open_dir(&data_dir).unwrap_or_else(|e| fail(&e)));
    let kiosk = store.settings_or_default().kiosk_mode;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let demo = kiosk_core::background::configured_client(&store, &data_dir)
        .unwrap_or_else(|e| fail(&e))
        .is_none();
    let state = AppState::new(store.clone(), clock.clone(), demo).unwrap_or_else(|e| fail(&e));
    let mut builder = tauri::Builder::default();
    // Registered first, as the plugin requires. `build()` below runs it: a second launch hands
    // over to the running kiosk and exits there, before it starts any background work.
    #[cfg(desktop)]
    {
        builder = builder
            .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| focus_main_window(app)));
    }
    let app = kiosk_shell(build(builder, state), Shell::new(kiosk))
        .on_page_load(move |webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                // The start-up benchmark and the smoke test wait for this line.
                tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    window = webview.label(),
                    "kiosk window ready"
                );
            }
        })
        .setup(move |app| {
            open_main_window(app, kiosk)?;
            tracing::info!(kiosk, "kiosk window opened");
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| fail(&e));
    // The only instance. From here a signal can end the app, whatever start-up is doing.
    #[cfg(unix)]
    let _ = signal_tx.send(app.handle().clone());
    start_background(app.handle(), store, clock, data_dir);
    let code = app.run_return(|handle, event| match event {
        tauri::RunEvent::ExitRequested { .. } => handle.state::<Shell>().mark_exiting(),
        tauri::RunEvent::Exit => {
            tauri::async_runtime::block_on(handle.state::<AppState>().shutdown());
            tracing::info!("kiosk stopped");
        }
        _ => {}
    });
    // `process::exit` skips destructors: flush the log file first.
    drop(log_guard);
    std::process::exit(code);
}
