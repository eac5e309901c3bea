//! The store on real SQLite files: nothing recorded is lost, statuses only move forward, the
//! roster swaps whole, and a damaged or newer database is met with a clear message.

mod common;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::London;
use rusqlite::Connection;

use kiosk_core::recording::{self, Person, ReasonText, Request};
use kiosk_core::rules::EventKind;
use kiosk_core::settings::Settings;
use kiosk_core::store::{EventFilter, NewEvent, Outcome, Status, Store, StoreError, DB_FILE};
use kiosk_model::clock::local_to_utc;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    local_to_utc(London, day(), NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

fn late(mis_id: &str) -> Request {
    Request {
        kind: EventKind::LateSignIn,
        person: Person::MisId(mis_id.into()),
        reason: None,
        collected_by: None,
        at: None,
    }
}

#[test]
fn a_recorded_sign_in_survives_closing_and_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = common::seeded_store(dir.path(), at(8, 0));
        recording::record(&store, &late("1001"), at(9, 5)).unwrap().id
    };
    let reopened = Store::open_dir(dir.path()).unwrap();
    let event = reopened.event(id).unwrap().expect("the event is still there");
    assert_eq!(event.person_name, "Zoë O'Brien");
    assert_eq!(event.status, Status::Pending);
    assert_eq!(event.occurred_at, at(9, 5));
    assert_eq!(event.school_date, day());
}

#[test]
fn migrations_build_an_empty_database_and_upgrade_a_first_version_one_keeping_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = Store::open_dir(dir.path()).unwrap();
    let latest = fresh.schema_version().unwrap();
    assert!(latest >= 1);

    let old_dir = tempfile::tempdir().unwrap();
    let path = old_dir.path().join(DB_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../crates/kiosk-core/src/store/migrations/0001_init.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO events (kind, person_name, occurred_at, school_date, status, recorded_at, updated_at)
             VALUES ('late_sign_in', 'Paper Sheet', '2026-11-23 09:05:00+00:00', '2026-11-23', 'pending',
                     '2026-11-23 09:05:00+00:00', '2026-11-23 09:05:00+00:00')",
            [],
        )
        .unwrap();
    }
    let upgraded = Store::open(&path).unwrap();
    assert_eq!(upgraded.schema_version().unwrap(), latest);
    let events = upgraded.events(&EventFilter::default()).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].person_name, "Paper Sheet");
}

#[test]
fn a_database_from_a_newer_app_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
    match Store::open(&path) {
        Err(StoreError::TooNew { found: 999, .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("a newer database must not be opened"),
    }
    let version: i64 = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 999);
}

#[test]
fn a_final_status_is_never_overwritten_and_only_todays_failures_can_be_retried() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let event = recording::record(&store, &late("1001"), at(9, 5)).unwrap();
    let failed = Outcome {
        status: Status::Failed,
        cause: Some("Unknown student".into()),
        session: Some("AM".into()),
        code: Some("L".into()),
    };
    assert!(store.finish_event(event.id, &failed, at(9, 6)).unwrap());
    let success = Outcome { status: Status::Successful, cause: None, session: None, code: None };
    assert!(
        !store.finish_event(event.id, &success, at(9, 7)).unwrap(),
        "Failed does not become Successful by itself"
    );
    assert_eq!(store.event(event.id).unwrap().unwrap().status, Status::Failed);

    let tomorrow = day().succ_opt().unwrap();
    let refused = store.retry_event(event.id, tomorrow, at(9, 8)).unwrap_err().to_string();
    assert!(refused.contains("only today's events"), "{refused}");
    let retried = store.retry_event(event.id, day(), at(9, 8)).unwrap();
    assert_eq!((retried.status, retried.cause), (Status::Pending, None));
    let again = store.retry_event(event.id, day(), at(9, 9)).unwrap_err().to_string();
    assert!(again.contains("only Failed events"), "{again}");
}

#[test]
fn unwritten_events_of_an_earlier_day_expire_and_stay_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let event = recording::record(&store, &late("1001"), at(9, 5)).unwrap();
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    assert_eq!(
        store.expire_between(earliest, day(), at(23, 0)).unwrap(),
        0,
        "today's events do not expire"
    );
    let tomorrow = day().succ_opt().unwrap();
    assert_eq!(
        store.expire_between(tomorrow, tomorrow, at(23, 0) + Duration::hours(2)).unwrap(),
        0,
        "only from the day given"
    );
    assert_eq!(
        store.expire_between(earliest, tomorrow, at(23, 0) + Duration::hours(2)).unwrap(),
        1
    );
    let expired = store.event(event.id).unwrap().unwrap();
    assert_eq!(expired.status, Status::Expired);
    assert!(expired.cause.unwrap().contains("midnight"));
}

#[test]
fn a_new_roster_archives_leavers_and_excluded_pupils_without_losing_their_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let event = recording::record(&store, &late("1001"), at(9, 5)).unwrap();

    let mut next = common::small_roster();
    next.students.retain(|s| s.upi != "u1"); // Zoë has left
    store.set_excluded("student", "1002", true).unwrap(); // Liam: do not import
    let counts = store.replace_roster(&next, at(10, 0)).unwrap();
    assert_eq!(counts.students, 1);
    assert!(
        store.student_by_mis_id("1001").unwrap().is_none(),
        "a leaver is hidden from the kiosk"
    );
    assert!(store.student("u1").unwrap().unwrap().archived, "but kept");
    assert!(store.student_by_mis_id("1002").unwrap().is_none(), "an excluded pupil is hidden");
    assert_eq!(store.event(event.id).unwrap().unwrap().person_name, "Zoë O'Brien");

    store.set_excluded("student", "1002", false).unwrap();
    store.replace_roster(&next, at(11, 0)).unwrap();
    assert!(
        store.student_by_mis_id("1002").unwrap().is_some(),
        "unticking brings the pupil back at the next import"
    );
}

#[test]
fn damaged_settings_are_reported_and_the_last_good_copy_keeps_the_kiosk_working() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    store.set_value("settings", "{ this is not json").unwrap();
    assert!(matches!(store.settings(), Err(StoreError::CorruptSettings(_))));
    assert_eq!(store.settings_or_default(), Settings::default(), "nothing saved whole yet");

    let mut school = Settings::default();
    school.default_group.am_late = NaiveTime::from_hms_opt(8, 50, 0).unwrap();
    school.retention_days = 30;
    store.save_settings(&school).unwrap();
    // A disk error or a hand edit damages them: the school's own settings stay in use.
    store.set_value("settings", "{ \"retention_days\": ").unwrap();
    assert!(matches!(store.settings(), Err(StoreError::CorruptSettings(_))));
    assert_eq!(store.settings_or_default(), school);
    let check = common::check(&store);
    let damaged = check.iter().find(|f| f.title == "The settings are damaged").expect("reported");
    assert!(damaged.detail.contains("the last settings saved whole"), "{}", damaged.detail);

    let mut bad = Settings::default();
    bad.default_group.am_unauthorised = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
    let refused = store.save_settings(&bad).unwrap_err().to_string();
    assert!(refused.contains("AM late time"), "{refused}");
    assert!(
        matches!(store.settings(), Err(StoreError::CorruptSettings(_))),
        "a refused save changes nothing"
    );
    assert_eq!(store.settings_or_default(), school, "nor the last good copy");
    store.save_settings(&Settings::default()).unwrap();
    assert_eq!(store.settings().unwrap(), Settings::default());
}

#[test]
fn settings_saved_by_another_version_are_read_without_the_ones_this_version_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    // Written by the version before contacts went private, and by a newer one.
    let mut stored: serde_json::Value =
        serde_json::from_str(&Settings::default().to_json()).unwrap();
    stored["typed_collector_allowed"] = serde_json::json!(true);
    stored["retention_days"] = serde_json::json!(45);
    stored["default_group"]["lunch_late"] = serde_json::json!("13:10");
    store.set_value("settings", &stored.to_string()).unwrap();

    let settings = store.settings().expect("readable: writeback goes on");
    assert_eq!(settings.retention_days, 45);
    let check = common::check(&store);
    let warning = check
        .iter()
        .find(|f| f.title == "The saved settings include some this version does not have")
        .expect("the check says so");
    assert!(warning.detail.contains("typed_collector_allowed"), "{}", warning.detail);
    assert!(warning.detail.contains("default_group.lunch_late"), "{}", warning.detail);
    // Typed by someone, the same unknown setting is a mistake to point out, not to ignore.
    let typo = Settings::from_json(&stored.to_string()).unwrap_err().to_string();
    assert!(typo.starts_with("there is no setting called '"), "{typo}");
}

#[test]
fn log_search_treats_percent_and_underscore_as_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    store.save_settings(&Settings { reason_exact_match: false, ..Settings::default() }).unwrap();
    let with_reason = |text: &str, minute| {
        let request = Request { reason: Some(ReasonText::Typed(text.into())), ..late("1001") };
        recording::record(&store, &request, at(9, minute)).unwrap();
    };
    with_reason("100% late", 1);
    with_reason("bus_stop", 2);
    with_reason("overslept", 3);
    let search = |text: &str| {
        store.events(&EventFilter { text: Some(text.into()), ..Default::default() }).unwrap().len()
    };
    assert_eq!(search("%"), 1);
    assert_eq!(search("_"), 1);
    assert_eq!(search("o'brien"), 3);
    assert_eq!(search("nobody"), 0);
}

#[test]
fn the_retention_purge_removes_only_old_finished_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    let old_day = day() - Duration::days(61);
    let make = |date: NaiveDate| NewEvent {
        kind: EventKind::LateSignIn,
        student_upi: None,
        person_name: "Visitor".into(),
        year: None,
        registration_group: None,
        occurred_at: local_to_utc(London, date, NaiveTime::from_hms_opt(9, 0, 0).unwrap()),
        school_date: date,
        reason: None,
        reason_typed: false,
        collected_by: None,
        collector_contact: None,
    };
    let then = at(9, 0) - Duration::days(61);
    let old = store.record_event(&make(old_day), then).unwrap();
    let recent = store.record_event(&make(day()), at(9, 0)).unwrap();
    store.expire_between(old_day, old_day + Duration::days(1), then + Duration::days(1)).unwrap();
    // Recorded on a clock set back to 2000, expired only today once the clock was put right.
    let long_ago = NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
    let lagging = store.record_event(&make(long_ago), at(9, 0)).unwrap();
    store.expire_between(long_ago, day(), at(9, 0)).unwrap();
    let period = Duration::days(60);
    assert_eq!(store.purge_events_before(day() - period, at(9, 30) - period).unwrap(), 1);
    assert!(store.event(old.id).unwrap().is_none());
    assert!(store.event(recent.id).unwrap().is_some());
    assert!(store.event(lagging.id).unwrap().is_some(), "final only since today: kept");
}

#[test]
fn the_last_good_import_is_the_last_that_succeeded_however_many_failed_since() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.last_good_import().unwrap(), None, "no import yet");
    let good = store.begin_import_run(true, at(2, 0)).unwrap();
    store.finish_import_run(good, kiosk_model::ImportOutcome::Succeeded, "ok", at(2, 5)).unwrap();
    for h in [3, 4] {
        let failed = store.begin_import_run(false, at(h, 0)).unwrap();
        store
            .finish_import_run(
                failed,
                kiosk_model::ImportOutcome::Failed,
                "Wonde could not be reached",
                at(h, 1),
            )
            .unwrap();
    }
    let running = store.begin_import_run(false, at(5, 0)).unwrap();
    assert_eq!(
        store.last_good_import().unwrap(),
        Some(at(2, 0).to_rfc3339()),
        "run {running} is still running"
    );
}

#[test]
fn a_name_with_direction_controls_that_would_read_as_someone_else_is_refused_and_nothing_recorded()
{
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), at(8, 0));
    let request = Request {
        kind: EventKind::EarlySignOut,
        // Shown as "Mum" followed by a reversed word: what is stored is not what is read.
        collected_by: Some("Mum \u{202E}ecilop".into()),
        ..late("1001")
    };
    let refused = recording::record(&store, &request, at(11, 0)).unwrap_err().to_string();
    assert_eq!(refused, "The collecting adult's name contains characters that cannot be recorded.");
    assert!(store.events(&kiosk_core::store::EventFilter::default()).unwrap().is_empty());
}

#[test]
fn the_data_is_the_kiosks_own_and_a_purged_name_leaves_no_trace_in_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open_dir(&data).unwrap();
    let old_day = day() - Duration::days(61);
    let name = "Zebedee Quillfeather";
    let event = NewEvent { person_name: name.into(), ..common::visitor_on(old_day) };
    let then = at(9, 0) - Duration::days(61);
    store.record_event(&event, then).unwrap();
    store.expire_between(old_day, day(), then + Duration::hours(1)).unwrap();
    let period = Duration::days(60);
    assert_eq!(store.purge_events_before(day() - period, at(9, 0) - period).unwrap(), 1);
    drop(store);

    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
                "{} still holds the purged name",
                path.display()
            );
        }
    }
}

#[test]
fn after_the_retention_period_no_leavers_or_former_parents_name_is_in_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let long_ago = at(8, 0) - Duration::days(61);
    let store = common::seeded_store(dir.path(), long_ago);
    // Ava leaves, and the family's contacts with her, two months ago; Zoë and Liam stay (seen
    // today).
    let mut roster = common::small_roster();
    roster.students.retain(|s| s.upi != "u3");
    roster.contacts.clear();
    roster.links.clear();
    store.replace_roster(&roster, long_ago + Duration::hours(1)).unwrap();
    store.replace_roster(&roster, at(8, 0)).unwrap();
    let period = Duration::days(60);
    assert_eq!(store.purge_archived_before(at(9, 0) - period).unwrap(), 4, "Ava and 3 contacts");
    assert!(store.student("u1").unwrap().is_some(), "a current pupil stays");
    drop(store);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for name in ["Ava", "Sarah", "Karen", "Joan"] {
            assert!(
                !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
                "{name} in {}",
                path.display()
            );
        }
    }
}
