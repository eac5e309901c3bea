//! The app as `run()` builds it (same commands, same capabilities from `generate_context!`) on
//! Tauri's mock runtime, over a real store: what the window sends and gets back, headless.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::London;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime};
use tauri::webview::InvokeRequest;

use kiosk_core::store::Store;
use kiosk_model::clock::{local_to_utc, ManualClock};
use reception_kiosk::AppState;

pub struct Kiosk {
    pub webview: tauri::WebviewWindow<MockRuntime>,
    pub store: Arc<Store>,
    /// Where the staff area saves CSV exports: `exports` in the data directory.
    pub exports: std::path::PathBuf,
    pub app: tauri::App<MockRuntime>,
    _dir: Option<tempfile::TempDir>,
}

/// 09:12 on Monday 23 November 2026, school time: the kiosk's clock in these tests.
pub fn monday_morning() -> DateTime<Utc> {
    local_to_utc(
        London,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        NaiveTime::from_hms_opt(9, 12, 0).unwrap(),
    )
}

/// The kiosk on the small seeded school in a fresh temporary data directory.
pub fn kiosk() -> Kiosk {
    kiosk_with(|builder| builder)
}

/// The same, with a last change to the app's builder.
pub fn kiosk_with(
    customise: impl FnOnce(tauri::Builder<MockRuntime>) -> tauri::Builder<MockRuntime>,
) -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let mut kiosk = build(dir.path(), customise);
    kiosk._dir = Some(dir);
    kiosk
}

/// The kiosk on the small seeded school as connected to it (not the demo): IT sets the PIN.
pub fn connected_kiosk() -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(crate::common::seeded_store(dir.path(), monday_morning()));
    let mut kiosk = kiosk_as(store, false, |builder| builder);
    kiosk._dir = Some(dir);
    kiosk
}

/// The kiosk on the small seeded school in `dir`, which the caller owns (e.g. a tiny filesystem).
pub fn kiosk_in(dir: &Path) -> Kiosk {
    build(dir, |builder| builder)
}

fn build(
    dir: &Path,
    customise: impl FnOnce(tauri::Builder<MockRuntime>) -> tauri::Builder<MockRuntime>,
) -> Kiosk {
    kiosk_on(Arc::new(crate::common::seeded_store(dir, monday_morning())), customise)
}

/// The kiosk over a store the caller opened (e.g. read-only), at [`monday_morning`].
pub fn kiosk_on(
    store: Arc<Store>,
    customise: impl FnOnce(tauri::Builder<MockRuntime>) -> tauri::Builder<MockRuntime>,
) -> Kiosk {
    kiosk_as(store, true, customise)
}

fn kiosk_as(
    store: Arc<Store>,
    demo: bool,
    customise: impl FnOnce(tauri::Builder<MockRuntime>) -> tauri::Builder<MockRuntime>,
) -> Kiosk {
    let state =
        AppState::new(store.clone(), Arc::new(ManualClock::new(monday_morning())), demo).unwrap();
    let exports = state.exports.dir().to_path_buf();
    let app = customise(reception_kiosk::build(mock_builder(), state))
        .build(tauri::generate_context!())
        .unwrap();
    let webview =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Kiosk { webview, store, exports, app, _dir: None }
}

impl Kiosk {
    /// Invokes a command as the window would; an error is the sentence the window shows (every
    /// refusal of ours carries a code too: see [`Kiosk::call_coded`]).
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
        self.call_coded(cmd, args).map_err(|(_, sentence)| sentence)
    }

    /// Invokes a command; an error is the code the window decides by and the sentence it shows.
    /// Tauri's own refusals (malformed arguments) have no code: `""`.
    pub fn call_coded(&self, cmd: &str, args: Value) -> Result<Value, (String, String)> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request)
            .map(|body| body.deserialize::<Value>().unwrap())
            .map_err(|e| match (e["code"].as_str(), e["message"].as_str()) {
                (Some(code), Some(message)) => (code.to_string(), message.to_string()),
                _ => {
                    (String::new(), e.as_str().map(str::to_string).unwrap_or_else(|| e.to_string()))
                }
            })
    }

    /// Sets the PIN and opens a staff session.
    pub fn staff_session(&self) -> String {
        self.call("staff_set_pin", json!({ "pin": "246813", "currentPin": null })).unwrap();
        self.call("staff_unlock", json!({ "pin": "246813" })).unwrap()["session"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A late sign-in for the pupil with this upi, as the kiosk screen sends it.
    pub fn sign_in(&self, upi: &str) -> Result<Value, String> {
        self.call("record_event", json!({ "event": { "kind": "late_sign_in", "upi": upi, "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }))
    }
}

impl Kiosk {
    /// Every row of every table, read through a connection of its own: two snapshots are equal
    /// exactly when nothing in the kiosk's data changed.
    pub fn snapshot(&self) -> String {
        crate::common::table_dump(self.store.path())
    }
}

/// The app's commands as `src-tauri/build.rs` declares them.
pub fn declared_commands() -> Vec<String> {
    let build_rs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/build.rs"))
            .unwrap();
    let list =
        build_rs.split("const COMMANDS: &[&str] = &[").nth(1).unwrap().split("];").next().unwrap();
    list.split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .filter(|c| !c.is_empty())
        .collect()
}
