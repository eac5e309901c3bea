//! `kioskctl` end to end: the real binary on a real data directory, with the clock fixed by
//! `faketime` so "today" is known.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Europe::London;
use kiosk_model::clock::local_to_utc;

/// 10:30 London time on a school Monday, in faketime's format (UTC).
const NOW: &str = "2026-11-23 10:30:00";

fn kioskctl(dir: &Path, args: &[&str]) -> Output {
    // kioskctl runs at NOW whatever clock the test itself runs on (tests/soak.sh runs this
    // binary under a faketime of its own, which would otherwise be the one kioskctl sees).
    let out = Command::new("faketime")
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .env("TZ", "UTC")
        .arg(NOW)
        .arg(env!("CARGO_BIN_EXE_kioskctl"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("faketime and kioskctl run (apt-get install faketime)");
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    common::seeded_store(
        dir.path(),
        local_to_utc(London, day, NaiveTime::from_hms_opt(2, 0, 0).unwrap()),
    );
    dir
}

#[test]
fn a_paper_sheet_sign_in_at_0905_appears_in_todays_log_and_csv() {
    let dir = seeded();
    let out =
        kioskctl(dir.path(), &["sign-in", "--student", "1001", "--at", "2026-11-23T09:05:00Z"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Zoë O'Brien at 09:05:00"), "{}", stdout(&out));

    let table = stdout(&kioskctl(dir.path(), &["log"]));
    assert!(
        table.contains("Zoë O'Brien")
            && table.contains("Late sign-in")
            && table.contains("Pending"),
        "{table}"
    );

    let csv = stdout(&kioskctl(dir.path(), &["log", "--date", "2026-11-23", "--format", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,date,time,person,year,registration_group,type,reason,collected_by,session,code,status,cause"
    );
    assert_eq!(
        lines.next().unwrap(),
        "1,2026-11-23,09:05:00,Zoë O'Brien,9,9B,Late sign-in,,,,,Pending,"
    );

    let other_day = stdout(&kioskctl(dir.path(), &["log", "--date", "2026-11-20"]));
    assert!(other_day.contains("No events."), "{other_day}");
}

#[test]
fn status_as_json_counts_the_roster_and_events_by_status() {
    let dir = seeded();
    assert!(kioskctl(dir.path(), &["sign-in", "--student", "1002"]).status.success());
    let out = kioskctl(dir.path(), &["sign-out", "--student", "1003", "--by", "Sarah Smith-Jones"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status: serde_json::Value =
        serde_json::from_str(&stdout(&kioskctl(dir.path(), &["status", "--format", "json"])))
            .unwrap();
    assert_eq!(status["students"], 3);
    assert_eq!(status["contacts"], 3);
    assert_eq!(status["employees"], 0);
    assert_eq!(status["codes"], 8);
    assert_eq!(status["events"]["pending"], 2);
    assert_eq!(status["events"]["successful"], 0);
    assert_eq!(status["school"]["name"], "Wonde Testing School");
}

#[test]
fn refused_requests_exit_2_with_a_sentence_and_record_nothing() {
    let dir = seeded();
    let cases: &[(&[&str], &str)] = &[
        (&["sign-in", "--student", "9999"], "No current student has MIS id '9999'"),
        (&["sign-in", "--student", "1001", "--at", "2026-11-22T09:05:00Z"], "Only events of today"),
        (&["sign-in", "--student", "1001", "--at", "2026-11-23T15:00:00Z"], "in the future"),
        (
            &["sign-in", "--student", "1001", "--reason", "Dentist"],
            "Please pick a reason from the list",
        ),
        (&["sign-in", "--student", "1001", "--at", "yesterday"], "not a time like"),
        (&["log", "--status", "lost"], "not a status"),
        (&["retry", "42"], "There is no event 42"),
    ];
    for (args, message) in cases {
        let out = kioskctl(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    let status: serde_json::Value =
        serde_json::from_str(&stdout(&kioskctl(dir.path(), &["status", "--format", "json"])))
            .unwrap();
    assert_eq!(status["events"]["pending"], 0);
}

#[test]
fn settings_set_export_and_import_round_trip_and_bad_values_change_nothing() {
    let dir = seeded();
    let ok = kioskctl(dir.path(), &["settings", "set", "default_group.am_late", "09:05"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let exported = stdout(&kioskctl(dir.path(), &["settings", "export"]));
    assert!(exported.contains("\"am_late\": \"09:05\""), "{exported}");

    let bad = kioskctl(dir.path(), &["settings", "set", "default_group.am_late", "half past nine"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not a time like 09:05"), "{}", stderr(&bad));
    let unknown = kioskctl(dir.path(), &["settings", "set", "lunch_time", "12:00"]);
    assert!(stderr(&unknown).contains("no setting called 'lunch_time'"), "{}", stderr(&unknown));

    let file = dir.path().join("settings.json");
    std::fs::write(&file, exported.replace("\"retention_days\": 60", "\"retention_days\": 30"))
        .unwrap();
    assert!(kioskctl(dir.path(), &["settings", "import", file.to_str().unwrap()]).status.success());
    let shown = stdout(&kioskctl(dir.path(), &["settings", "show"]));
    assert!(
        shown.contains("\"retention_days\": 30") && shown.contains("\"am_late\": \"09:05\""),
        "{shown}"
    );

    std::fs::write(&file, "{\"retention_days\": \"forever\"").unwrap();
    let broken = kioskctl(dir.path(), &["settings", "import", file.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stderr(&broken).contains("was not imported"), "{}", stderr(&broken));
    assert_eq!(
        stdout(&kioskctl(dir.path(), &["settings", "show"])),
        shown,
        "a broken file changes nothing"
    );
}

#[test]
fn a_typed_reason_is_accepted_once_reason_exact_match_is_off() {
    let dir = seeded();
    assert!(kioskctl(dir.path(), &["settings", "set", "reason_exact_match", "false"])
        .status
        .success());
    let out = kioskctl(
        dir.path(),
        &["sign-in", "--student", "1001", "--reason", "M - Medical appointment"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stdout(&kioskctl(dir.path(), &["log", "--format", "json"]));
    let events: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(events[0]["reason"], "M - Medical appointment");
    assert_eq!(events[0]["reason_typed"], true);
}

#[test]
fn only_a_failed_event_can_be_retried() {
    let dir = seeded();
    assert!(kioskctl(dir.path(), &["sign-in", "--student", "1001"]).status.success());
    let out = kioskctl(dir.path(), &["retry", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Event 1 is Pending; only Failed events can be retried"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn retry_all_failed_today_queues_every_failure_of_today_again() {
    let dir = seeded();
    for student in ["1001", "1002"] {
        assert!(kioskctl(dir.path(), &["sign-in", "--student", student]).status.success());
    }
    let store = kiosk_core::store::Store::open_dir(dir.path()).unwrap();
    let failed = kiosk_core::store::Outcome {
        status: kiosk_core::store::Status::Failed,
        cause: Some("The MIS refused the mark: the register is locked".into()),
        session: None,
        code: None,
    };
    for id in [1, 2] {
        assert!(store.finish_event(id, &failed, chrono::Utc::now()).unwrap());
    }
    let out = kioskctl(dir.path(), &["retry", "--all-failed-today"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 of today's failed events are queued again"),
        "{}",
        stdout(&out)
    );
    let status: serde_json::Value =
        serde_json::from_str(&stdout(&kioskctl(dir.path(), &["status", "--format", "json"])))
            .unwrap();
    assert_eq!(
        (status["events"]["pending"].as_i64(), status["events"]["failed"].as_i64()),
        (Some(2), Some(0))
    );
    let neither = kioskctl(dir.path(), &["retry"]);
    assert_eq!(neither.status.code(), Some(2), "an event id or --all-failed-today is needed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kioskctl_sync_beside_the_running_kiosk_app_says_so_and_sends_nothing() {
    let school = common::sim_school("SIMS", 5, chrono::Utc::now()).await;
    let connection = kiosk_core::connection::Connection {
        school_id: school.sim.school_id(),
        base_url: school.sim.base_url(),
    };
    kiosk_core::connection::save(
        &school.store,
        school.dir.path(),
        &connection,
        &wonde_client::Token::new(school.sim.token()),
    )
    .unwrap();
    // The app's engine holds the data directory.
    let app = kiosk_core::sync::lock::EngineLock::try_acquire(school.store.path()).unwrap();
    let dir = school.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || kioskctl(&dir, &["sync", "--max-wait", "5"]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already writing back from this data directory"),
        "{}",
        stderr(&out)
    );
    assert!(school.sim.marks().is_empty());

    drop(app);
    let dir = school.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || kioskctl(&dir, &["sync", "--max-wait", "5"]))
        .await
        .unwrap();
    assert!(out.status.success(), "once the app has stopped, kioskctl syncs: {}", stderr(&out));
}

#[test]
fn it_sets_the_staff_pin_from_standard_input_and_resets_a_forgotten_one() {
    use std::io::Write;
    let dir = seeded();
    let set = |pin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kioskctl"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["pin", "set"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{pin}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = set("123456");
    assert_eq!(weak.status.code(), Some(2), "{}", stderr(&weak));
    assert!(stderr(&weak).contains("6 to 8 digits"), "{}", stderr(&weak));
    let out = set("246813");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("The staff PIN is set"), "{}", stdout(&out));
    let store = kiosk_core::store::Store::open_dir(dir.path()).unwrap();
    let gate = kiosk_core::staff::StaffGate::new(std::time::Duration::from_secs(600));
    let now = local_to_utc(
        London,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
    );
    assert!(gate.unlock(&store, "246813", now).is_ok(), "staff open the area with it");
    drop(store);
    let out = kioskctl(dir.path(), &["pin", "reset"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = kiosk_core::store::Store::open_dir(dir.path()).unwrap();
    assert!(!gate.status(&store, now).unwrap().pin_set, "removed: IT sets a new one");
}
