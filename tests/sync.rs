//! The sync engine against the Wonde simulator over real HTTP, with a settable clock (R4).

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use common::engine::{fast, local, monday, start};
use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::rules::{EventKind, Session};
use kiosk_core::store::Status;
use kiosk_core::sync::Engine;
use kiosk_model::clock::ManualClock;

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
            last_write_at: run.sync.status().borrow().last_write_at
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
    run.school.sim.set_mark(&a_id, monday(), Session::AM, "M");
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
    assert_eq!(mark.code, "L");
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
    run.school.sim.set_mark(protected, monday(), Session::AM, "M");
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
async fn events_older_than_the_retention_period_are_purged_and_recent_ones_kept() {
    // The tablet was off: the events are there before the engine starts its first pass.
    let school = common::sim_school("SIMS", 10, local(monday(), 8, 0)).await;
    let store = &school.store;
    let old_day = monday() - chrono::Duration::days(61);
    let make = |date: NaiveDate| kiosk_core::store::NewEvent {
        kind: EventKind::LateSignIn,
        student_upi: None,
        person_name: "Visitor".into(),
        year: None,
        registration_group: None,
        occurred_at: local(date, 9, 0),
        school_date: date,
        reason: None,
        reason_typed: false,
        collected_by: None,
    };
    let old = store.record_event(&make(old_day), local(old_day, 9, 0)).unwrap();
    let recent = store
        .record_event(&make(monday() - chrono::Duration::days(59)), local(monday(), 8, 0))
        .unwrap();
    let clock = Arc::new(ManualClock::new(local(monday(), 8, 0)));
    let engine = Engine::new(
        store.clone(),
        school.client.clone(),
        clock,
        MisCapabilities::builtin().unwrap(),
        fast(),
    );
    let sync = engine.spawn();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while store.event(old.id).unwrap().is_some() {
        assert!(std::time::Instant::now() < deadline, "the 61-day-old event was not purged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        store.event(recent.id).unwrap().unwrap().status,
        Status::Expired,
        "59 days old: kept, expired"
    );
    sync.shutdown().await;
}
