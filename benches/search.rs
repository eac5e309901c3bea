//! Name search on the kiosk (R2.1): one keystroke's query over rosters of 500, 2,500 and 10,000
//! pupils. Target: p99 <= 1 ms per query at every size. `cargo bench --bench search` runs every
//! size; under `cargo test` only the smallest, as a smoke run.

#[path = "growth/mod.rs"]
mod growth;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};

use kiosk_core::search::SearchIndex;
use kiosk_core::store::Student;

const FORENAMES: &[&str] = &[
    "Zoë", "Oliver", "Amelia", "José", "Chloé", "Muhammad", "Isla", "Noah", "Aoife", "Siân",
    "Freya", "Jack",
];
const SURNAMES: &[&str] = &[
    "O'Brien",
    "Smith-Jones",
    "Khan",
    "Brown",
    "Nowak",
    "Müller",
    "Patel",
    "Williams",
    "Ó Súilleabháin",
    "Taylor",
    "Evans",
    "Begum",
];

fn roster(pupils: usize) -> Vec<Student> {
    (0..pupils)
        .map(|i| Student {
            upi: format!("u{i}"),
            wonde_id: format!("W{i}"),
            mis_id: None,
            forename: FORENAMES[i % FORENAMES.len()].into(),
            preferred_forename: None,
            surname: format!("{}{}", SURNAMES[(i / FORENAMES.len()) % SURNAMES.len()], i / 144),
            year: Some(format!("{}", 7 + i % 7)),
            registration_group: Some(format!("{}{}", 7 + i % 7, ["A", "B", "C", "D"][i % 4])),
            admission_number: None,
            upn: None,
            archived: false,
        })
        .collect()
}

fn bench_search(c: &mut Criterion, pupils: usize) {
    let index = SearchIndex::build(&roster(pupils));
    let queries =
        ["zo", "zoe", "zoe o", "smith", "smith-jones am", "mu", "o'b", "begum is", "siân", "xy"];
    c.bench_with_input(BenchmarkId::new("search", pupils), &pupils, |b, _| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            index.search(queries[i % queries.len()])
        })
    });
    let mut samples: Vec<Duration> = (0..10_000)
        .map(|n| {
            let started = Instant::now();
            std::hint::black_box(index.search(queries[n % queries.len()]));
            started.elapsed()
        })
        .collect();
    samples.sort();
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    println!(
        "search over {pupils} pupils, 10000 queries: p50 {:.1} µs, p99 {:.1} µs (target p99 <= 1 ms)",
        pct(50).as_secs_f64() * 1e6,
        pct(99).as_secs_f64() * 1e6
    );
}

fn main() {
    growth::run(Criterion::default(), &[500, 2500, 10_000], bench_search);
}
