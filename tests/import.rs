//! Roster import (R1) from the simulator into a real store: full and incremental runs,
//! leavers, exclusions, all-or-nothing on faults, progress, the nightly schedule, CSV staff.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use kiosk_core::import::employees_csv::import_employees_csv;
use kiosk_core::import::schedule::{spawn_nightly, ClientSource};
use kiosk_core::import::{run_import, ImportError, ImportOptions, Progress, Stage};
use kiosk_core::store::Store;
use kiosk_model::clock::{Clock, ManualClock, SystemClock};
use kiosk_model::ImportOutcome;
use wonde_client::WondeClient;
use wonde_sim::{demo, Fault, SimConfig, Simulator};

use common::{client, simulator};

fn quiet(_: Progress) {}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    (dir, store)
}

fn full() -> ImportOptions {
    ImportOptions { full: true, retries: 0, ..Default::default() }
}

fn nightly() -> ImportOptions {
    ImportOptions { full: false, retries: 0, ..Default::default() }
}

async fn import(
    c: &WondeClient,
    store: &Store,
    clock: &dyn Clock,
    options: &ImportOptions,
) -> kiosk_core::import::ImportSummary {
    run_import(c, store, clock, options, &quiet).await.expect("the import succeeds")
}

#[tokio::test]
async fn a_full_import_brings_in_the_school_students_contacts_staff_codes_and_groups() {
    let sim = simulator(300).await;
    let (_dir, store) = store();
    let summary = import(&client(&sim), &store, &SystemClock, &full()).await;
    let (current, staff) = sim.read_school(|s| {
        (
            s.students.iter().filter(|st| st.leaving_date.is_none()).count(),
            s.employees.iter().filter(|e| e.current && e.end_date.is_none()).count(),
        )
    });
    assert_eq!(summary.counts.students as usize, current);
    assert_eq!(summary.counts.employees as usize, staff, "staff who left are not imported");
    assert!(summary.leavers_skipped > 0 && summary.staff_leavers_skipped > 0);
    assert_eq!(summary.counts.codes, 26);
    let school = store.school().unwrap().unwrap();
    assert_eq!((school.name.as_str(), school.mis.as_str()), ("Wonde Testing School", "SIMS"));
    let student = &store.students().unwrap()[0];
    assert!(student.year.is_some() && student.registration_group.is_some());
    let contacts = store.contacts_of(&student.upi).unwrap();
    assert!(!contacts.is_empty());
    assert!(contacts[0].link.relationship.is_some());
    let run = &store.import_runs(1).unwrap()[0];
    assert_eq!(run.outcome, ImportOutcome::Succeeded);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_pupil_who_leaves_is_archived_not_deleted() {
    let sim = simulator(60).await;
    let (_dir, store) = store();
    let c = client(&sim);
    import(&c, &store, &SystemClock, &full()).await;
    let (id, upi) = sim.read_school(|s| (s.students[5].id.clone(), s.students[5].upi.clone()));
    sim.add_leaver(&id, NaiveDate::from_ymd_opt(2025, 12, 19).unwrap());
    import(&c, &store, &SystemClock, &full()).await;
    let kept = store.student(&upi).unwrap().expect("still in the store for the log's history");
    assert!(kept.archived);
    assert!(store.students().unwrap().iter().all(|s| s.upi != upi), "hidden from the kiosk");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_nightly_run_fetches_only_what_changed_and_archives_leavers_and_deletions() {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 12, 2, 0, 0).unwrap()));
    let mut config = SimConfig::new(demo::generate(21, 400));
    config.clock = clock.clone();
    let sim = Simulator::start(config).await.unwrap();
    let (_dir, store) = store();
    let c = client(&sim);
    let first = import(&c, &store, clock.as_ref(), &nightly()).await;
    assert!(first.full, "the first run is always full");

    clock.advance(chrono::Duration::days(1));
    let students = sim.read_school(|s| s.students.clone());
    sim.change_student(&students[0].id, |s| s.surname = "Fernández-O'Neill".into());
    sim.add_leaver(&students[1].id, NaiveDate::from_ymd_opt(2026, 1, 12).unwrap());
    sim.delete_student(&students[2].id);
    let second = import(&c, &store, clock.as_ref(), &nightly()).await;
    assert!(!second.full);
    assert_eq!(second.students_changed, 1, "only the changed student was downloaded");
    assert_eq!(store.student(&students[0].upi).unwrap().unwrap().surname, "Fernández-O'Neill");
    assert!(store.student(&students[1].upi).unwrap().unwrap().archived, "the leaver");
    assert!(store.student(&students[2].upi).unwrap().unwrap().archived, "the deleted student");
    assert_eq!(second.counts.students, first.counts.students - 2);
    assert!(
        !store.contacts_of(&students[0].upi).unwrap().is_empty(),
        "the changed student keeps their contacts"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_pupil_marked_do_not_import_stays_out_across_imports() {
    let sim = simulator(60).await;
    let (_dir, store) = store();
    let c = client(&sim);
    import(&c, &store, &SystemClock, &full()).await;
    let target = store.students().unwrap()[3].clone();
    let mis_id = target.mis_id.clone().unwrap();
    store.set_excluded("student", &mis_id, true).unwrap();
    for options in [full(), nightly()] {
        sim.change_student(&target.wonde_id, |s| s.forename = "Renée".into());
        import(&c, &store, &SystemClock, &options).await;
        assert!(
            store.student(&target.upi).unwrap().unwrap().archived,
            "still excluded after a {} run",
            if options.full { "full" } else { "nightly" }
        );
    }
    store.set_excluded("student", &mis_id, false).unwrap();
    import(&c, &store, &SystemClock, &full()).await;
    assert!(!store.student(&target.upi).unwrap().unwrap().archived, "back once unticked");
    sim.shutdown().await;
}

async fn interrupted_import_keeps_the_roster(fault: Fault) {
    let sim = simulator(700).await;
    let (_dir, store) = store();
    let c = client(&sim);
    let before = import(&c, &store, &SystemClock, &full()).await.counts;
    let first = sim.read_school(|s| s.students[0].clone());
    sim.change_student(&first.id, |s| s.surname = "Changed".into());
    // School, codes, groups and the first students page succeed; the second page fails.
    sim.faults().inject_after(4, fault, 3);
    let err = run_import(&c, &store, &SystemClock, &full(), &quiet).await.unwrap_err();
    assert_eq!(store.counts().unwrap(), before, "{fault:?}: the roster is as it was");
    assert_eq!(store.student(&first.upi).unwrap().unwrap().surname, first.surname);
    let run = &store.import_runs(1).unwrap()[0];
    assert_eq!(run.outcome, ImportOutcome::Failed);
    let message = run.message.clone().unwrap();
    assert!(message.contains("previous roster was kept"), "{fault:?}: {message} ({err})");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_page_that_ends_early_leaves_the_previous_roster_in_place() {
    interrupted_import_keeps_the_roster(Fault::Truncated).await;
}

#[tokio::test]
async fn a_server_error_mid_way_leaves_the_previous_roster_in_place() {
    interrupted_import_keeps_the_roster(Fault::ServerError(500)).await;
}

#[tokio::test]
async fn a_garbled_page_leaves_the_previous_roster_in_place() {
    interrupted_import_keeps_the_roster(Fault::Malformed).await;
}

#[tokio::test]
async fn a_single_hiccup_is_retried_without_failing_the_import() {
    let sim = simulator(500).await;
    let (_dir, store) = store();
    sim.faults().inject_after(4, Fault::TooManyRequests { retry_after_secs: 0 }, 1);
    let options = ImportOptions { full: true, retries: 2, ..Default::default() };
    let summary = import(&client(&sim), &store, &SystemClock, &options).await;
    assert!(summary.counts.students > 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_fails_the_import_with_a_message_about_the_token() {
    let sim = simulator(20).await;
    let (_dir, store) = store();
    sim.faults().set_token_revoked(true);
    let err = run_import(&client(&sim), &store, &SystemClock, &full(), &quiet).await.unwrap_err();
    let message = store.import_runs(1).unwrap()[0].message.clone().unwrap();
    assert!(message.contains("token"), "{message} / {err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn progress_is_reported_stage_by_stage() {
    let sim = simulator(450).await;
    let (_dir, store) = store();
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let record = |p: Progress| seen.lock().unwrap().push(p);
    run_import(&client(&sim), &store, &SystemClock, &full(), &record).await.unwrap();
    let seen = seen.into_inner().unwrap();
    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
    for stage in [
        Stage::School,
        Stage::Students,
        Stage::Contacts,
        Stage::Employees,
        Stage::Saving,
        Stage::Done,
    ] {
        assert!(stages.contains(&stage), "{stage} reported");
    }
    let student_counts: Vec<usize> =
        seen.iter().filter(|p| p.stage == Stage::Students).map(|p| p.done).collect();
    assert!(
        student_counts.len() >= 3 && student_counts.windows(2).all(|w| w[0] < w[1]),
        "{student_counts:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_nightly_import_runs_at_the_configured_school_time_and_stops_when_told() {
    let sim = simulator(30).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_dir(dir.path()).unwrap());
    let clock = Arc::new(ManualClock::at_local(
        London,
        NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(),
        NaiveTime::from_hms_opt(1, 59, 0).unwrap(),
    ));
    let c = client(&sim);
    let source: ClientSource = Arc::new(move || Ok(Some(c.clone())));
    let (tasks, stop) = (TaskTracker::new(), CancellationToken::new());
    spawn_nightly(
        store.clone(),
        clock.clone(),
        source,
        nightly(),
        Duration::from_millis(5),
        &tasks,
        stop.clone(),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(store.import_runs(5).unwrap().is_empty(), "nothing before 02:00");
    clock.advance(chrono::Duration::minutes(2));
    for _ in 0..400 {
        if store.import_runs(5).unwrap().iter().any(|r| r.outcome == ImportOutcome::Succeeded) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(store.import_runs(5).unwrap().len(), 1, "one run at 02:00");
    stop.cancel();
    tasks.close();
    tokio::time::timeout(Duration::from_secs(2), tasks.wait()).await.expect("the task stops");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_mis_record_wins_over_an_uploaded_employee_with_the_same_mis_id() {
    let sim = simulator(20).await;
    let (_dir, store) = store();
    let staff = sim.read_school(|s| {
        s.employees.iter().find(|e| e.current && e.end_date.is_none()).unwrap().clone()
    });
    let csv = format!(
        "forename,surname,mis_id,role\nTemp,Cover,{},Agency\nVol,Unteer,,Volunteer\n",
        staff.mis_id
    );
    let report = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
    assert_eq!(report.added, 2);
    import(&client(&sim), &store, &SystemClock, &full()).await;
    let all = store.employees().unwrap();
    let matched: Vec<_> =
        all.iter().filter(|(e, _)| e.mis_id.as_deref() == Some(staff.mis_id.as_str())).collect();
    assert_eq!(matched.len(), 1);
    assert_eq!(matched[0].0.surname, staff.surname, "the MIS overwrote the uploaded row");
    assert!(
        all.iter().any(|(e, archived)| e.surname == "Unteer" && !archived),
        "uploaded staff the MIS lacks stay"
    );
    let again = import_employees_csv(&store, csv.as_bytes(), Utc::now()).unwrap();
    assert_eq!(again.held_by_mis.len(), 1);
    assert_eq!(again.held_by_mis[0].line, 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_full_import_that_would_archive_a_third_of_the_pupils_or_brings_no_codes_is_refused() {
    // A scope withdrawn or the wrong region looks like most pupils leaving at once (R1.2).
    let sim = simulator(60).await;
    let (_dir, store) = store();
    let c = client(&sim);
    import(&c, &store, &SystemClock, &full()).await;
    let before = store.students().unwrap();
    let on_roll: std::collections::HashSet<_> = before.iter().map(|s| s.upi.clone()).collect();
    let ids: Vec<String> = sim.read_school(|s| {
        s.students
            .iter()
            .filter(|st| on_roll.contains(&st.upi))
            .take(20)
            .map(|st| st.id.clone())
            .collect()
    });
    for id in &ids {
        sim.delete_student(id);
    }
    let refused = run_import(&c, &store, &SystemClock, &full(), &quiet).await.unwrap_err();
    assert!(
        matches!(refused, ImportError::LargeArchive { pupils_leaving: 20, pupils, .. } if pupils == before.len()),
        "{refused:?}"
    );
    assert_eq!(store.students().unwrap(), before, "the previous roster is kept");
    let run = &store.import_runs(1).unwrap()[0];
    assert_eq!(run.outcome, ImportOutcome::Failed);
    assert!(run
        .message
        .as_deref()
        .unwrap_or("")
        .contains(&format!("20 of the school's {} pupils", before.len())));

    let codes = sim.read_school(|s| s.codes.clone());
    sim.school_data_mut(|s| s.codes.clear());
    let no_codes = run_import(&c, &store, &SystemClock, &full(), &quiet).await.unwrap_err();
    assert!(matches!(no_codes, ImportError::NoCodes), "{no_codes:?}");
    assert_eq!(store.students().unwrap(), before);

    // Staff confirm that they left: the codes are back and the twenty are archived.
    sim.school_data_mut(|s| s.codes = codes);
    let confirmed = ImportOptions { accept_large_archive: true, ..full() };
    import(&c, &store, &SystemClock, &confirmed).await;
    assert_eq!(store.students().unwrap().len(), before.len() - 20);
    sim.shutdown().await;
}
