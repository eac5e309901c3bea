//! Faults campaign (R4.3-R4.8): the sync engine against a Wonde that fails in every way the
//! simulator knows (30% server errors, 429 bursts with Retry-After, hung requests, dropped
//! connections, garbled answers, answers cut short or gone quiet after the MIS took the write, writes applied 400 ms after
//! they were accepted)
//! and whose token the school revokes mid-morning.
//!
//! A revoked token holds the whole queue (every request would be refused the same way): what is
//! tried meanwhile stays Pending, the status strip says why, and once staff fix the token the
//! queue carries on by itself (R4.6). By the end of the day every event is in a final status,
//! each mark is in the MIS once, with the code its time gives.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::engine::{local, monday, start_with, Running};
use kiosk_core::rules::{EventKind, Session};
use kiosk_core::store::Status;
use kiosk_core::sync::SyncPause;
use kiosk_model::clock::{end_of_school_day, Clock};
use wonde_sim::Fault;

/// What each event should leave in the MIS, by event id: (pupil's Wonde id, session, code).
type Expected = HashMap<i64, (String, Session, &'static str)>;

/// Waits (at most `limit`) until none of `ids` is pending.
async fn settled(run: &Running, ids: &[i64], limit: Duration) {
    let deadline = Instant::now() + limit;
    while ids.iter().any(|id| run.event(*id).status == Status::Pending) {
        assert!(
            Instant::now() < deadline,
            "still pending: {:?}",
            ids.iter()
                .map(|id| run.event(*id))
                .filter(|e| e.status == Status::Pending)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether Wonde has refused the token on a try of event `id`.
fn refused_token_once(run: &Running, id: i64) -> bool {
    run.school.store.attempts(id).unwrap().iter().any(|a| {
        a.outcome == kiosk_model::AttemptOutcome::TokenRefused && a.http_status == Some(401)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_morning_of_flaky_wonde_and_a_revoked_token_ends_with_every_mark_written_once_with_its_code(
) {
    let started = Instant::now();
    // The morning's arrivals are entered at 09:46 with the times they arrived: the clock never
    // jumps while the engine asks Wonde the time, which would measure it wrong (R6.5).
    let run = start_with(
        common::sim_school("SIMS", 80, local(monday(), 9, 46)).await,
        local(monday(), 9, 46),
    );
    run.write_present_marks();
    let mut settings = run.school.store.settings().unwrap();
    settings.default_group.early_leaver_code = Some("E".into());
    run.school.store.save_settings(&settings).unwrap();
    // The MIS takes each write a while after Wonde accepted it, as a real one does (M11).
    run.school.sim.set_writeback_delay(Duration::from_millis(400));
    let faults = run.school.sim.faults();
    // Hung requests and quiet answers outlast the client's 2 s timeout, then the server lets go.
    faults.set_hang_for(Duration::from_secs(3));
    faults.set_error_share(0.3);
    for (ok, fault, times) in [
        (2, Fault::TooManyRequests { retry_after_secs: 2 }, 3),
        (3, Fault::Reset, 2),
        (2, Fault::Malformed, 2),
        (3, Fault::Hang, 1),
        (2, Fault::Truncated, 2),
        (3, Fault::Stall, 2),
        (2, Fault::TooManyRequests { retry_after_secs: 1 }, 4),
        (4, Fault::Malformed, 1),
        (3, Fault::Stall, 1),
    ] {
        faults.inject_after(ok, fault, times);
    }

    let mut expected = Expected::new();
    let mut pupils = (0..).map(|n| run.pupil(n));
    // The morning's late arrivals: before 09:00 present, then L, from 09:20 U.
    for (n, (h, m, code)) in [
        (8, 40, "/"),
        (8, 55, "/"),
        (9, 1, "L"),
        (9, 10, "L"),
        (9, 19, "L"),
        (9, 20, "U"),
        (9, 45, "U"),
    ]
    .iter()
    .cycle()
    .take(28)
    .enumerate()
    {
        let (mis_id, wonde_id) = pupils.next().unwrap();
        let event = run.record_earlier(
            EventKind::LateSignIn,
            &mis_id,
            local(monday(), *h, *m) + chrono::Duration::seconds(n as i64),
        );
        expected.insert(event.id, (wonde_id, Session::AM, code));
    }
    run.let_clock_run();
    let deadline = Instant::now() + Duration::from_secs(30);
    while run.school.store.status_counts(Some(monday())).unwrap()[&Status::Successful] < 8 {
        assert!(
            Instant::now() < deadline,
            "nothing got through the faults: {:?}",
            run.school.store.status_counts(None).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Mid-morning the school revokes the kiosk's access; two more pupils arrive.
    faults.set_token_revoked(true);
    let mut while_revoked = Vec::new();
    for _ in 0..2 {
        let (mis_id, wonde_id) = pupils.next().unwrap();
        let event = run.record(
            EventKind::LateSignIn,
            &mis_id,
            // Recorded at the running clock's time, not ahead of it: a jump of the school clock
            // would cut short the time the kiosk gives the MIS to apply a write (it is real time).
            run.clock.now(),
        );
        expected.insert(event.id, (wonde_id, Session::AM, "U"));
        while_revoked.push(event.id);
    }
    // The queue is held, not failed: the strip says why, and nothing is written meanwhile.
    // (Which events meet the 401 depends on where the engine was: the first refused request
    // stops the pass, and every later one waits behind it.)
    let deadline = Instant::now() + Duration::from_secs(30);
    while run.sync.status().borrow().paused != Some(SyncPause::TokenRefused) {
        assert!(Instant::now() < deadline, "the revoked token was never met");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for id in &while_revoked {
        assert_eq!(run.event(*id).status, Status::Pending, "held while the token is refused");
        assert_eq!(
            run.mark(&expected[id].0, monday(), Session::AM),
            None,
            "nothing is written without a valid token"
        );
    }
    assert_eq!(
        run.school.store.status_counts(None).unwrap()[&Status::Failed],
        0,
        "a refused token fails nothing"
    );

    // The office fixes the token; the queue carries on by itself, and the morning goes on.
    faults.set_token_revoked(false);
    for _ in 0..4 {
        let (mis_id, wonde_id) = pupils.next().unwrap();
        let event = run.record(
            EventKind::EarlySignOut,
            &mis_id,
            // Recorded at the running clock's time, not ahead of it: a jump of the school clock
            // would cut short the time the kiosk gives the MIS to apply a write (it is real time).
            run.clock.now(),
        );
        expected.insert(event.id, (wonde_id, Session::AM, "E"));
    }
    let all: Vec<i64> = expected.keys().copied().collect();
    settled(&run, &all, Duration::from_secs(60)).await;
    assert_eq!(run.sync.status().borrow().paused, None, "the pause ends once the token works");
    assert!(
        run.clock.now() < end_of_school_day(monday(), chrono_tz::Europe::London),
        "all settled the same day"
    );

    let marks = run.school.sim.marks();
    assert_eq!(marks.len(), expected.len(), "one mark per pupil: {marks:?}");
    for (id, (wonde_id, session, code)) in &expected {
        let event = run.event(*id);
        let tried = || run.school.store.attempts(*id).unwrap();
        assert_eq!(event.status, Status::Successful, "{event:?} {:#?}", tried());
        let mark = run
            .mark(wonde_id, monday(), *session)
            .unwrap_or_else(|| panic!("no mark for event {id}"));
        assert_eq!(
            (mark.code.as_str(), mark.writes),
            (*code, 1),
            "event {id} at {}: {mark:?} {:#?}",
            event.occurred_at,
            tried()
        );
        assert_eq!(event.code.as_deref(), Some(*code));
    }
    let attempts: Vec<_> =
        all.iter().flat_map(|id| run.school.store.attempts(*id).unwrap()).collect();
    let count =
        |f: &dyn Fn(&kiosk_core::store::Attempt) -> bool| attempts.iter().filter(|a| f(a)).count();
    eprintln!(
        "faults campaign: {} events, {} attempts ({} HTTP 5xx, {} HTTP 429, {} HTTP 401, {} answers lost after sending, {} not sent again), {:.1} s",
        expected.len(),
        attempts.len(),
        count(&|a| a.http_status.is_some_and(|s| s >= 500)),
        count(&|a| a.http_status == Some(429)),
        count(&|a| a.http_status == Some(401)),
        count(&|a| a.outcome == kiosk_model::AttemptOutcome::AnswerLost),
        count(&|a| a.outcome == kiosk_model::AttemptOutcome::AlreadyHeld),
        started.elapsed().as_secs_f64()
    );
    run.sync.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_mis_took_but_whose_answer_was_lost_is_successful_and_not_written_twice() {
    // A late L, and a present / (itself a protected code: the MIS then holds the kiosk's own
    // mark, which is no reason to call the event Not Required).
    // With a delay, the MIS applies the write 1.5 s after taking it: the read after the lost
    // answer finds nothing yet, and the kiosk must give the MIS time rather than send again (M11).
    let delayed = Duration::from_millis(1500);
    let cases = [
        (Fault::Truncated, 9, 5, "L", Duration::ZERO),
        (Fault::Stall, 9, 5, "L", Duration::ZERO),
        (Fault::Malformed, 9, 5, "L", Duration::ZERO),
        (Fault::Truncated, 8, 40, "/", Duration::ZERO),
        (Fault::Stall, 8, 40, "/", Duration::ZERO),
        (Fault::Truncated, 9, 5, "L", delayed),
        (Fault::Stall, 8, 40, "/", delayed),
    ];
    for (lost, h, m, code, apply_after) in cases {
        let run = start_with(
            common::sim_school("SIMS", 10, local(monday(), 8, 0)).await,
            local(monday(), 8, 0),
        );
        run.write_present_marks();
        run.school.sim.set_writeback_delay(apply_after);
        run.school.sim.faults().set_hang_for(Duration::from_secs(3));
        // Wonde's clock is read at the event's time: the engine then needs no request of its
        // own to trust the clock (R6.5), and the fault meets the request it is meant for.
        run.clock.set(local(monday(), h, m));
        run.school.client.school().await.unwrap();
        // Under the other reading the register is read once first; after that a current mark
        // is one request either way.
        run.school.client.session_marks_on(monday()).await.unwrap();
        // The current mark is read first, then the write's answer is lost.
        run.school.sim.faults().inject_after(1, lost, 1);
        let (a, a_id) = run.pupil(0);
        let event = run.record(EventKind::LateSignIn, &a, local(monday(), h, m));
        run.let_clock_run();
        run.drained().await;
        assert_eq!(
            run.event(event.id).status,
            Status::Successful,
            "{lost:?} {code}: {:?}",
            run.event(event.id).cause
        );
        let mark = run.mark(&a_id, monday(), Session::AM).unwrap();
        assert_eq!((mark.code.as_str(), mark.writes), (code, 1), "{lost:?} {apply_after:?}");
        let attempts = run.school.store.attempts(event.id).unwrap();
        assert!(
            attempts.iter().any(|a| a.outcome == kiosk_model::AttemptOutcome::AnswerLost),
            "{lost:?}: {attempts:?}"
        );
        run.sync.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_holds_the_queue_with_the_cause_on_the_strip_and_in_the_check_and_a_fixed_token_writes_it(
) {
    let run = start_with(
        common::sim_school("SIMS", 10, local(monday(), 8, 0)).await,
        local(monday(), 8, 0),
    );
    run.school.sim.faults().set_token_revoked(true);
    let (a, a_id) = run.pupil(0);
    let (b, b_id) = run.pupil(1);
    let first = run.record(EventKind::LateSignIn, &a, local(monday(), 9, 5));
    let second = run.record(EventKind::LateSignIn, &b, local(monday(), 9, 6));
    let deadline = Instant::now() + Duration::from_secs(20);
    while run.sync.status().borrow().paused.is_none() {
        assert!(Instant::now() < deadline, "the engine never paused");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Let it probe a few more times: still held, still nothing failed or written.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (event, wonde_id) in [(&first, &a_id), (&second, &b_id)] {
        assert_eq!(run.event(event.id).status, Status::Pending);
        assert_eq!(run.mark(wonde_id, monday(), Session::AM), None);
    }
    assert!(refused_token_once(&run, first.id));
    let detail = kiosk_model::AttemptOutcome::TokenRefused.describe(None);
    assert!(detail.contains("token") && detail.contains("connection is fixed"), "{detail}");
    let caps = kiosk_core::mis_capabilities::MisCapabilities::builtin().unwrap();
    let findings =
        kiosk_core::staff::check::run(&run.school.store, &caps, run.clock.now(), None).unwrap();
    let token = findings
        .iter()
        .find(|f| f.title == "Wonde refused the kiosk's token")
        .unwrap_or_else(|| panic!("the check does not name the token: {findings:?}"));
    assert_eq!(token.severity, kiosk_core::staff::check::Severity::Problem);

    run.school.sim.faults().set_token_revoked(false);
    run.drained().await;
    assert_eq!(run.event(first.id).status, Status::Successful);
    assert_eq!(run.event(second.id).status, Status::Successful);
    assert_eq!(run.mark(&a_id, monday(), Session::AM).unwrap().code, "L");
    assert_eq!(run.mark(&b_id, monday(), Session::AM).unwrap().code, "L");
    assert_eq!(run.sync.status().borrow().paused, None);
    run.sync.shutdown().await;
}
