//! The sync engine against the Wonde simulator over real HTTP, with a settable clock (R4).

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use common::engine::{fast, local, monday, start};
use kiosk_core::exports::Exports;
use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::rules::{EventKind, Session};
use kiosk_core::store::Status;
use kiosk_core::sync::lock::{EngineLock, LockError};
use kiosk_core::sync::{run_until_idle, Engine, SyncConfig, SyncError, SyncPause};
use kiosk_model::clock::{Clock, ManualClock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_all_morning_then_back_at_1100_writes_each_mark_from_its_own_time() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.faults().set_offline(true);
    let (a, a_id) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let late = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let very_late = run.record(EventKind::LateSignIn, &b, local(monday(), 9, 25));
    run.until_offline().await;
    assert_eq!(run.event(late.id).status, Status::Pending, "offline events wait");

    run.clock.set(local(monday(), 11, 0));
    run.school.sim.faults().set_offline(false);
    run.drained().await;
    let a_mark = run.mark(&a_id, monday(), Session::AM).expect("09:05 written");
    assert_eq!((a_mark.code.as_str(), a_mark.minutes_late), ("L", Some(5)), "09:05 is L, not U");
    let b_mark = run.mark(&b_id, monday(), Session::AM).expect("09:25 written");
    assert_eq!((b_mark.code.as_str(), b_mark.minutes_late), ("U", Some(25)));
    assert_eq!(run.event(late.id).status, Status::Successful);
    assert_eq!(run.event(very_late.id).code.as_deref(), Some("U"));
    assert_eq!(
        *run.sync.status().borrow(),
        kiosk_core::sync::SyncStatus {
            online: Some(true),
            pending: 0,
            last_write_at: run.sync.status().borrow().last_write_at,
            paused: None,
            clock_wrong_by: None,
        }
    );
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_until_the_next_day_expires_everything_and_writes_nothing() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.faults().set_offline(true);
    let (a, _) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    run.until_offline().await;
    run.clock.set(local(monday().succ_opt().unwrap(), 7, 30));
    run.school.sim.faults().set_offline(false);
    run.sync.wake();
    run.drained().await;
    let expired = run.event(event.id);
    assert_eq!(expired.status, Status::Expired);
    assert!(run.school.sim.marks().is_empty(), "nothing is written the next day");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_429_bursts_still_end_with_every_mark_written() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.faults().set_error_share(0.3);
    run.school.sim.faults().rate_limit_burst(3, 1);
    let pupils: Vec<(String, String)> = (0..12).map(|n| run.pupil(n)).collect();
    for (n, (mis_id, _)) in pupils.iter().enumerate() {
        run.record(EventKind::LateSignIn, mis_id, local(monday(), 9, 1 + n as u32));
    }
    run.let_clock_run();
    run.drained().await;
    let counts = run.school.store.status_counts(Some(monday())).unwrap();
    assert_eq!(counts[&Status::Successful], 12, "{counts:?}");
    for (_, wonde_id) in &pupils {
        assert_eq!(run.mark(wonde_id, monday(), Session::AM).unwrap().code, "L");
    }
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_the_mis_does_not_know_fails_with_its_message_and_is_not_retried() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    let (a, a_id) = run.pupil(0);
    run.school.sim.delete_student(&a_id);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 10));
    run.drained().await;
    let failed = run.event(event.id);
    assert_eq!(failed.status, Status::Failed);
    assert!(
        failed.cause.as_deref().unwrap_or("").contains("The MIS refused the mark"),
        "{:?}",
        failed.cause
    );
    let attempts = run.school.store.attempts(event.id).unwrap();
    let sent: Vec<_> = attempts.iter().filter(|a| a.sent.starts_with("POST")).collect();
    assert_eq!(sent.len(), 1, "a permanent refusal is not sent again: {attempts:?}");
    assert!(attempts.iter().any(|a| a.mis_message.is_some()), "{attempts:?}");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_batch_only_the_pupil_the_mis_refused_fails_and_the_others_are_written() {
    // Wonde may list a result for every record or only the refused ones, by index or by
    // student (WONDE.md [X]); the simulator's two readings answer each way (R4.10).
    let run = start("SIMS", local(monday(), 8, 0)).await;
    let pupils: Vec<_> = (0..3).map(|n| run.pupil(n)).collect();
    run.school.sim.delete_student(&pupils[1].1);
    let mis_ids: Vec<&str> = pupils.iter().map(|(mis_id, _)| mis_id.as_str()).collect();
    let events = run.record_together(EventKind::LateSignIn, &mis_ids, local(monday(), 9, 10));
    run.drained().await;
    let statuses: Vec<Status> = events.iter().map(|e| run.event(e.id).status).collect();
    assert_eq!(statuses, [Status::Successful, Status::Failed, Status::Successful]);
    for n in [0, 2] {
        assert_eq!(run.mark(&pupils[n].1, monday(), Session::AM).unwrap().code, "L");
    }
    assert!(run.mark(&pupils[1].1, monday(), Session::AM).is_none());
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_m_already_in_the_mis_is_kept() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    let (a, a_id) = run.pupil(0);
    // Planned the Friday before: a read of only what changed lately would not see it.
    let friday = local(monday() - chrono::Duration::days(3), 15, 0);
    run.school.sim.set_mark_entered(&a_id, monday(), Session::AM, "M", friday);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 30));
    run.drained().await;
    let kept = run.event(event.id);
    assert_eq!(kept.status, Status::NotRequired);
    assert!(kept.cause.unwrap().contains("protected code M"));
    assert_eq!(run.mark(&a_id, monday(), Session::AM).unwrap().code, "M");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_events_for_one_pupil_and_session_are_written_in_the_order_they_happened() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    let mut settings = run.school.store.settings().unwrap();
    settings.default_group.early_leaver_code = Some("E".into());
    run.school.store.save_settings(&settings).unwrap();
    run.school.sim.faults().set_offline(true);
    let (a, a_id) = run.pupil(0);
    run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    run.record(EventKind::EarlySignOut, &a, local(monday(), 11, 0));
    run.until_offline().await;
    run.school.sim.faults().set_offline(false);
    run.sync.wake();
    run.drained().await;
    let mark = run.mark(&a_id, monday(), Session::AM).unwrap();
    assert_eq!((mark.code.as_str(), mark.writes), ("E", 2), "L first, then E over it");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_dst_sundays_lateness_is_counted_in_london_time() {
    for sunday in [
        NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
        NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
    ] {
        let run = start("SIMS", local(sunday, 8, 0)).await;
        let (a, a_id) = run.pupil(0);
        run.record(EventKind::LateSignIn, &a, local(sunday, 9, 10));
        run.drained().await;
        let mark = run.mark(&a_id, sunday, Session::AM).expect("written");
        assert_eq!((mark.code.as_str(), mark.minutes_late), ("L", Some(10)), "{sunday}");
        run.sync.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbor_marks_go_to_the_first_lesson_of_the_session() {
    let run = start("Arbor", local(monday(), 8, 0)).await;
    run.school.sim.school_data_mut(|s| wonde_sim::demo::add_lessons(s, monday()));
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 10));
    run.drained().await;
    assert_eq!(run.event(event.id).status, Status::Successful, "{:?}", run.event(event.id).cause);
    let mark =
        run.school.sim.marks().into_iter().find(|m| m.student_id == a_id).expect("a lesson mark");
    assert!(mark.lesson_id.is_some());
    assert_eq!((mark.code.as_str(), mark.minutes_late), ("L", Some(10)), "9:10, late from 9:00");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_arbor_school_whose_lessons_wonde_cannot_mark_gets_the_session_mark() {
    // `has_lesson_attendance` false: no timetables in Wonde, so no first lesson to mark.
    let at = local(monday(), 8, 0);
    let school =
        common::sim_school_with("Arbor", 40, at, |c| c.school.has_lesson_attendance = false).await;
    let run = common::engine::start_with(school, at);
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 10));
    run.drained().await;
    assert_eq!(run.event(event.id).status, Status::Successful, "{:?}", run.event(event.id).cause);
    let mark = run.mark(&a_id, monday(), Session::AM).expect("a session mark");
    assert_eq!((mark.code.as_str(), mark.lesson_id), ("L", None));
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_read_in_one_go_still_keeps_a_protected_mark() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.faults().set_offline(true);
    let pupils: Vec<(String, String)> = (0..30).map(|n| run.pupil(n)).collect();
    for (n, (mis_id, _)) in pupils.iter().enumerate() {
        run.record(EventKind::LateSignIn, mis_id, local(monday(), 9, 1 + (n as u32 % 15)));
    }
    let (_, protected) = &pupils[17];
    let friday = local(monday() - chrono::Duration::days(3), 15, 0);
    run.school.sim.set_mark_entered(protected, monday(), Session::AM, "M", friday);
    run.until_offline().await;
    let requests_before = run.school.sim.request_count();
    run.school.sim.faults().set_offline(false);
    run.sync.wake();
    run.drained().await;
    let counts = run.school.store.status_counts(Some(monday())).unwrap();
    assert_eq!((counts[&Status::Successful], counts[&Status::NotRequired]), (29, 1), "{counts:?}");
    assert_eq!(run.mark(protected, monday(), Session::AM).unwrap().code, "M");
    let requests = run.school.sim.request_count() - requests_before;
    assert!(requests < 30, "30 events took {requests} requests: the marks were read one by one");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_and_exports_older_than_the_retention_period_are_purged_and_recent_ones_kept() {
    // The tablet was off: the events are there before the engine starts its first pass.
    let school = common::sim_school("SIMS", 10, local(monday(), 8, 0)).await;
    let store = &school.store;
    let old_day = monday() - chrono::Duration::days(61);
    let make = common::visitor_on;
    let old = store.record_event(&make(old_day), local(old_day, 9, 0)).unwrap();
    let next_day = old_day + chrono::Duration::days(1);
    store.expire_between(old_day, next_day, local(next_day, 0, 1)).unwrap();
    let recent = store
        .record_event(&make(monday() - chrono::Duration::days(59)), local(monday(), 8, 0))
        .unwrap();
    // Still pending after 61 days (or recorded on a clock set back): it only ends now, and is
    // kept for the whole period from now, never deleted in the pass that expires it.
    let never_ended = store.record_event(&make(old_day), local(monday(), 8, 0)).unwrap();
    // Exports go by the time they were saved, on the kiosk's clock (R6.2).
    let exports = Exports::in_data_dir(store.path().parent().unwrap());
    let days_ago = |n| local(monday(), 8, 0) - chrono::Duration::days(n);
    let old_export = exports.save("old.csv", b"id\n", days_ago(61)).unwrap();
    let recent_export = exports.save("recent.csv", b"id\n", days_ago(59)).unwrap();
    let clock = Arc::new(ManualClock::new(local(monday(), 8, 0)));
    let config = SyncConfig { exports: Some(exports), ..fast() };
    let engine = Engine::new(
        store.clone(),
        school.client.clone(),
        clock,
        MisCapabilities::builtin().unwrap(),
        config,
    );
    let sync = engine.spawn();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while store.event(old.id).unwrap().is_some() || old_export.exists() {
        assert!(std::time::Instant::now() < deadline, "the 61-day-old event or export stayed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(recent_export.exists(), "an export of 59 days ago is kept");
    assert_eq!(
        store.event(recent.id).unwrap().unwrap().status,
        Status::Expired,
        "59 days old: kept, expired"
    );
    assert_eq!(store.event(never_ended.id).unwrap().unwrap().status, Status::Expired);
    sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_same_data_waits_and_sends_nothing_until_the_first_has_stopped() {
    let school = common::sim_school("SIMS", 10, local(monday(), 8, 0)).await;
    // The first engine: `kioskctl sync` in another process, say.
    let first = EngineLock::try_acquire(school.store.path()).unwrap();
    let run = common::engine::start_with(school, local(monday(), 8, 0));
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while run.sync.status().borrow().paused != Some(SyncPause::OtherEngine) {
        assert!(std::time::Instant::now() < deadline, "the strip never said why it waits");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Awake and asked to write: still nothing sent while the other engine has the data.
    run.sync.wake();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(run.event(event.id).status, Status::Pending);
    assert_eq!(run.mark(&a_id, monday(), Session::AM), None);
    let other = Engine::new(
        run.school.store.clone(),
        run.school.client.clone(),
        run.clock.clone(),
        MisCapabilities::builtin().unwrap(),
        fast(),
    );
    assert!(
        matches!(
            run_until_idle(other, Duration::from_secs(1)).await,
            Err(SyncError::Lock(LockError::Held))
        ),
        "a third engine is refused at once"
    );

    drop(first);
    run.drained().await;
    assert_eq!(run.event(event.id).status, Status::Successful);
    assert_eq!(run.mark(&a_id, monday(), Session::AM).unwrap().writes, 1);
    assert_eq!(run.sync.status().borrow().paused, None);
    run.sync.shutdown().await;
    EngineLock::try_acquire(run.school.store.path()).expect("a stopped engine lets go");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrying_a_morning_failure_after_a_later_event_set_the_session_leaves_the_later_mark() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    let (a, a_id) = run.pupil(0);
    let mut settings = run.school.store.settings().unwrap();
    settings.default_group.late_code = "Q".into(); // not one of the MIS's codes
    settings.default_group.early_leaver_code = Some("E".into());
    run.school.store.save_settings(&settings).unwrap();
    let late = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    run.drained().await;
    assert_eq!(run.event(late.id).status, Status::Failed, "no such code: failed");

    // Collected before lunch: the AM mark is the early leaver's.
    let early = run.record(EventKind::EarlySignOut, &a, local(monday(), 11, 0));
    run.drained().await;
    assert_eq!(run.event(early.id).status, Status::Successful);
    assert_eq!(run.mark(&a_id, monday(), Session::AM).unwrap().code, "E");

    // The office fixes the late code and retries the morning's failure.
    settings.default_group.late_code = "L".into();
    run.school.store.save_settings(&settings).unwrap();
    run.school.store.retry_event(late.id, monday(), local(monday(), 11, 30)).unwrap();
    run.clock.set(local(monday(), 11, 30));
    run.sync.wake();
    run.drained().await;
    let retried = run.event(late.id);
    assert_eq!(retried.status, Status::NotRequired);
    assert!(
        retried.cause.as_deref().unwrap_or_default().contains(&format!("event {}", early.id)),
        "{retried:?}"
    );
    let mark = run.mark(&a_id, monday(), Session::AM).unwrap();
    assert_eq!((mark.code.as_str(), mark.writes), ("E", 1), "the later mark stands");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_outcome_could_not_be_kept_is_never_made_and_goes_once_saving_works() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    // The attempts table refuses every row, as a full disk would refuse the intent.
    let db = rusqlite::Connection::open(run.school.store.path()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER full_disk BEFORE INSERT ON attempts BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    )
    .unwrap();
    let (a, a_id) = run.pupil(0);
    let before = run.school.sim.request_count();
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // Two passes at least have read the current mark and stopped at the intent.
    while run.school.sim.request_count() < before + 2 {
        assert!(std::time::Instant::now() < deadline, "the engine never tried");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(run.mark(&a_id, monday(), Session::AM), None, "nothing sent unrecorded");
    assert_eq!(run.event(event.id).status, Status::Pending);

    db.execute_batch("DROP TRIGGER full_disk;").unwrap();
    run.sync.wake();
    run.drained().await;
    let mark = run.mark(&a_id, monday(), Session::AM).unwrap();
    assert_eq!((mark.code.as_str(), mark.writes), ("L", 1));
    let attempts = run.school.store.attempts(event.id).unwrap();
    assert!(
        attempts.iter().all(|a| a.outcome != kiosk_model::AttemptOutcome::Sending),
        "each intent was answered in place: {attempts:?}"
    );
    assert_eq!(run.event(event.id).status, Status::Successful);
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_the_mis_has_two_codes_for_is_never_written_on_a_guess_and_the_check_says_so() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    // A second L, as an MIS with a historic code of the same letter lists it.
    rusqlite::Connection::open(run.school.store.path())
        .unwrap()
        .execute(
            "INSERT INTO attendance_codes (wonde_id, code, description) VALUES ('historic-L', 'L', 'Late (old)')",
            [],
        )
        .unwrap();
    let (a, a_id) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let late = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let very_late = run.record(EventKind::LateSignIn, &b, local(monday(), 9, 40));
    run.drained().await;
    let failed = run.event(late.id);
    assert_eq!(failed.status, Status::Failed);
    assert!(failed.cause.unwrap().contains("more than one attendance code L"));
    assert_eq!(run.mark(&a_id, monday(), Session::AM), None);
    assert_eq!(run.mark(&b_id, monday(), Session::AM).unwrap().code, "U", "other codes still go");
    assert_eq!(run.event(very_late.id).status, Status::Successful);
    let findings = kiosk_core::staff::check::run(
        &run.school.store,
        &MisCapabilities::builtin().unwrap(),
        run.clock.now(),
        None,
    )
    .unwrap();
    assert!(
        findings.iter().any(|f| f.title == "The MIS has more than one attendance code L"
            && f.severity == kiosk_core::staff::check::Severity::Problem),
        "{findings:?}"
    );
    run.sync.shutdown().await;
}

/// The first pupil signs in late at 09:05 with the school's clock running; once the queue has
/// drained, the event is Successful: the mark the MIS holds, and the event's attempts.
async fn late_at_0905_written(
    run: &common::engine::Running,
) -> (wonde_sim::SimMark, Vec<kiosk_core::store::Attempt>) {
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    run.let_clock_run();
    run.drained_within(Duration::from_secs(60)).await;
    let written = run.event(event.id);
    assert_eq!(written.status, Status::Successful, "{written:?}");
    let attempts = run.school.store.attempts(event.id).unwrap();
    (run.mark(&a_id, monday(), Session::AM).unwrap(), attempts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_word_no_one_knows_is_asked_again_then_the_mark_is_read_back_and_never_sent_twice()
{
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.set_status_word(Some("QUEUED_FOR_REVIEW"));
    let (mark, attempts) = late_at_0905_written(&run).await;
    assert_eq!((mark.code.as_str(), mark.writes), ("L", 1), "read back, not sent again");
    let unread =
        attempts.iter().filter(|a| a.outcome == kiosk_model::AttemptOutcome::StatusUnread).count();
    assert!(unread >= 3, "asked again before reading back: {attempts:?}");
    assert_eq!(attempts.last().unwrap().outcome, kiosk_model::AttemptOutcome::ReadBack);
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_read_back_that_the_mis_does_not_hold_is_sent_again_and_then_read_back_held() {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.set_status_word(Some("QUEUED_FOR_REVIEW"));
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    run.let_clock_run();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while run.mark(&a_id, monday(), Session::AM).is_none() {
        assert!(std::time::Instant::now() < deadline, "never accepted");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The MIS lost it after all (someone overwrote it with N, "no reason yet").
    run.school.sim.set_mark(&a_id, monday(), Session::AM, "N");
    run.drained_within(Duration::from_secs(90)).await;
    assert_eq!(run.event(event.id).status, Status::Successful);
    assert_eq!(run.mark(&a_id, monday(), Session::AM).unwrap().code, "L");
    let attempts = run.school.store.attempts(event.id).unwrap();
    assert!(
        attempts
            .iter()
            .any(|a| a.mis_message.as_deref() == Some("The MIS holds N: the mark is sent again.")),
        "{attempts:?}"
    );
    let accepted =
        attempts.iter().filter(|a| a.outcome == kiosk_model::AttemptOutcome::Accepted).count();
    assert_eq!(accepted, 2, "sent again once it was read back and differed: {attempts:?}");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_register_too_long_to_read_holds_the_mark_as_unknown_and_writes_nothing() {
    // Wonde ignores the attendance filters and the school's history runs past what the kiosk
    // may read: the current mark is unknown, so nothing is written on a guess (R4.10).
    let at = local(monday(), 8, 0);
    let mut school =
        common::sim_school_with("SIMS", 40, at, |c| c.readings = wonde_sim::Readings::Other).await;
    school.client = wonde_client::WondeClient::new(wonde_client::WondeConfig {
        register_pages: 1,
        ..common::client_config(&school.sim)
    })
    .unwrap();
    let run = common::engine::start_with(school, at);
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 30));
    let store = run.school.store.clone();
    let attempts = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let attempts = store.attempts(event.id).unwrap();
            if !attempts.is_empty() {
                return attempts;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the engine tried");
    assert_eq!(attempts[0].outcome, kiosk_model::AttemptOutcome::WillRetry, "{attempts:?}");
    let said = attempts[0].mis_message.clone().unwrap_or_default();
    assert!(said.contains("current marks are unknown"), "{said}");
    assert_eq!(run.event(event.id).status, Status::Pending);
    assert!(run.mark(&a_id, monday(), Session::AM).is_none(), "nothing written on a guess");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_mis_is_slow_to_apply_is_not_sent_again_when_its_status_cannot_be_read() {
    // Wonde accepts the write; the MIS takes it 1.5 s later; meanwhile every status read fails.
    // Read back at once, the mark is not there yet: that is no reason to send it twice (M11).
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.set_writeback_delay(Duration::from_millis(1500));
    // Wonde's clock read at the event's time: the engine needs no request of its own to trust
    // the clock (R6.5), so the faults meet the requests they are meant for.
    run.clock.set(local(monday(), 9, 5));
    run.school.client.session_marks_on(monday()).await.unwrap();
    // The current mark is read, the mark sent, then three status reads fail.
    run.school.sim.faults().inject_after(2, wonde_sim::Fault::ServerError(500), 3);
    let (mark, attempts) = late_at_0905_written(&run).await;
    assert_eq!((mark.code.as_str(), mark.writes), ("L", 1), "sent once: {attempts:#?}");
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_settings_hold_writeback_until_staff_save_valid_ones() {
    // The defaults could write times and codes the school never chose (M12): nothing is
    // written on them; the sign-in is kept and goes once the settings are saved again.
    let school = common::sim_school("SIMS", 10, local(monday(), 9, 0)).await;
    school.store.set_value("settings", "{ this is not json").unwrap();
    let run = common::engine::start_with(school, local(monday(), 9, 0));
    let (a, a_id) = run.pupil(0);
    let event = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 10));
    let mut status = run.sync.status();
    tokio::time::timeout(
        Duration::from_secs(10),
        status.wait_for(|s| s.paused == Some(kiosk_core::sync::SyncPause::SettingsDamaged)),
    )
    .await
    .expect("the strip says the settings are damaged")
    .unwrap();
    assert_eq!(run.event(event.id).status, Status::Pending);
    assert!(
        run.mark(&a_id, monday(), Session::AM).is_none(),
        "nothing written on guessed settings"
    );
    run.school.store.save_settings(&kiosk_core::settings::Settings::default()).unwrap();
    run.sync.wake();
    run.drained().await;
    assert_eq!(run.event(event.id).status, Status::Successful);
    assert_eq!(run.sync.status().borrow().paused, None);
    run.sync.shutdown().await;
}
