//! Opening the writeback log of a busy day (R5.2): a day of 100, 1,000 and 10,000 events read
//! and turned into the rows the staff area shows. Target: <= 100 ms at 5,000 events, a busy
//! school's worst day. `cargo bench --bench log` runs every size; under `cargo test` only the
//! smallest, as a smoke run.

#[path = "growth/mod.rs"]
mod growth;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Europe::London;
use criterion::{BenchmarkId, Criterion};

use kiosk_core::report::LogRow;
use kiosk_core::rules::EventKind;
use kiosk_core::store::{EventFilter, NewEvent, Store};
use kiosk_model::clock::local_to_utc;

fn bench_log(c: &mut Criterion, events: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_dir(dir.path()).expect("store");
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let start = local_to_utc(London, day, NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    // Spread over the school day, however many there are.
    let step = (8 * 3600 / events as i64).max(1);
    for i in 0..events as i64 {
        let at = start + chrono::Duration::seconds(i * step);
        let event = NewEvent {
            kind: if i % 3 == 0 { EventKind::EarlySignOut } else { EventKind::LateSignIn },
            student_upi: Some(format!("u{i}")),
            person_name: format!("Pupil {i} O'Brien-Smith"),
            year: Some("9".into()),
            registration_group: Some("9B".into()),
            occurred_at: at,
            school_date: day,
            reason: Some("Traffic".into()),
            reason_typed: false,
            collected_by: None,
            collector_contact: None,
        };
        store.record_event(&event, at).expect("recorded");
    }
    let open_day = || {
        let events = store.events(&EventFilter { date: Some(day), ..Default::default() }).unwrap();
        events.iter().map(|e| LogRow::new(e, London)).collect::<Vec<_>>()
    };
    assert_eq!(open_day().len(), events);
    c.bench_with_input(BenchmarkId::new("log_day", events), &events, |b, _| b.iter(open_day));
    let mut samples: Vec<Duration> = (0..50)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(open_day());
            started.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "log of a {events}-event day: p50 {:.1} ms, max {:.1} ms over 50 openings (target <= 100 ms at 5,000)",
        samples[25].as_secs_f64() * 1e3,
        samples[49].as_secs_f64() * 1e3
    );
}

fn main() {
    growth::run(Criterion::default().sample_size(20), &[100, 1000, 10_000], bench_log);
}
