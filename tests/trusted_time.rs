//! Trusted time (R6.5): a tablet whose clock is wrong keeps recording, but writes nothing,
//! expires nothing and deletes nothing until Wonde's clock agrees with it, and says so.
//! Wonde's clock here is the simulator's (the `Date` of its answers); the tablet's is the
//! engine's, set apart from it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::engine::{fast, local, monday};
use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::recording;
use kiosk_core::rules::EventKind;
use kiosk_core::staff::held_time::{self, TimeChoice};
use kiosk_core::store::{Event, Status};
use kiosk_core::sync::{Engine, SyncHandle, SyncPause};
use kiosk_model::clock::{Clock, ManualClock};

fn sign_in(
    school: &common::SimSchool,
    sync: &SyncHandle,
    n: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> Event {
    let student = &school.store.students().unwrap()[n];
    let request = common::request(EventKind::LateSignIn, student.mis_id.as_deref().unwrap());
    let event = recording::record(&school.store, &request, at).expect("recorded");
    sync.wake();
    event
}

/// Waits (at most 20 s) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn engine(school: &common::SimSchool, tablet: Arc<ManualClock>) -> SyncHandle {
    Engine::new(
        school.store.clone(),
        school.client.clone(),
        tablet,
        MisCapabilities::builtin().unwrap(),
        fast(),
    )
    .spawn()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_that_booted_with_last_nights_time_writes_nothing_to_monday_and_says_so() {
    // Tuesday 09:10 by Wonde; Monday 18:10 by a tablet without a battery clock whose time
    // servers are blocked. Trusted, the arrivals would be U in Monday's PM register.
    let tuesday = monday().succ_opt().unwrap();
    let school = common::sim_school("SIMS", 10, local(tuesday, 9, 10)).await;
    let tablet = Arc::new(ManualClock::new(local(monday(), 18, 10)));
    let sync = engine(&school, tablet.clone());
    let event = sign_in(&school, &sync, 0, tablet.now());
    let other = sign_in(&school, &sync, 1, tablet.now());
    assert_eq!(event.school_date, monday(), "recorded as the tablet's clock says");

    let status = sync.status();
    until("the clock is found wrong and both arrivals held", || {
        status.borrow().paused == Some(SyncPause::ClockWrong)
            && school.store.clock_held_events().unwrap().len() == 2
    })
    .await;
    assert_eq!(status.borrow().clock_wrong_by, Some(-15 * 60), "15 hours behind");
    let held = school.store.event(event.id).unwrap().unwrap();
    assert_eq!(
        (held.status, held.clock_off_minutes),
        (Status::Pending, Some(-900)),
        "kept, marked"
    );
    assert!(school.sim.marks().is_empty(), "nothing written on a wrong clock");
    let check = |now| {
        kiosk_core::staff::check::run(
            &school.store,
            &MisCapabilities::builtin().unwrap(),
            now,
            status.borrow().clock_wrong_by,
        )
        .unwrap()
    };
    let findings = check(tablet.now());
    assert_eq!(findings[0].title, "The tablet's clock is wrong by 900 minutes", "{findings:?}");

    // The clock is put right: the arrivals are still held, written nowhere, and the office is
    // told to confirm their time; the next arrival, at 09:12, is written late at once.
    school.clock.set(local(tuesday, 9, 12));
    tablet.set(local(tuesday, 9, 12));
    let next = sign_in(&school, &sync, 2, tablet.now());
    until("Tuesday's new event is written", || {
        school.store.event(next.id).unwrap().unwrap().status == Status::Successful
    })
    .await;
    assert_eq!(status.borrow().paused, None, "the strip no longer says the clock is wrong");
    assert_eq!(school.store.event(event.id).unwrap().unwrap().status, Status::Pending);
    assert_eq!(school.sim.marks().len(), 1, "only the new arrival");
    let findings = check(tablet.now());
    assert!(
        findings
            .iter()
            .any(|f| f.title == "2 events were recorded while the tablet's clock was wrong"),
        "{findings:?}"
    );

    // Staff confirm the first by Wonde's clock: 09:10 on Tuesday, written late there.
    let confirmed = held_time::confirm(&school.store, event.id, TimeChoice::ByWonde, tablet.now())
        .unwrap()
        .expect("held");
    assert_eq!((confirmed.occurred_at, confirmed.school_date), (local(tuesday, 9, 10), tuesday));
    sync.wake();
    until("the confirmed event is written", || {
        school.store.event(event.id).unwrap().unwrap().status == Status::Successful
    })
    .await;
    let marks = school.sim.marks();
    assert!(marks.iter().all(|m| m.date == tuesday), "nothing on Monday: {marks:?}");
    assert_eq!(marks.len(), 2);

    // The other is never confirmed: once its real day is over it expires, saying why.
    let wednesday = tuesday.succ_opt().unwrap();
    school.clock.set(local(wednesday, 8, 0));
    tablet.set(local(wednesday, 8, 0));
    sync.wake();
    until("the unconfirmed event expires", || {
        school.store.event(other.id).unwrap().unwrap().status == Status::Expired
    })
    .await;
    let expired = school.store.event(other.id).unwrap().unwrap();
    assert!(expired.cause.unwrap().contains("not confirmed by staff"));
    assert_eq!(school.sim.marks().len(), 2);
    sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_reset_to_2000_then_put_right_loses_no_sign_in() {
    let school = common::sim_school("SIMS", 10, local(monday(), 9, 30)).await;
    school.sim.faults().set_offline(true);
    // A final event of 61 days ago, which the purge does delete: it shows when the purge ran.
    let old_day = monday() - chrono::Duration::days(61);
    let old =
        school.store.record_event(&common::visitor_on(old_day), local(old_day, 9, 0)).unwrap();
    school
        .store
        .expire_between(old_day, old_day.succ_opt().unwrap(), local(old_day, 23, 59))
        .unwrap();

    // The battery clock reset: Monday 3 January 2000. A pupil signs in, offline.
    let y2k = chrono::NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
    let tablet = Arc::new(ManualClock::new(local(y2k, 9, 5)));
    let sync = engine(&school, tablet.clone());
    let event = sign_in(&school, &sync, 0, tablet.now());
    assert_eq!(event.school_date, y2k);
    // The time server puts the clock right while Wonde is still out of reach: a jump of 26
    // years that Wonde has not confirmed expires nothing and deletes nothing.
    tablet.set(local(monday(), 9, 30));
    let mut status = sync.status();
    for _ in 0..3 {
        sync.wake();
        let _ = tokio::time::timeout(Duration::from_secs(2), status.changed()).await;
    }
    assert_eq!(school.store.event(event.id).unwrap().unwrap().status, Status::Pending);
    assert!(school.store.event(old.id).unwrap().is_some(), "no purge on an unconfirmed clock");

    // Wonde answers and agrees: the sign-in of "2000" expires (it cannot be written to a day
    // that was not its own), and the purge that then runs keeps it for the whole period.
    school.sim.faults().set_offline(false);
    sync.wake();
    until("the purge runs", || school.store.event(old.id).unwrap().is_none()).await;
    let kept = school.store.event(event.id).unwrap().expect("the sign-in is still in the log");
    assert_eq!(kept.status, Status::Expired);
    assert!(school.sim.marks().is_empty());
    sync.shutdown().await;
}
