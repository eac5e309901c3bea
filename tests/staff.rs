//! The staff area's gate and checks on a real store (R5.1, R5.5, R5.6).

mod common;

use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Europe::London;

use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::recording::{self, Person, Request};
use kiosk_core::rules::EventKind;
use kiosk_core::settings::{Reason, ReasonUse, ReasonWriteback};
use kiosk_core::staff::check::Severity;
use kiosk_core::staff::{check, on_site, StaffError, StaffGate};
use kiosk_core::store::{Attempt, Outcome, Status};
use kiosk_model::clock::local_to_utc;

fn at(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    local_to_utc(
        London,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        NaiveTime::from_hms_opt(h, m, 0).unwrap(),
    )
}

#[test]
fn the_pin_is_chosen_once_stored_hashed_and_five_wrong_tries_pause_the_pad() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let gate = StaffGate::new(Duration::from_secs(600));
    assert!(!gate.status(&store, at(8, 0)).unwrap().pin_set);
    for weak in ["12a456", "2468", "111111", "123456", "876543", "123456789"] {
        assert!(gate.set_pin(&store, weak, None, true, at(8, 0)).is_err(), "{weak} is refused");
    }
    gate.set_pin(&store, "246813", None, true, at(8, 0)).unwrap();
    let stored = store.value("staff_pin_hash").unwrap().unwrap();
    assert!(stored.starts_with("$argon2") && !stored.contains("246813"));
    assert!(
        gate.set_pin(&store, "135792", None, true, at(8, 0)).is_err(),
        "changing it needs the current PIN"
    );

    let session = gate.unlock(&store, "246813", at(8, 1)).unwrap().session;
    gate.check(&store, &session, at(8, 2)).unwrap();
    assert!(matches!(gate.check(&store, &session, at(8, 30)), Err(StaffError::SessionExpired)));

    for left in (1..=4).rev() {
        let err = gate.unlock(&store, "000000", at(9, 0)).unwrap_err().to_string();
        assert!(err.contains(&format!("{left} tr")), "{err}");
    }
    let locked = gate.unlock(&store, "000000", at(9, 0)).unwrap_err().to_string();
    assert!(locked.contains("Try again in 60 seconds"), "{locked}");
    let still = gate.unlock(&store, "246813", at(9, 0)).unwrap_err().to_string();
    assert!(still.contains("Too many wrong tries"), "even the right PIN waits: {still}");
    assert_eq!(gate.status(&store, at(9, 0)).unwrap().locked_for_seconds, 60);
    let back =
        gate.unlock(&store, "246813", at(9, 2)).expect("after the pause the right PIN opens");
    assert_eq!(back.wrong_tries_since_last_visit, 5, "staff hear of the wrong tries");
    assert_eq!(gate.unlock(&store, "246813", at(9, 3)).unwrap().wrong_tries_since_last_visit, 0);
}

#[test]
fn a_pupil_cannot_claim_the_staff_area_of_a_connected_kiosk_nor_keep_staff_out_for_long() {
    // R6.6: the first PIN comes from IT once a school is connected.
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let gate = StaffGate::new(Duration::from_secs(600));
    let claimed = gate.set_pin(&store, "246813", None, false, at(8, 0));
    assert!(matches!(claimed, Err(StaffError::FirstPinFromIt)), "{claimed:?}");
    assert!(!gate.status(&store, at(8, 0)).unwrap().pin_set);
    let caps = MisCapabilities::builtin().unwrap();
    let findings = check::run(&store, &caps, at(8, 0), None).unwrap();
    assert!(findings.iter().any(|f| f.title == "No staff PIN is set"), "{findings:?}");
    StaffGate::set_pin_as_it(&store, "246813", at(8, 0)).unwrap();
    let findings = check::run(&store, &caps, at(8, 0), None).unwrap();
    assert!(findings.iter().all(|f| f.title != "No staff PIN is set"), "{findings:?}");

    // One wrong try after each pause all morning: each pause is at most five minutes.
    let mut now = at(9, 0);
    for _ in 0..4 {
        let _ = gate.unlock(&store, "000000", now);
    }
    let mut longest = 0;
    for _ in 0..20 {
        let _ = gate.unlock(&store, "000000", now);
        let paused = gate.status(&store, now).unwrap().locked_for_seconds;
        longest = longest.max(paused);
        now += chrono::Duration::seconds(paused);
    }
    assert_eq!(longest, 5 * 60, "the longest pause");
    let staff = gate.unlock(&store, "246813", now).expect("staff get in");
    assert_eq!(staff.wrong_tries_since_last_visit, 24);

    // Sessions end after an hour however busy, and when the PIN changes (here or by IT).
    let mut t = now;
    for step in [9, 9, 9, 9, 9, 9, 5] {
        t += chrono::Duration::minutes(step);
        gate.check(&store, &staff.session, t).unwrap();
    }
    // 61 minutes in, two minutes after the last use: not idle long, but an hour is the most.
    t += chrono::Duration::minutes(2);
    assert!(gate.check(&store, &staff.session, t).is_err(), "an hour at most");
    let session = gate.unlock(&store, "246813", t).unwrap().session;
    StaffGate::set_pin_as_it(&store, "975318", t).unwrap();
    assert!(gate.check(&store, &session, t).is_err(), "a new PIN ends the session");
    StaffGate::reset_pin(&store, t).unwrap();
    assert!(!gate.status(&store, t).unwrap().pin_set, "reset: IT sets a new one");
}

#[test]
fn the_check_catches_a_reason_mapped_to_a_code_the_mis_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let caps = MisCapabilities::builtin().unwrap();
    let mut settings = store.settings().unwrap();
    settings.default_group.reasons.push(Reason {
        label: "Strike".into(),
        used_for: ReasonUse::Both,
        writeback: ReasonWriteback::Code { code: "Y".into() },
    });
    store.save_settings(&settings).unwrap();
    let findings = check::run(&store, &caps, at(9, 0), None).unwrap();
    assert!(findings[0].title.contains("Reason 'Strike' writes Y"), "{findings:?}");
    assert!(check::count(&findings) >= 1);
}

#[test]
fn on_site_lists_todays_late_arrivals_and_early_departures_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let record = |kind, mis: &str, by: Option<&str>, when| {
        let request = Request {
            kind,
            person: Person::MisId(mis.into()),
            reason: None,
            collected_by: by.map(String::from),
            at: None,
        };
        recording::record(&store, &request, when).unwrap();
    };
    record(EventKind::EarlySignOut, "1003", Some("Sarah Smith-Jones"), at(11, 0));
    record(EventKind::LateSignIn, "1001", None, at(9, 10));
    let rows = on_site::today(&store, at(12, 0)).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].time.as_str(), rows[0].person.as_str()), ("09:10", "Zoë O'Brien"));
    assert_eq!(
        (rows[1].kind.as_str(), rows[1].collected_by.as_str()),
        ("Early sign-out", "Sarah Smith-Jones")
    );
}

#[test]
fn the_check_says_when_wonde_refuses_the_token_and_when_the_last_mark_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let caps = MisCapabilities::builtin().unwrap();
    let request = Request {
        kind: EventKind::LateSignIn,
        person: Person::MisId("1001".into()),
        reason: None,
        collected_by: None,
        at: None,
    };
    let event = recording::record(&store, &request, at(9, 5)).unwrap();
    let attempt = |minute, http_status| Attempt {
        started_at: at(9, minute),
        duration_ms: 80,
        sent: "L for AM".into(),
        http_status: Some(http_status),
        mis_message: None,
        outcome: kiosk_model::AttemptOutcome::WillRetry,
        detail: None,
    };
    store.add_attempt(event.id, &attempt(6, 401)).unwrap();
    let findings = check::run(&store, &caps, at(9, 7), None).unwrap();
    let refused = findings
        .iter()
        .find(|f| f.title == "Wonde refused the kiosk's token")
        .expect("the refused token is listed");
    assert_eq!(refused.severity, Severity::Problem);
    assert!(refused.detail.contains("HTTP 401 at 09:06 on 23 November 2026"), "{refused:?}");
    assert!(!findings.iter().any(|f| f.title == "Marks are reaching the MIS"));

    // The office fixes the token: the next write goes through.
    store.add_attempt(event.id, &attempt(20, 200)).unwrap();
    let written = Outcome {
        status: Status::Successful,
        cause: None,
        session: Some("AM".into()),
        code: Some("L".into()),
    };
    assert!(store.finish_event(event.id, &written, at(9, 21)).unwrap());
    let findings = check::run(&store, &caps, at(9, 30), None).unwrap();
    assert!(
        !findings.iter().any(|f| f.severity == Severity::Problem && f.title.contains("token")),
        "{findings:?}"
    );
    let accepted = findings
        .iter()
        .find(|f| f.title == "The token is accepted")
        .expect("the token is shown accepted");
    assert!(accepted.detail.contains("09:20"), "{accepted:?}");
    let last = findings
        .iter()
        .find(|f| f.title == "Marks are reaching the MIS")
        .expect("the last write is shown");
    assert!(last.detail.contains("09:21 on 23 November 2026"), "{last:?}");
}

#[test]
fn events_recorded_on_the_demo_school_are_settled_not_sent_when_the_kiosk_is_connected() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let request = Request {
        kind: EventKind::LateSignIn,
        person: Person::MisId("1001".into()),
        reason: None,
        collected_by: None,
        at: None,
    };
    let waiting = recording::record(&store, &request, at(9, 5)).unwrap();
    let written = recording::record(
        &store,
        &Request { person: Person::MisId("1002".into()), ..request },
        at(9, 6),
    )
    .unwrap();
    let done = Outcome {
        status: Status::Successful,
        cause: None,
        session: Some("AM".into()),
        code: Some("L".into()),
    };
    store.finish_event(written.id, &done, at(9, 7)).unwrap();

    assert_eq!(kiosk_core::background::settle_demo_events(&store, at(10, 0)).unwrap(), 1);
    let settled = store.event(waiting.id).unwrap().unwrap();
    assert_eq!(settled.status, Status::NotRequired);
    assert!(settled.cause.unwrap().contains("demo school"));
    assert_eq!(
        store.event(written.id).unwrap().unwrap().status,
        Status::Successful,
        "a final status stays"
    );
    assert!(store.pending_events().unwrap().is_empty(), "nothing is left to send to the real MIS");
}
