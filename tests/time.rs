//! Time campaign (R3.1, R3.7, R4.3, R4.4): the school's calendar end to end, from recording to
//! the MIS, with the clock set where days end: local midnight, a day offline across it, and the
//! two daylight-saving Sundays (23 and 25 hours long in London). The rules alone are tested in
//! tests/rules.rs; what is here is what office staff see in the log and the MIS the next morning.

mod common;

use chrono::{Duration, NaiveDate};

use common::engine::{local, local_hms, monday, start, Running};
use kiosk_core::rules::{EventKind, Session};
use kiosk_core::store::Status;

fn tuesday() -> NaiveDate {
    monday().succ_opt().unwrap()
}

/// The network is back; the engine is told at once and works through the queue.
async fn back_online(run: &Running) {
    run.school.sim.faults().set_offline(false);
    run.sync.wake();
    run.drained().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_from_monday_morning_to_tuesday_expires_mondays_events_and_writes_tuesdays_from_their_own_times(
) {
    let run = start("SIMS", local(monday(), 8, 0)).await;
    run.school.sim.faults().set_offline(true);
    let (a, a_id) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let monday_late = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let monday_very_late = run.record(EventKind::LateSignIn, &b, local(monday(), 9, 40));
    run.until_offline().await;
    // Still offline on Tuesday: the same pupils are late again.
    let tuesday_late = run.record(EventKind::LateSignIn, &a, local(tuesday(), 9, 12));
    let tuesday_very_late = run.record(EventKind::LateSignIn, &b, local(tuesday(), 9, 25));
    run.clock.set(local(tuesday(), 10, 30));
    back_online(&run).await;

    for id in [monday_late.id, monday_very_late.id] {
        let e = run.event(id);
        assert_eq!(e.status, Status::Expired, "{e:?}");
        assert!(e.cause.unwrap().contains("midnight"));
    }
    assert!(
        run.mark(&a_id, monday(), Session::AM).is_none()
            && run.mark(&b_id, monday(), Session::AM).is_none(),
        "nothing written for Monday"
    );
    assert_eq!(run.event(tuesday_late.id).status, Status::Successful);
    assert_eq!(run.event(tuesday_very_late.id).status, Status::Successful);
    let a_mark = run.mark(&a_id, tuesday(), Session::AM).unwrap();
    assert_eq!(
        (a_mark.code.as_str(), a_mark.minutes_late, a_mark.writes),
        ("L", Some(12), 1),
        "09:12, not 10:30"
    );
    let b_mark = run.mark(&b_id, tuesday(), Session::AM).unwrap();
    assert_eq!((b_mark.code.as_str(), b_mark.minutes_late), ("U", Some(25)));
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_dst_sundays_unwritten_events_expire_at_london_midnight_not_utc_midnight() {
    // Spring: Sunday ends at 23:00 UTC (00:00 BST). Autumn: Sunday ends at 00:00 UTC (00:00 GMT),
    // a 25-hour day, so 23:30 UTC is still Sunday evening.
    let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
    let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
    for (sunday, expired) in [(spring, true), (autumn, false)] {
        let run = start("SIMS", local(sunday, 8, 0)).await;
        run.school.sim.faults().set_offline(true);
        let (a, a_id) = run.pupil(0);
        let event = run.record(EventKind::LateSignIn, &a, local(sunday, 9, 10));
        run.until_offline().await;
        run.clock.set(sunday.and_hms_opt(23, 30, 0).unwrap().and_utc());
        back_online(&run).await;
        let status = run.event(event.id).status;
        match expired {
            true => {
                assert_eq!(status, Status::Expired, "{sunday}: 23:30 UTC is 00:30 BST on Monday");
                assert!(run.school.sim.marks().is_empty(), "{sunday}");
            }
            false => {
                assert_eq!(
                    status,
                    Status::Successful,
                    "{sunday}: 23:30 UTC is 23:30 GMT, still Sunday"
                );
                let mark = run.mark(&a_id, sunday, Session::AM).unwrap();
                assert_eq!(
                    (mark.code.as_str(), mark.minutes_late),
                    ("L", Some(10)),
                    "09:10 local, whatever UTC says"
                );
            }
        }
        run.sync.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_a_second_before_midnight_is_that_days_pm_and_a_sign_in_at_midnight_is_the_next_days_am(
) {
    let run = start("SIMS", local(monday(), 23, 0)).await;
    run.write_present_marks();
    let mut settings = run.school.store.settings().unwrap();
    settings.default_group.early_leaver_code = Some("E".into());
    run.school.store.save_settings(&settings).unwrap();
    let (a, a_id) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let before = run.record(EventKind::EarlySignOut, &a, local_hms(monday(), 23, 59, 59));
    run.drained().await;
    assert_eq!(
        (before.school_date, run.event(before.id).status),
        (monday(), Status::Successful),
        "{:?}",
        run.event(before.id).cause
    );
    assert_eq!(run.mark(&a_id, monday(), Session::PM).unwrap().code, "E");

    let at_midnight = run.record(EventKind::LateSignIn, &b, local(tuesday(), 0, 0));
    run.drained().await;
    assert_eq!(
        (at_midnight.school_date, run.event(at_midnight.id).status),
        (tuesday(), Status::Successful)
    );
    assert_eq!(
        run.mark(&b_id, tuesday(), Session::AM).unwrap().code,
        "/",
        "before the AM late time: present"
    );
    assert!(run.mark(&b_id, monday(), Session::PM).is_none());
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_a_second_before_midnight_left_unwritten_expires_at_midnight_and_one_at_midnight_does_not(
) {
    let run = start("SIMS", local(monday(), 23, 0)).await;
    run.write_present_marks();
    run.school.sim.faults().set_offline(true);
    let (a, _) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let before = run.record(EventKind::LateSignIn, &a, local_hms(monday(), 23, 59, 59));
    run.until_offline().await;
    let at_midnight = run.record(EventKind::LateSignIn, &b, local(tuesday(), 0, 0));
    run.clock.set(local(tuesday(), 0, 0) + Duration::seconds(1));
    back_online(&run).await;
    assert_eq!(run.event(before.id).status, Status::Expired, "one second past its day");
    assert_eq!(run.event(at_midnight.id).status, Status::Successful);
    assert_eq!(run.school.sim.marks().len(), 1);
    assert_eq!(run.mark(&b_id, tuesday(), Session::AM).unwrap().code, "/");
    run.sync.shutdown().await;
}
