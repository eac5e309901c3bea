//! Every command the window can call, fed what a compromised or buggy web view could send: 1 MB
//! strings, control characters, NUL, SQL fragments, wrong JSON types, missing fields, negative
//! and huge numbers, impossible dates (R6.3: each command validates its input). Each answer is
//! data or a short sentence, never a panic or a trace; nothing in the kiosk's data changes; and
//! the kiosk still signs pupils in afterwards.

mod common;
#[path = "common/kiosk.rs"]
mod kiosk;

use serde_json::{json, Value};

use kiosk::{declared_commands, kiosk, Kiosk};

/// Values no argument of any command accepts as a real request.
fn hostile_values() -> Vec<Value> {
    let mut values: Vec<Value> = [
        "x".repeat(1 << 20),
        "é".repeat(1 << 19),
        "line\nbreak\u{7}bell\u{1b}[2J".into(),
        "u1\u{0}".into(),
        "\u{0}".into(),
        "'; DROP TABLE events;--".into(),
        "Robert'); DELETE FROM students WHERE ('1'='1".into(),
        "%_\\".into(),
        "\u{202e}evil\u{202d}".into(),
        "Z\u{337}\u{322}a\u{338}l\u{336}g\u{335}o".into(),
        "👩‍👩‍👧\u{fe0f}".into(),
        "".into(),
        "   ".into(),
        "2026-13-45".into(),
        "2026-02-30".into(),
        "0000-00-00".into(),
        "+262143-12-31".into(),
        "-262144-01-01".into(),
        "23/11/2026".into(),
        "2026-11-23T25:61:00Z".into(),
    ]
    .into_iter()
    .map(Value::String)
    .collect();
    values.extend([
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-0.5),
        json!([]),
        json!(["u1"]),
        json!({}),
        json!({ "$ne": 1 }),
    ]);
    values
}

/// One valid call per command (an empty session is filled in with an open one), against the
/// seeded school with one sign-in recorded, the default settings saved and the staff PIN 2468.
fn valid_calls() -> Vec<(&'static str, Value)> {
    let event = json!({ "kind": "late_sign_in", "upi": "u2", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null });
    vec![
        ("home_status", json!({})),
        ("kiosk_settings", json!({})),
        ("search_students", json!({ "query": "zo" })),
        ("reasons", json!({ "kind": "late_sign_in", "upi": "u1" })),
        ("signed_out_today", json!({})),
        ("record_event", json!({ "event": event })),
        ("card_lookup", json!({ "scanned": "1001" })),
        ("student_photo", json!({ "upi": "u1" })),
        ("staff_pin_status", json!({})),
        ("staff_set_pin", json!({ "pin": "1357", "currentPin": "2468" })),
        ("staff_unlock", json!({ "pin": "2468" })),
        // Not the open session: locking it would leave the other staff commands nothing to check.
        ("staff_lock", json!({ "session": "an-old-session" })),
        ("staff_check_count", json!({})),
        ("staff_config_check", json!({ "session": "" })),
        ("staff_on_site", json!({ "session": "" })),
        (
            "staff_log",
            json!({ "session": "", "date": "2026-11-23", "status": null, "kind": null, "text": null }),
        ),
        ("staff_event", json!({ "session": "", "id": 1 })),
        ("staff_retry", json!({ "session": "", "id": 1 })),
        ("staff_retry_failed_today", json!({ "session": "" })),
        ("staff_confirm_time", json!({ "session": "", "id": 1, "byWonde": true })),
        ("staff_export_csv", json!({ "session": "", "from": "2026-11-23", "to": "2026-11-23" })),
        ("staff_settings", json!({ "session": "" })),
        ("staff_save_settings", json!({ "session": "", "settings": {} })),
        (
            "staff_test_connection",
            json!({ "session": "", "schoolId": "A1930499544", "token": "token-of-forty-characters-0123456789abcd" }),
        ),
        (
            "staff_save_connection",
            json!({ "session": "", "schoolId": "A1930499544", "token": "token-of-forty-characters-0123456789abcd" }),
        ),
        ("staff_import_now", json!({ "session": "", "full": true })),
        ("staff_import_runs", json!({ "session": "" })),
        ("staff_people", json!({ "session": "", "kind": "student", "query": "" })),
        (
            "staff_set_import",
            json!({ "session": "", "kind": "student", "misId": "1001", "imported": true }),
        ),
        ("staff_exports", json!({ "session": "" })),
        (
            "staff_delete_export",
            json!({ "session": "", "name": "writeback-log-2026-11-23-2026-11-23.csv" }),
        ),
        ("staff_print_on_site", json!({ "session": "" })),
        ("staff_collectors", json!({ "session": "", "misId": "1002" })),
        (
            "staff_card_sheet",
            json!({ "session": "", "year": "7", "registrationGroup": null, "print": false }),
        ),
        ("staff_reissue_card", json!({ "session": "", "misId": "1002" })),
        (
            "staff_set_collector",
            json!({ "session": "", "misId": "1002", "contact": "c3", "allowed": false }),
        ),
    ]
}

/// A sentence the window can show: short, printable, not a trace.
fn assert_sentence(cmd: &str, args: &str, answer: &str) {
    let shown = answer.chars().take(200).collect::<String>();
    // Tauri refuses arguments of the wrong shape before our command runs, quoting them whole;
    // the window never shows that text (api.js), so only its being a refusal matters.
    if answer.starts_with("invalid args `") {
        return;
    }
    assert!(!answer.trim().is_empty(), "{cmd} {args}: an empty refusal");
    assert!(
        answer.chars().count() <= 300,
        "{cmd} {args}: a refusal of {} characters: {shown}",
        answer.chars().count()
    );
    assert!(!answer.chars().any(char::is_control), "{cmd} {args}: control characters in {shown:?}");
    for trace in ["panicked", "rusqlite", "sqlite", "unwrap", "RUST_BACKTRACE", "src-tauri/"] {
        assert!(!answer.contains(trace), "{cmd} {args}: a trace, not a sentence: {shown}");
    }
    assert!(
        answer.starts_with(|c: char| c.is_uppercase() || c == '\''),
        "{cmd} {args}: not a sentence: {shown}"
    );
}

/// Calls `cmd` with `args` and checks the answer is data or a sentence and nothing changed.
fn call_changes_nothing(kiosk: &Kiosk, before: &str, cmd: &str, args: Value) {
    let printed = args.to_string().chars().take(120).collect::<String>();
    if let Err((code, answer)) = kiosk.call_coded(cmd, args) {
        assert_sentence(cmd, &printed, &answer);
        // Ours carry the code the window decides by; only Tauri's own refusal of malformed
        // arguments, which the window never shows, has none.
        assert!(
            !code.is_empty() || answer.starts_with("invalid args `"),
            "{cmd} {printed}: a refusal without a code: {answer}"
        );
    }
    assert!(kiosk.snapshot() == before, "{cmd} {printed} changed the kiosk's data");
}

#[test]
fn every_command_refuses_hostile_input_with_a_sentence_changes_nothing_and_the_kiosk_still_works() {
    // A connection test must not leave the machine: port 9 on loopback refuses at once.
    std::env::set_var("WONDE_API_URL", "http://127.0.0.1:9/v1.0");
    let kiosk = kiosk();
    kiosk.sign_in("u1").unwrap();
    // Saved, so that saving `{}` (every default) again is no change.
    kiosk.store.save_settings(&kiosk_core::settings::Settings::default()).unwrap();
    let session = kiosk.staff_session();
    let before = kiosk.snapshot();
    let hostile = hostile_values();
    let mut covered: Vec<String> = valid_calls().iter().map(|(cmd, _)| cmd.to_string()).collect();
    let mut declared = declared_commands();
    covered.sort();
    declared.sort();
    assert_eq!(covered, declared, "every declared command is fed hostile input");

    for (cmd, valid) in valid_calls() {
        let mut valid = valid;
        if valid.get("session") == Some(&json!("")) {
            valid["session"] = json!(session);
        }
        // The whole argument object of the wrong shape.
        for whole in [json!(null), json!([]), json!("x"), json!(7)] {
            call_changes_nothing(&kiosk, &before, cmd, whole);
        }
        // record_event's fields are inside its `event`; every other command's are at the top.
        let (object, wrapper) = match valid.get("event") {
            Some(event) => (event.clone(), Some("event")),
            None => (valid.clone(), None),
        };
        let wrap = |inner: Value| match wrapper {
            Some(key) => json!({ key: inner }),
            None => inner,
        };
        for key in object.as_object().unwrap().keys() {
            // A missing optional field is simply "none"; a missing required one is refused.
            if !object[key].is_null() && key != "reasonTyped" {
                let mut missing = object.clone();
                missing.as_object_mut().unwrap().remove(key);
                call_changes_nothing(&kiosk, &before, cmd, wrap(missing));
            }
            for value in &hostile {
                let mut changed = object.clone();
                changed[key] = value.clone();
                call_changes_nothing(&kiosk, &before, cmd, wrap(changed));
            }
        }
    }

    // Afterwards the kiosk works as before: a pupil finds themself and signs in, and the office
    // sees both sign-ins.
    assert_eq!(kiosk.call("search_students", json!({ "query": "liam" })).unwrap()[0]["upi"], "u2");
    kiosk.sign_in("u2").unwrap();
    let log = kiosk.call("staff_log", json!({ "session": session, "date": "2026-11-23", "status": null, "kind": null, "text": null })).unwrap();
    assert_eq!(log["rows"].as_array().unwrap().len(), 2);
}

#[test]
fn a_wrong_pin_of_the_wrong_shape_is_refused_without_using_up_a_try() {
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    kiosk.call("staff_lock", json!({ "session": session })).unwrap();
    for pin in ["'; DROP TABLE events;--", "12", "123456789", "12a4", "\u{0}\u{0}\u{0}\u{0}"] {
        let refused = kiosk.call("staff_unlock", json!({ "pin": pin })).unwrap_err();
        assert_eq!(refused, "A staff PIN is 4 to 8 digits.");
    }
    assert_eq!(kiosk.call("staff_pin_status", json!({})).unwrap()["lockedForSeconds"], 0);
    assert!(
        kiosk.call("staff_unlock", json!({ "pin": "1111" })).unwrap_err().contains("4 tries left"),
        "a real wrong PIN still counts"
    );
}

#[test]
fn the_office_is_told_why_a_retry_or_an_import_switch_was_refused_not_that_the_data_is_broken() {
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    let id = kiosk.sign_in("u1").unwrap()["id"].as_i64().unwrap();
    let retry = kiosk.call("staff_retry", json!({ "session": session, "id": id })).unwrap_err();
    assert_eq!(retry, format!("Event {id} is Pending; only Failed events can be retried."));
    let switch = kiosk.call(
        "staff_set_import",
        json!({ "session": session, "kind": "student", "misId": "9999", "imported": false }),
    );
    assert_eq!(switch.unwrap_err(), "There is nobody with that MIS id on the roster.");
    kiosk
        .call(
            "staff_set_import",
            json!({ "session": session, "kind": "student", "misId": "1002", "imported": false }),
        )
        .unwrap();
    assert_eq!(
        kiosk.call("search_students", json!({ "query": "liam" })).unwrap(),
        json!([]),
        "an excluded pupil is hidden at once"
    );
}

#[test]
fn no_kiosk_screen_command_answers_with_a_contacts_name_or_relationship() {
    // R6.7: Liam's mother and grandmother have collected him and his sister; his social worker
    // is on record. Nothing the screens can ask, without the staff PIN, names any of them.
    let kiosk = kiosk();
    for (upi, by) in [("u2", "Mrs Smith-Jones"), ("u3", "Joan Smith-Jones"), ("u2", "Ms Lee")] {
        let event = json!({ "kind": "early_sign_out", "upi": upi, "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": by });
        kiosk.call("record_event", json!({ "event": event })).unwrap();
    }
    let mut calls: Vec<(&str, Value)> =
        valid_calls().into_iter().filter(|(_, args)| args.get("session").is_none()).collect();
    calls.extend([
        ("search_students", json!({ "query": "Sarah" })),
        ("search_students", json!({ "query": "Karen Lee" })),
        ("reasons", json!({ "kind": "early_sign_out", "upi": "u2" })),
    ]);
    for (cmd, args) in calls {
        let answer = match kiosk.call(cmd, args.clone()) {
            Ok(value) => value.to_string(),
            Err(sentence) => sentence,
        };
        for private in ["Sarah", "Karen", "Lee", "Joan", "Mother", "Grandparent", "Social"] {
            assert!(!answer.contains(private), "{cmd} {args} answered {private}: {answer}");
        }
    }
}
