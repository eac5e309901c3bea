//! Shared by the benchmarks that measure growth (issue 7): every size under `cargo bench`, only
//! the smallest under `cargo test`, where a bench binary is a smoke run that must stay quick.

use criterion::Criterion;

/// The sizes to measure at: all of them when benchmarking, else the first.
pub fn sizes(all: &[usize]) -> &[usize] {
    if std::env::args().any(|a| a == "--bench") {
        all
    } else {
        &all[..1]
    }
}

/// Runs `bench` once per size with one Criterion, then prints Criterion's summary.
#[allow(dead_code)] // the sync benchmark has its own runtime and only needs `sizes`
pub fn run(config: Criterion, all: &[usize], mut bench: impl FnMut(&mut Criterion, usize)) {
    let mut c = config.configure_from_args();
    for &n in sizes(all) {
        bench(&mut c, n);
    }
    c.final_summary();
}
