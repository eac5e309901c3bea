//! How long a sign-in takes to be durably recorded (R4.1): the kiosk confirms only after this,
//! at rosters of 500, 2,500 and 10,000 pupils. Target: p99 <= 5 ms at every size. Criterion
//! reports the mean and spread; the p50/p99 line below is measured over individual recordings
//! on the same real SQLite file (synchronous = FULL). `cargo bench --bench record` runs every
//! size; under `cargo test` only the smallest, as a smoke run.

#[path = "growth/mod.rs"]
mod growth;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{BenchmarkId, Criterion};

use kiosk_core::recording::{self, Person, Request};
use kiosk_core::rules::EventKind;
use kiosk_core::store::{Roster, Store, Student};

fn roster(pupils: usize) -> Roster {
    Roster {
        students: (0..pupils)
            .map(|i| Student {
                upi: format!("u{i}"),
                wonde_id: format!("W{i}"),
                mis_id: Some(format!("{}", 1000 + i)),
                forename: format!("Pupil{i}"),
                preferred_forename: None,
                surname: "Bench".into(),
                year: Some("9".into()),
                registration_group: Some("9B".into()),
                admission_number: None,
                upn: None,
                archived: false,
            })
            .collect(),
        ..Roster::default()
    }
}

fn bench_record(c: &mut Criterion, pupils: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_dir(dir.path()).expect("store");
    store.replace_roster(&roster(pupils), Utc::now()).expect("roster");
    let request = |i: usize| Request {
        kind: EventKind::LateSignIn,
        person: Person::MisId(format!("{}", 1000 + i % pupils)),
        reason: None,
        collected_by: None,
        at: None,
    };
    let mut i = 0;
    c.bench_with_input(BenchmarkId::new("record_sign_in_durably", pupils), &pupils, |b, _| {
        b.iter(|| {
            i += 1;
            recording::record(&store, &request(i), Utc::now()).expect("recorded")
        })
    });

    let mut samples: Vec<Duration> = (0..1000)
        .map(|n| {
            let started = Instant::now();
            recording::record(&store, &request(n), Utc::now()).expect("recorded");
            started.elapsed()
        })
        .collect();
    samples.sort();
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    println!(
        "record_sign_in_durably, {pupils} pupils, over 1000 recordings: p50 {:.3} ms, p99 {:.3} ms (target p99 <= 5 ms)",
        pct(50).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3
    );
}

fn main() {
    growth::run(Criterion::default(), &[500, 2500, 10_000], bench_record);
}
