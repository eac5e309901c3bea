//! `wonde-sim`: the Wonde simulator as a program, for the demo, manual testing and scripts.
//! Its first line on stdout says where it listens, with the school id and token to use.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use wonde_sim::{demo, Fault, Readings, SchoolData, SimConfig, Simulator};

#[derive(Parser)]
#[command(
    name = "wonde-sim",
    version,
    about = "A Wonde API simulator on 127.0.0.1 with a generated school"
)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// `demo` for the generated demo school, or a JSON file in the simulator's school format.
    #[arg(long, default_value = "demo")]
    school: String,
    /// With `--school demo`: generate a school of this many pupils instead (e.g. 2500).
    #[arg(long)]
    pupils: Option<usize>,
    /// The MIS the school runs (SIMS, Arbor, Bromcom...). Arbor gets today's lessons.
    #[arg(long, default_value = "SIMS")]
    mis: String,
    /// The token to accept (default: a fixed demo token).
    #[arg(long)]
    token: Option<String>,
    /// Added to every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// How long a writeback takes to reach the MIS.
    #[arg(long, default_value_t = 500)]
    writeback_delay_ms: u64,
    /// Share of requests answered with HTTP 500 (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    error_share: f64,
    /// Answer the first N requests with 429 (Retry-After: 2).
    #[arg(long, default_value_t = 0)]
    rate_limit_burst: usize,
    /// Answer every request with 401, as if the school revoked access.
    #[arg(long)]
    revoked: bool,
    /// Send a body that is not JSON for the first N requests.
    #[arg(long, default_value_t = 0)]
    malformed: usize,
    /// Which reading of Wonde's unconfirmed behaviour to serve: plain, or other (bare-id
    /// relations, writebacks unknown at first, results keyed by student, attendance filters
    /// ignored).
    #[arg(long, env = "WONDE_SIM_READINGS", default_value = "plain")]
    readings: Readings,
    /// School days of register (every pupil's AM and PM marks) before today.
    #[arg(long, default_value_t = 5)]
    history_days: u32,
}

fn school(args: &Args) -> Result<SchoolData, String> {
    if args.school == "demo" {
        return Ok(match args.pupils {
            Some(n) => demo::generate(7, n),
            None => demo::demo_school(),
        });
    }
    let path = PathBuf::from(&args.school);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a simulator school: {e}", path.display()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut data = match school(&args) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("wonde-sim: {message}");
            return ExitCode::from(2);
        }
    };
    if args.mis.eq_ignore_ascii_case("arbor") {
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::London).date_naive();
        demo::add_lessons(&mut data, today);
    }
    let mut config = SimConfig::new(data);
    config.mis = args.mis.clone();
    config.port = args.port;
    config.latency = Duration::from_millis(args.latency_ms);
    config.writeback_delay = Duration::from_millis(args.writeback_delay_ms);
    config.readings = args.readings;
    config.history_days = args.history_days;
    if let Some(token) = &args.token {
        config.token = token.clone();
    }
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("wonde-sim: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::from(1);
        }
    };
    let faults = sim.faults();
    faults.set_error_share(args.error_share);
    faults.set_token_revoked(args.revoked);
    faults.rate_limit_burst(args.rate_limit_burst, 2);
    faults.inject(Fault::Malformed, args.malformed);
    println!("{}", sim.banner());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}
