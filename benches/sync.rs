//! Writeback speed against the Wonde simulator at 50 ms latency, through the client's polite
//! pacing (10 requests a second) and the simulator's 200 ms asynchronous apply (R4.2, R4.9):
//! - tap to MIS: from a sign-in being recorded to the mark being in the "MIS" (target p99 <= 1 s);
//! - a backlog of 100, 1,000 and 10,000 events, recorded offline, drained once the network
//!   returns (target <= 10 s for 1,000);
//! - a school day of 500 sign-ins as they come, against a Wonde that ignores the attendance
//!   filters (the simulator's other reading, 20 days of register): requests sent, pages of
//!   marks read, and how often the whole history was read (at most once).
//!
//! `cargo bench --bench sync` runs the full sizes; under `cargo test` a small smoke run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "growth/mod.rs"]
mod growth;

use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::recording;
use kiosk_core::rules::EventKind;
use kiosk_core::store::{Status, Store, Student};
use kiosk_core::sync::{Engine, SyncConfig, SyncHandle};
use kiosk_model::clock::{Clock, SystemClock};
use wonde_client::{Token, WondeClient, WondeConfig};

struct Bench {
    school: common::SimSchool,
    store: Arc<Store>,
    sync: SyncHandle,
    students: Vec<Student>,
}

async fn setup(pupils: usize) -> Bench {
    setup_with(pupils, |_| {}).await
}

async fn setup_with(pupils: usize, configure: impl FnOnce(&mut wonde_sim::SimConfig)) -> Bench {
    let school = common::sim_school_with("SIMS", pupils, Utc::now(), |c| {
        // The simulator's clock runs, as the engine's does (its answers are dated by it).
        c.clock = Arc::new(SystemClock);
        configure(c)
    })
    .await;
    school.sim.faults().set_latency(Duration::from_millis(50));
    school.sim.set_writeback_delay(Duration::from_millis(200));
    let store = school.store.clone();
    // Whatever the time of day the benchmark runs, each sign-in writes a mark.
    let mut settings = store.settings().unwrap();
    settings.default_group.present_writeback = true;
    store.save_settings(&settings).unwrap();
    // The production client's pacing, not the tests' unpaced one.
    let mut wonde = WondeConfig::new(school.sim.school_id(), Token::new(school.sim.token()));
    wonde.base_url = school.sim.base_url();
    let client = WondeClient::new(wonde).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let engine = Engine::new(
        store.clone(),
        client,
        clock,
        MisCapabilities::builtin().unwrap(),
        SyncConfig::default(),
    );
    let students = store.students().unwrap();
    Bench { sync: engine.spawn(), students, store, school }
}

fn record(bench: &Bench, student: &Student) {
    let request = common::request(EventKind::LateSignIn, student.mis_id.as_deref().unwrap());
    recording::record(&bench.store, &request, Utc::now()).expect("recorded");
    bench.sync.wake();
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

async fn tap_to_mis(taps: usize) {
    let bench = setup(taps + 10).await;
    let mut to_mis = Vec::new();
    let mut to_successful = Vec::new();
    for student in bench.students.iter().take(taps) {
        let started = Instant::now();
        record(&bench, student);
        let mut in_mis = None;
        loop {
            if in_mis.is_none()
                && bench.school.sim.marks().iter().any(|m| m.student_id == student.wonde_id)
            {
                in_mis = Some(started.elapsed());
            }
            if bench.store.status_counts(None).unwrap()[&Status::Pending] == 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "a tap was not written within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        to_mis.push(in_mis.expect("the mark reached the MIS"));
        to_successful.push(started.elapsed());
    }
    println!(
        "tap to MIS over {taps} sign-ins (50 ms latency, 200 ms apply): p50 {:.0} ms, p99 {:.0} ms; to Successful in the log: p50 {:.0} ms, p99 {:.0} ms (target p99 <= 1 s)",
        percentile(&mut to_mis, 50).as_secs_f64() * 1e3,
        percentile(&mut to_mis, 99).as_secs_f64() * 1e3,
        percentile(&mut to_successful, 50).as_secs_f64() * 1e3,
        percentile(&mut to_successful, 99).as_secs_f64() * 1e3,
    );
    bench.sync.shutdown().await;
}

async fn backlog(events: usize) {
    // The generated school moves about 2% of its pupils to the leavers list: ask for enough.
    let bench = setup(events * 21 / 20 + 50).await;
    assert!(
        bench.students.len() >= events,
        "a school of {} pupils for {events} events",
        bench.students.len()
    );
    bench.school.sim.faults().set_offline(true);
    for student in bench.students.iter().take(events) {
        record(&bench, student);
    }
    let mut status = bench.sync.status();
    let _ =
        tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| s.online == Some(false)))
            .await;
    let started = Instant::now();
    bench.school.sim.faults().set_offline(false);
    bench.sync.wake();
    // Ten times the 1,000-event target per 1,000 events, so a stuck drain ends the run.
    let limit = Duration::from_secs(10 * (events as u64).div_ceil(100).max(1));
    while bench.store.status_counts(None).unwrap()[&Status::Pending] > 0 {
        assert!(started.elapsed() < limit, "the backlog did not drain in {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let written = bench.store.status_counts(None).unwrap()[&Status::Successful];
    println!(
        "backlog of {events} events drained in {:.2} s ({written} successful, {} requests to Wonde; target <= 10 s for 1,000)",
        elapsed.as_secs_f64(),
        bench.school.sim.request_count()
    );
    bench.sync.shutdown().await;
}

/// A day's sign-ins as they arrive, in tens half a second apart, against the other reading.
async fn a_day(events: usize, history_days: u32) {
    let bench = setup_with(1200, |c| {
        c.readings = wonde_sim::Readings::Other;
        c.history_days = history_days;
    })
    .await;
    let requests_before = bench.school.sim.request_count();
    let started = Instant::now();
    for chunk in bench.students.chunks(10).take(events.div_ceil(10)) {
        for student in chunk {
            record(&bench, student);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let limit = Duration::from_secs(600);
    while bench.store.status_counts(None).unwrap()[&Status::Pending] > 0 {
        assert!(started.elapsed() < limit, "the day's events were not written in {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let written = bench.store.status_counts(None).unwrap()[&Status::Successful];
    let (pages, history_reads) = bench.school.sim.mark_pages();
    assert!(history_reads <= 1, "the history was read {history_reads} times");
    println!(
        "a day of {events} sign-ins, Wonde ignoring the attendance filters ({history_days} days of register, 1,200 pupils): {written} successful in {:.1} s, {} requests, {pages} pages of marks read, the whole history read {history_reads} time(s)",
        started.elapsed().as_secs_f64(),
        bench.school.sim.request_count() - requests_before,
    );
    bench.sync.shutdown().await;
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        tap_to_mis(if full { 100 } else { 3 }).await;
        for &events in growth::sizes(&[100, 1000, 10_000]) {
            backlog(events).await;
        }
        match full {
            true => a_day(500, 20).await,
            false => a_day(20, 2).await,
        }
    });
}
