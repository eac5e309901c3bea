//! The kiosk window's commands through Tauri's mock runtime, headless: what the screen sends
//! and gets back (R2.1-R2.4, R6.3 input validation).
#![cfg(feature = "desktop-test")]

mod common;

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Europe::London;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

use reception_kiosk::clock::{local_to_utc, ManualClock};
use reception_kiosk::store::{EventFilter, Status};
use reception_kiosk::AppState;

struct Kiosk {
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
    state: Arc<reception_kiosk::store::Store>,
    _dir: tempfile::TempDir,
}

fn kiosk() -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let now = local_to_utc(London, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), NaiveTime::from_hms_opt(9, 12, 0).unwrap());
    let store = Arc::new(common::seeded_store(dir.path(), now));
    let state = AppState::new(store.clone(), Arc::new(ManualClock::new(now)), true).unwrap();
    let app = reception_kiosk::build(mock_builder(), state).build(tauri::generate_context!()).unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Kiosk { webview, state: store, _dir: dir }
}

impl Kiosk {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
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
            .map_err(|e| e.as_str().unwrap_or_default().to_string())
    }
}

#[test]
fn a_late_pupil_finds_themself_with_an_accent_free_search_and_signs_in() {
    let kiosk = kiosk();
    assert_eq!(kiosk.call("search_students", json!({ "query": "z" })).unwrap(), json!([]));
    let hits = kiosk.call("search_students", json!({ "query": "zoe o" })).unwrap();
    assert_eq!(hits[0]["name"], "Zoë O'Brien");
    assert_eq!(hits[0]["registrationGroup"], "9B");
    let upi = hits[0]["upi"].as_str().unwrap().to_string();

    let recorded = kiosk
        .call("record_event", json!({ "event": { "kind": "late_sign_in", "upi": upi, "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }))
        .unwrap();
    assert_eq!(recorded["time"], "09:12");
    assert_eq!(recorded["name"], "Zoë O'Brien");
    let events = kiosk.state.events(&EventFilter::default()).unwrap();
    assert_eq!((events.len(), events[0].status), (1, Status::Pending));
    let home = kiosk.call("home_status", json!({})).unwrap();
    assert_eq!((home["pending"].clone(), home["demo"].clone()), (json!(1), json!(true)));
}

#[test]
fn siblings_are_signed_out_by_their_parent_and_listed_for_their_return() {
    let kiosk = kiosk();
    let contacts = kiosk.call("contacts", json!({ "upi": "u2" })).unwrap();
    assert_eq!(contacts[0]["name"], "Sarah Smith-Jones");
    for upi in ["u2", "u3"] {
        kiosk
            .call("record_event", json!({ "event": { "kind": "early_sign_out", "upi": upi, "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": "Sarah Smith-Jones" } }))
            .unwrap();
    }
    let out = kiosk.call("signed_out_today", json!({})).unwrap();
    assert_eq!(out.as_array().unwrap().len(), 2);
    kiosk
        .call("record_event", json!({ "event": { "kind": "return", "upi": "u2", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }))
        .unwrap();
    let out = kiosk.call("signed_out_today", json!({})).unwrap();
    assert_eq!(out[0]["upi"], "u3");
}

#[test]
fn hostile_or_refused_input_gets_a_sentence_and_records_nothing() {
    let kiosk = kiosk();
    let huge = "x".repeat(10_000);
    let cases = [
        ("search_students", json!({ "query": huge })),
        ("record_event", json!({ "event": { "kind": "teleport", "upi": "u1", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } })),
        ("record_event", json!({ "event": { "kind": "late_sign_in", "upi": null, "typedName": "Robert'); DROP TABLE events;--", "reason": null, "reasonTyped": false, "collectedBy": null } })),
        ("record_event", json!({ "event": { "kind": "late_sign_in", "upi": "u1", "typedName": null, "reason": "Dentist", "reasonTyped": false, "collectedBy": null } })),
        ("record_event", json!({ "event": { "kind": "late_sign_in", "upi": "u1\u{0}", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } })),
    ];
    for (cmd, args) in cases {
        let err = kiosk.call(cmd, args.clone()).expect_err(&format!("{cmd} {args} must be refused"));
        assert!(err.ends_with('.') && !err.contains("rusqlite"), "a sentence, not a trace: {err}");
    }
    assert!(kiosk.state.events(&EventFilter::default()).unwrap().is_empty());
}
