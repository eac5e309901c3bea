//! The import benchmark (issue 3): a 2,500-pupil / 6,000-contact / 300-staff school imported
//! from the simulator at 50 ms latency, with the production client's pacing. Target: at most
//! 10 s and 150 MB peak memory. Run with `cargo bench --bench import`.

use std::time::{Duration, Instant};

use kiosk_core::import::{run_import, ImportOptions};
use kiosk_core::store::Store;
use kiosk_model::clock::SystemClock;
use wonde_client::{Token, WondeClient, WondeConfig};
use wonde_sim::demo::{generate_sized, Size};
use wonde_sim::{SimConfig, Simulator};

/// Peak resident memory of this process (simulator included), from Linux's /proc.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let school = generate_sized(2500, Size { pupils: 2500, contacts: 6000, staff: 300 });
    let (pupils, contacts, staff) = (
        school.students.len() + school.leavers.len(),
        school.contacts.len(),
        school.employees.len(),
    );
    let mut config = SimConfig::new(school);
    config.latency = Duration::from_millis(50);
    let sim = Simulator::start(config).await.expect("the simulator starts");
    let client = WondeClient::new(WondeConfig {
        base_url: sim.base_url(),
        school_id: sim.school_id(),
        ..WondeConfig::new(sim.school_id(), Token::new(sim.token()))
    })
    .expect("a client");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open_dir(dir.path()).expect("a store");
    let started = Instant::now();
    let summary = run_import(
        &client,
        &store,
        &SystemClock,
        &ImportOptions { full: true, ..Default::default() },
        &|_| {},
    )
    .await
    .expect("the import succeeds");
    let took = started.elapsed();
    let requests = sim.request_count();
    sim.shutdown().await;
    let peak = peak_rss_mb();
    println!(
        "import benchmark: school of {pupils} pupils, {contacts} contacts, {staff} staff at 50 ms latency: \
         {} students, {} contacts, {} staff imported in {:.2} s over {requests} requests; peak memory {} \
         (targets: <= 10 s, <= 150 MB)",
        summary.counts.students,
        summary.counts.contacts,
        summary.counts.employees,
        took.as_secs_f64(),
        peak.map_or("unknown".into(), |mb| format!("{mb:.0} MB")),
    );
    let within = took <= Duration::from_secs(10) && peak.is_none_or(|mb| mb <= 150.0);
    println!("import benchmark: {}", if within { "within targets" } else { "OVER TARGET" });
}
