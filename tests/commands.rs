//! The kiosk window's commands through Tauri's mock runtime, headless: what the screen sends
//! and gets back (R2.1-R2.4, R6.3 input validation).

mod common;
#[path = "common/kiosk.rs"]
mod kiosk;

use chrono::NaiveTime;
use serde_json::{json, Value};

use kiosk::{declared_commands, kiosk, kiosk_on, kiosk_with};
use kiosk_core::store::{EventFilter, Status};

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
    let events = kiosk.store.events(&EventFilter::default()).unwrap();
    assert_eq!((events.len(), events[0].status), (1, Status::Pending));
    let home = kiosk.call("home_status", json!({})).unwrap();
    assert_eq!((home["pending"].clone(), home["demo"].clone()), (json!(1), json!(true)));
}

/// An early sign-out of `upi` collected by `by`, as the kiosk screen sends it.
fn sign_out(kiosk: &kiosk::Kiosk, upi: &str, by: &str) -> Value {
    kiosk
        .call("record_event", json!({ "event": { "kind": "early_sign_out", "upi": upi, "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": by } }))
        .unwrap()
}

#[test]
fn siblings_are_signed_out_by_their_parent_and_listed_for_their_return() {
    let kiosk = kiosk();
    // Their mother types her name as she likes (R10.1): the kiosk lists no contacts.
    for upi in ["u2", "u3"] {
        sign_out(&kiosk, upi, "mrs smith-jones");
    }
    let events = kiosk.store.events(&EventFilter::default()).unwrap();
    assert!(events.iter().all(|e| e.collector_contact.as_deref() == Some("c1")), "{events:?}");
    let out = kiosk.call("signed_out_today", json!({})).unwrap();
    assert_eq!(out.as_array().unwrap().len(), 2);
    kiosk
        .call("record_event", json!({ "event": { "kind": "return", "upi": "u2", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }))
        .unwrap();
    let out = kiosk.call("signed_out_today", json!({})).unwrap();
    assert_eq!(out[0]["upi"], "u3");
}

#[test]
fn an_adult_the_kiosk_cannot_match_is_recorded_as_typed_and_flagged_for_the_office() {
    let kiosk = kiosk();
    // The social worker (never through the kiosk), the grandmother (no parental
    // responsibility), a stranger: the screen answers each exactly as it answers the mother.
    let answers: Vec<Value> = ["Karen Lee", "Joan Smith-Jones", "A. Stranger", "Sarah Smith-Jones"]
        .iter()
        .map(|by| {
            let mut answer = sign_out(&kiosk, "u2", by);
            answer.as_object_mut().unwrap().remove("id");
            answer
        })
        .collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    let session = kiosk.staff_session();
    let log = kiosk
        .call("staff_log", json!({ "session": session, "date": "2026-11-23", "status": null, "kind": null, "text": null }))
        .unwrap();
    let flagged = |rows: &Value, field: &str| -> Vec<(String, bool)> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| (r[field].as_str().unwrap_or("").to_string(), r["collectorUnknown"] == true))
            .collect()
    };
    let mut rows = flagged(&log["rows"], "collectedBy");
    rows.sort();
    assert_eq!(
        rows,
        [
            ("A. Stranger".to_string(), true),
            ("Joan Smith-Jones".to_string(), true),
            ("Karen Lee".to_string(), true),
            ("Sarah Smith-Jones".to_string(), false),
        ]
    );
    let on_site = kiosk.call("staff_on_site", json!({ "session": session })).unwrap();
    assert_eq!(flagged(&on_site, "collectedBy").iter().filter(|(_, unknown)| *unknown).count(), 3);
    let mother = log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["collectedBy"] == "Sarah Smith-Jones")
        .unwrap();
    let detail =
        kiosk.call("staff_event", json!({ "session": session, "id": mother["id"] })).unwrap();
    assert_eq!(
        detail["collector"],
        json!({ "name": "Sarah Smith-Jones", "relationship": "Mother", "parentalResponsibility": true })
    );
}

#[test]
fn staff_mark_a_grandparent_allowed_to_collect_and_never_a_social_worker() {
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    let collectors =
        kiosk.call("staff_collectors", json!({ "session": session, "misId": "1002" })).unwrap();
    let row = |name: &str| {
        collectors.as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone()
    };
    assert_eq!(
        (
            row("Sarah Smith-Jones")["mayCollect"].clone(),
            row("Sarah Smith-Jones")["canBeAllowed"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(
        (row("Karen Lee")["mayCollect"].clone(), row("Karen Lee")["canBeAllowed"].clone()),
        (json!(false), json!(false))
    );
    let nan = row("Joan Smith-Jones");
    assert_eq!(
        (nan["mayCollect"].clone(), nan["canBeAllowed"].clone()),
        (json!(false), json!(true))
    );

    kiosk
        .call("staff_set_collector", json!({ "session": session, "misId": "1002", "contact": nan["contact"], "allowed": true }))
        .unwrap();
    sign_out(&kiosk, "u2", "Joan Smith-Jones");
    sign_out(&kiosk, "u3", "Joan Smith-Jones");
    let events = kiosk.store.events(&EventFilter::default()).unwrap();
    let by_pupil =
        |upi: &str| events.iter().find(|e| e.student_upi.as_deref() == Some(upi)).unwrap();
    assert_eq!(by_pupil("u2").collector_contact.as_deref(), Some("c3"), "allowed for Liam");
    assert_eq!(by_pupil("u3").collector_contact, None, "not for Ava: each child's own list");

    let err = kiosk
        .call(
            "staff_set_collector",
            json!({ "session": session, "misId": "1001", "contact": "c3", "allowed": true }),
        )
        .unwrap_err();
    assert_eq!(err, "That adult is not one of the pupil's contacts.");
    assert!(
        kiosk.call("staff_collectors", json!({ "session": "", "misId": "1002" })).is_err(),
        "staff only"
    );
}

#[test]
fn hostile_or_refused_input_gets_a_sentence_and_records_nothing() {
    let kiosk = kiosk();
    let huge = "x".repeat(10_000);
    let cases = [
        ("search_students", json!({ "query": huge })),
        (
            "record_event",
            json!({ "event": { "kind": "teleport", "upi": "u1", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }),
        ),
        (
            "record_event",
            json!({ "event": { "kind": "late_sign_in", "upi": null, "typedName": "Robert'); DROP TABLE events;--", "reason": null, "reasonTyped": false, "collectedBy": null } }),
        ),
        (
            "record_event",
            json!({ "event": { "kind": "late_sign_in", "upi": "u1", "typedName": null, "reason": "Dentist", "reasonTyped": false, "collectedBy": null } }),
        ),
        (
            "record_event",
            json!({ "event": { "kind": "late_sign_in", "upi": "u1\u{0}", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }),
        ),
    ];
    for (cmd, args) in cases {
        let err =
            kiosk.call(cmd, args.clone()).expect_err(&format!("{cmd} {args} must be refused"));
        assert!(err.ends_with('.') && !err.contains("rusqlite"), "a sentence, not a trace: {err}");
    }
    assert!(kiosk.store.events(&EventFilter::default()).unwrap().is_empty());
}

#[test]
fn a_fresh_kiosk_says_it_is_loading_names_until_its_first_import_is_attached() {
    let dir = tempfile::tempdir().unwrap();
    let store = kiosk_core::store::Store::open_dir(dir.path()).unwrap();
    let kiosk = kiosk_on(std::sync::Arc::new(store), |builder| builder);
    let home = kiosk.call("home_status", json!({})).unwrap();
    assert_eq!((home["importing"].clone(), home["lastImport"].clone()), (json!(true), Value::Null));
    let wait = kiosk.call_coded("search_students", json!({ "query": "sam" })).unwrap_err();
    assert_eq!(
        (wait.0.as_str(), wait.1.as_str()),
        (
            "ROSTER_LOADING",
            "The kiosk is still loading the school's names. Please try again in a moment."
        )
    );

    // The background work as `run()` starts it beside the window: the demo school imported.
    let data_dir = kiosk.store.path().parent().unwrap().to_path_buf();
    let clock = std::sync::Arc::new(kiosk_model::clock::ManualClock::new(kiosk::monday_morning()));
    let backend = tauri::async_runtime::block_on(kiosk_core::background::start(
        kiosk.store.clone(),
        clock,
        &data_dir,
    ))
    .unwrap();
    reception_kiosk::attach_background(kiosk.app.handle(), backend);
    let home = kiosk.call("home_status", json!({})).unwrap();
    assert_eq!(home["importing"], false);
    assert!(home["lastImport"].is_string() && home["schoolName"].is_string(), "{home}");
    let hits = kiosk.call("search_students", json!({ "query": "sam" })).unwrap();
    assert!(!hits.as_array().unwrap().is_empty(), "the demo school has a Sam");
    tauri::async_runtime::block_on(
        tauri::Manager::state::<reception_kiosk::AppState>(&kiosk.app).shutdown(),
    );
}

#[test]
fn leaving_the_demo_for_a_school_imports_it_in_full_and_leaves_no_demo_pupil_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let store = kiosk_core::store::Store::open_dir(dir.path()).unwrap();
    let kiosk = kiosk_on(std::sync::Arc::new(store), |builder| builder);
    let data_dir = kiosk.store.path().parent().unwrap().to_path_buf();
    let clock = std::sync::Arc::new(kiosk_model::clock::ManualClock::new(kiosk::monday_morning()));
    let backend = tauri::async_runtime::block_on(kiosk_core::background::start(
        kiosk.store.clone(),
        clock.clone(),
        &data_dir,
    ))
    .unwrap();
    reception_kiosk::attach_background(kiosk.app.handle(), backend);
    let demo_pupil = kiosk.store.students().unwrap().remove(0);
    let session = kiosk.staff_session();
    let waiting = kiosk.sign_in(&demo_pupil.upi).unwrap();

    // The school's Wonde, and its connection as the staff area saves it.
    let school = wonde_sim::SimConfig {
        clock: clock.clone(),
        ..wonde_sim::SimConfig::new(wonde_sim::demo::generate(11, 30))
    };
    let sim = tauri::async_runtime::block_on(wonde_sim::Simulator::start(school)).unwrap();
    let connection =
        kiosk_core::connection::Connection { school_id: sim.school_id(), base_url: sim.base_url() };
    let token = wonde_client::Token::new(sim.token());
    kiosk_core::connection::save(&kiosk.store, &data_dir, &connection, &token).unwrap();
    kiosk
        .call(
            "staff_save_connection",
            json!({ "session": session, "schoolId": sim.school_id(), "token": null }),
        )
        .unwrap();

    let theirs: std::collections::HashSet<String> =
        sim.read_school(|s| s.students.iter().map(|st| st.upi.clone()).collect());
    let ours = kiosk.store.students().unwrap();
    assert!(
        !ours.is_empty() && ours.iter().all(|s| theirs.contains(&s.upi)),
        "only the school's pupils"
    );
    let hits = kiosk.call("search_students", json!({ "query": demo_pupil.surname })).unwrap();
    for hit in hits.as_array().unwrap() {
        assert!(theirs.contains(hit["upi"].as_str().unwrap()), "a demo pupil is searchable: {hit}");
    }
    let home = kiosk.call("home_status", json!({})).unwrap();
    assert_eq!((&home["demo"], &home["importing"]), (&json!(false), &json!(false)), "{home}");
    // Written to the demo school already, or settled Not Required if it was still waiting:
    // either way never sent to the school's MIS.
    let id = waiting["id"].as_i64().unwrap();
    let settled = kiosk.store.event(id).unwrap().unwrap();
    assert!(matches!(settled.status, Status::Successful | Status::NotRequired), "{settled:?}");
    assert!(sim.marks().is_empty(), "the demo sign-in is never sent to the school");
    tauri::async_runtime::block_on(
        tauri::Manager::state::<reception_kiosk::AppState>(&kiosk.app).shutdown(),
    );
}

#[test]
fn a_kiosk_whose_token_file_is_lost_still_starts_and_records_and_says_why_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(common::seeded_store(dir.path(), kiosk::monday_morning()));
    let school = wonde_sim::SimConfig::new(wonde_sim::demo::generate(11, 10));
    let sim = tauri::async_runtime::block_on(wonde_sim::Simulator::start(school)).unwrap();
    let connection =
        kiosk_core::connection::Connection { school_id: sim.school_id(), base_url: sim.base_url() };
    let token = wonde_client::Token::new(sim.token());
    kiosk_core::connection::save(&store, dir.path(), &connection, &token).unwrap();
    std::fs::remove_file(dir.path().join("wonde-token")).unwrap();

    let kiosk = kiosk_on(store, |builder| builder);
    let clock = std::sync::Arc::new(kiosk_model::clock::ManualClock::new(kiosk::monday_morning()));
    let backend = tauri::async_runtime::block_on(kiosk_core::background::start(
        kiosk.store.clone(),
        clock,
        dir.path(),
    ))
    .expect("the kiosk starts without its token");
    assert!(!backend.demo, "a connected kiosk never falls back to the demo school");
    reception_kiosk::attach_background(kiosk.app.handle(), backend);
    kiosk_core::staff::StaffGate::set_pin_as_it(&kiosk.store, "246813", kiosk::monday_morning())
        .unwrap();
    let session =
        kiosk.call("staff_unlock", json!({ "pin": "246813" })).unwrap()["session"].clone();
    let pupil = kiosk.store.students().unwrap().remove(0);
    let recorded = kiosk.sign_in(&pupil.upi).expect("sign-ins are still recorded");

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while kiosk.call("home_status", json!({})).unwrap()["paused"] != json!("token_refused") {
        assert!(std::time::Instant::now() < deadline, "the strip never said writeback waits");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let findings = kiosk.call("staff_config_check", json!({ "session": session })).unwrap();
    assert!(
        findings.as_array().unwrap().iter().any(|f| f["title"] == "The Wonde token cannot be read"),
        "{findings}"
    );
    let event = kiosk.store.event(recorded["id"].as_i64().unwrap()).unwrap().unwrap();
    assert_eq!(event.status, Status::Pending, "kept until the kiosk is connected again");
    assert_eq!(sim.request_count(), 0, "nothing is sent without a token");
    tauri::async_runtime::block_on(
        tauri::Manager::state::<reception_kiosk::AppState>(&kiosk.app).shutdown(),
    );
}

#[test]
fn the_window_is_granted_exactly_the_declared_commands_and_event_listening() {
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src-tauri/capabilities/main.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> =
        declared_commands().iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    expected
        .extend(["core:event:allow-listen".to_string(), "core:event:allow-unlisten".to_string()]);
    granted.sort();
    expected.sort();
    assert_eq!(granted, expected);
    assert_eq!(declared_commands().len(), 36, "8 kiosk commands and 28 staff commands");

    // Every declared command gets past the permission check (its own validation may still refuse).
    let kiosk = kiosk();
    for cmd in declared_commands() {
        if let Err(e) = kiosk.call(&cmd, json!({})) {
            assert!(!e.contains("not allowed"), "{cmd} is declared but refused: {e}");
        }
    }
}

/// A command compiled into the app by mistake, but never declared or granted.
#[tauri::command]
fn export_everything() -> String {
    "every pupil's name".into()
}

#[test]
fn a_command_not_declared_and_granted_is_refused_even_when_registered() {
    let kiosk =
        kiosk_with(|builder| builder.invoke_handler(tauri::generate_handler![export_everything]));
    let err = kiosk
        .call("export_everything", json!({}))
        .expect_err("an ungranted app command must be refused");
    assert!(err.contains("not allowed"), "{err}");
}

#[test]
fn tauri_core_commands_the_kiosk_does_not_use_are_refused() {
    let kiosk = kiosk();
    let refused = [
        ("plugin:window|set_fullscreen", json!({ "label": "main", "value": false })),
        ("plugin:window|close", json!({ "label": "main" })),
        (
            "plugin:webview|create_webview_window",
            json!({ "options": { "label": "x", "url": "https://example.com" } }),
        ),
        ("plugin:app|app_hide", json!({})),
        ("plugin:event|emit", json!({ "event": "sync-status", "payload": { "online": true } })),
    ];
    for (cmd, args) in refused {
        let err = kiosk.call(cmd, args).expect_err(&format!("{cmd} must be refused"));
        assert!(err.contains("not allowed"), "{cmd}: {err}");
    }
    // What the UI does use: listening to the sync engine's events (R2.6).
    let listened = kiosk.call(
        "plugin:event|listen",
        json!({ "event": "sync-status", "target": { "kind": "Any" }, "handler": 7 }),
    );
    assert!(listened.is_ok(), "{listened:?}");
}

#[test]
fn staff_commands_need_the_pin_and_five_wrong_tries_pause_the_pad() {
    let kiosk = kiosk();
    assert_eq!(kiosk.call("staff_pin_status", json!({})).unwrap()["pinSet"], false);
    let refused = kiosk.call_coded("staff_log", json!({ "session": "guess", "date": "2026-11-23", "status": null, "kind": null, "text": null }));
    let (code, sentence) = refused.unwrap_err();
    assert_eq!(
        (code.as_str(), sentence.as_str()),
        ("SESSION_EXPIRED", "Please enter the staff PIN again.")
    );
    let session = kiosk.staff_session();
    let log = kiosk.call("staff_log", json!({ "session": session, "date": "2026-11-23", "status": null, "kind": null, "text": null })).unwrap();
    assert_eq!(log["counts"]["pending"], 0);

    for _ in 0..4 {
        let (code, sentence) =
            kiosk.call_coded("staff_unlock", json!({ "pin": "1111" })).unwrap_err();
        assert!(code == "PIN_WRONG" && sentence.starts_with("Wrong PIN."), "{code}: {sentence}");
    }
    let (code, locked) = kiosk.call_coded("staff_unlock", json!({ "pin": "1111" })).unwrap_err();
    assert_eq!(code, "PIN_PAUSED");
    assert!(locked.contains("Try again in 60 seconds"), "{locked}");
    assert_eq!(kiosk.call("staff_pin_status", json!({})).unwrap()["lockedForSeconds"], 60);
    kiosk.call("staff_lock", json!({ "session": session })).unwrap();
    assert!(
        kiosk.call("staff_on_site", json!({ "session": session })).is_err(),
        "a locked session is closed"
    );
}

#[test]
fn a_kiosk_connected_to_a_school_lets_no_one_at_the_window_choose_the_first_pin() {
    // R6.6: a pupil tapping Staff before IT has set a PIN cannot claim the staff area.
    let kiosk = kiosk::connected_kiosk();
    let status = kiosk.call("staff_pin_status", json!({})).unwrap();
    assert_eq!((&status["pinSet"], &status["canChooseFirst"]), (&json!(false), &json!(false)));
    let (code, sentence) = kiosk
        .call_coded("staff_set_pin", json!({ "pin": "246813", "currentPin": null }))
        .unwrap_err();
    assert_eq!(code, "PIN_NOT_SET");
    assert!(sentence.contains("kioskctl pin set"), "{sentence}");
    assert_eq!(kiosk.call("staff_pin_status", json!({})).unwrap()["pinSet"], false);
    // IT sets it; staff then open the area at the window, and hear of no wrong tries.
    let now = kiosk::monday_morning();
    kiosk_core::staff::StaffGate::set_pin_as_it(&kiosk.store, "246813", now).unwrap();
    let unlocked = kiosk.call("staff_unlock", json!({ "pin": "246813" })).unwrap();
    assert_eq!(unlocked["wrongTriesSinceLastVisit"], 0);
}

#[test]
fn staff_see_a_failed_event_with_its_attempts_retry_it_and_export_the_day() {
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    let recorded = kiosk
        .call("record_event", json!({ "event": { "kind": "late_sign_in", "upi": "u1", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }))
        .unwrap();
    let id = recorded["id"].as_i64().unwrap();
    let store = &kiosk.store;
    let now = store.event(id).unwrap().unwrap().recorded_at;
    store
        .add_attempt(
            id,
            &kiosk_core::store::Attempt {
                started_at: now,
                duration_ms: 80,
                sent: "POST attendance/session: student Wu1, 2026-11-23 AM, code L (AC2)".into(),
                http_status: Some(422),
                mis_message: Some("The selected student id is invalid.".into()),
                outcome: kiosk_model::AttemptOutcome::Refused,
                detail: None,
            },
        )
        .unwrap();
    let failed = kiosk_core::store::Outcome {
        status: Status::Failed,
        cause: Some("The MIS refused the mark.".into()),
        session: Some("AM".into()),
        code: Some("L".into()),
    };
    store.finish_event(id, &failed, now).unwrap();

    let log = kiosk.call("staff_log", json!({ "session": session, "date": "2026-11-23", "status": "failed", "kind": null, "text": "zoë" })).unwrap();
    assert_eq!(
        (log["rows"][0]["statusLabel"].clone(), log["rows"][0]["canRetry"].clone()),
        (json!("Failed"), json!(true))
    );
    let detail = kiosk.call("staff_event", json!({ "session": session, "id": id })).unwrap();
    assert_eq!(detail["attempts"][0]["httpStatus"], 422);
    assert_eq!(detail["attempts"][0]["misMessage"], "The selected student id is invalid.");
    let retried = kiosk.call("staff_retry", json!({ "session": session, "id": id })).unwrap();
    assert_eq!(retried["status"], "pending");
    let saved = kiosk
        .call(
            "staff_export_csv",
            json!({ "session": session, "from": "2026-11-23", "to": "2026-11-23" }),
        )
        .unwrap();
    assert_eq!(saved["events"], 1);
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    assert_eq!(path, kiosk.exports.join("writeback-log-2026-11-23-2026-11-23.csv"));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("id,date,time,person") && csv.contains("Zoë O'Brien"), "{csv}");
}

#[test]
fn an_export_stays_in_the_data_directory_for_the_kiosk_alone_is_listed_and_deleted_on_request() {
    use std::os::unix::fs::PermissionsExt;
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    kiosk.sign_in("u1").unwrap();
    let range = json!({ "session": session, "from": "2026-11-23", "to": "2026-11-23" });
    let saved = kiosk.call("staff_export_csv", range).unwrap();
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    let data_dir = kiosk.store.path().parent().unwrap();
    assert_eq!(path.parent().unwrap(), data_dir.join("exports"), "in the data directory (R6.4)");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&path), mode(path.parent().unwrap())), (0o600, 0o700));

    let listed = kiosk.call("staff_exports", json!({ "session": session })).unwrap();
    assert_eq!(listed["folder"], data_dir.join("exports").display().to_string());
    assert_eq!(
        listed["exports"],
        json!([{ "name": "writeback-log-2026-11-23-2026-11-23.csv", "bytes": std::fs::metadata(&path).unwrap().len(), "savedAt": "2026-11-23 09:12", "events": 1 }]),
        "saved at the kiosk's time, in the school's zone"
    );

    // Only a listed export's name deletes anything: never a path out of the folder.
    std::fs::write(data_dir.join("notes.csv"), "keep me").unwrap();
    for name in ["../kiosk.sqlite3", "../notes.csv", "/etc/passwd", "..", "", "exports"] {
        let (code, sentence) = kiosk
            .call_coded("staff_delete_export", json!({ "session": session, "name": name }))
            .unwrap_err();
        assert_eq!(code, "INVALID", "{name}: {sentence}");
        assert!(sentence.starts_with("There is no export called"), "{sentence}");
    }
    assert!(data_dir.join("notes.csv").exists() && kiosk.store.path().exists());

    let after = kiosk
        .call(
            "staff_delete_export",
            json!({ "session": session, "name": "writeback-log-2026-11-23-2026-11-23.csv" }),
        )
        .unwrap();
    assert_eq!(after["exports"], json!([]));
    assert!(!path.exists());
}

#[test]
fn a_settings_change_from_the_staff_area_is_validated_and_used_by_the_next_sign_in() {
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    let mut settings =
        kiosk.call("staff_settings", json!({ "session": session })).unwrap()["settings"].clone();
    settings["default_group"]["am_late"] = json!("09:30");
    let refused = kiosk
        .call("staff_save_settings", json!({ "session": session, "settings": settings.clone() }))
        .unwrap_err();
    assert!(
        refused.contains("AM late time (09:30) is after the AM unauthorised time (09:20)"),
        "{refused}"
    );
    settings["default_group"]["am_unauthorised"] = json!("09:45");
    kiosk.call("staff_save_settings", json!({ "session": session, "settings": settings })).unwrap();
    assert_eq!(
        kiosk.store.settings().unwrap().default_group.am_late,
        NaiveTime::from_hms_opt(9, 30, 0).unwrap()
    );
}

#[test]
fn the_wonde_token_never_reaches_the_window() {
    let kiosk = kiosk();
    let token = "secret-token-4f2a9c7e1b3d5f60";
    let data_dir = kiosk.store.path().parent().unwrap().to_path_buf();
    let connection = kiosk_core::connection::Connection {
        school_id: "A1930499544".into(),
        base_url: "http://127.0.0.1:9/v1.0".into(),
    };
    kiosk_core::connection::save(
        &kiosk.store,
        &data_dir,
        &connection,
        &wonde_client::Token::new(token),
    )
    .unwrap();
    let session = kiosk.staff_session();
    let calls = [
        ("home_status", json!({})),
        ("kiosk_settings", json!({})),
        ("search_students", json!({ "query": "zo" })),
        ("staff_settings", json!({ "session": session })),
        ("staff_config_check", json!({ "session": session })),
        ("staff_import_runs", json!({ "session": session })),
        (
            "staff_log",
            json!({ "session": session, "date": "2026-11-23", "status": null, "kind": null, "text": null }),
        ),
        ("staff_people", json!({ "session": session, "kind": "student", "query": "" })),
        (
            "staff_test_connection",
            json!({ "session": session, "schoolId": "A1930499544", "token": null }),
        ),
    ];
    for (cmd, args) in calls {
        let answer = match kiosk.call(cmd, args) {
            Ok(value) => value.to_string(),
            Err(sentence) => sentence,
        };
        assert!(
            !answer.contains(token) && !answer.contains("4f2a9c7e"),
            "{cmd} leaked the token: {answer}"
        );
    }
    let shown = kiosk.call("staff_settings", json!({ "session": session })).unwrap();
    assert!(shown["connection"]["tokenMasked"].as_str().unwrap().starts_with('•'));
}
