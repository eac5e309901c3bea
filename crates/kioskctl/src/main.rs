//! `kioskctl`: the office IT's command line over the kiosk's data directory.
//!
//! A thin front end over the core library, like the app's commands. Exit codes: 0 done,
//! 1 the kiosk's data could not be used, 2 the request was refused (the message says why).

mod output;
mod pin_cmd;
mod sync_cmd;
mod wonde_cmds;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use kiosk_core::paths::{default_data_dir, DATA_DIR_ENV};
use kiosk_core::recording::{self, Person, ReasonText, RecordError, Request};
use kiosk_core::rules::EventKind;
use kiosk_core::settings::Settings;
use kiosk_core::store::{EventFilter, Status, Store, StoreError};
use kiosk_model::clock::{school_date, Clock, SystemClock};

#[derive(Parser)]
#[command(
    name = "kioskctl",
    version,
    about = "Reception Kiosk from the command line: status, events, the log, settings"
)]
struct Cli {
    /// The kiosk's data directory.
    #[arg(long, global = true, env = DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Roster counts, events by status, the school and the last import.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Records a late sign-in (e.g. from a paper sheet, with --at).
    SignIn {
        /// The student's MIS id.
        #[arg(long)]
        student: String,
        #[arg(long)]
        reason: Option<String>,
        /// When it happened (RFC 3339), earlier today; default now.
        #[arg(long, value_parser = parse_instant)]
        at: Option<DateTime<Utc>>,
    },
    /// Records an early sign-out.
    SignOut {
        #[arg(long)]
        student: String,
        #[arg(long)]
        reason: Option<String>,
        /// The adult collecting the child.
        #[arg(long)]
        by: Option<String>,
        #[arg(long, value_parser = parse_instant)]
        at: Option<DateTime<Utc>>,
    },
    /// The writeback log, newest first.
    Log {
        /// The school day (default today).
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, value_parser = parse_status)]
        status: Option<Status>,
        #[arg(long, value_enum, default_value_t = LogFormat::Table)]
        format: LogFormat,
    },
    /// Sends a Failed event of today back to the queue (R4.6), e.g. after fixing a mapping.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["event_id", "all_failed_today"])))]
    Retry {
        /// The event's id, as `kioskctl log` shows it.
        event_id: Option<i64>,
        /// Every Failed event of today instead of one.
        #[arg(long)]
        all_failed_today: bool,
    },
    /// Writes waiting events to the MIS now, until none is left or --max-wait passes (R4).
    Sync {
        /// Seconds to keep trying while offline or retrying.
        #[arg(long, default_value_t = 60)]
        max_wait: u64,
    },
    /// Shows or changes the school's settings.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
    /// Connects the kiosk to the school's Wonde (token on standard input or --token-file) and tests it.
    Connect(wonde_cmds::ConnectArgs),
    /// Imports the roster from Wonde (what changed since the last import; --full for everything).
    Import(wonde_cmds::ImportArgs),
    /// Staff records.
    Employees {
        #[command(subcommand)]
        action: wonde_cmds::EmployeesAction,
    },
    /// The staff area's PIN, which the school's IT sets (R6.6).
    Pin {
        #[command(subcommand)]
        action: pin_cmd::PinAction,
    },
}

#[derive(Subcommand)]
enum SettingsAction {
    /// Prints the settings as JSON.
    Show,
    /// Changes one setting, e.g. `default_group.am_late 09:05`.
    Set { key: String, value: String },
    /// Replaces the settings with a JSON file (as `export` writes); `-` reads standard input.
    Import { file: PathBuf },
    /// Writes the settings as JSON to standard output.
    Export,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Table,
    Csv,
    Json,
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{text}' is not a time like 2026-11-23T09:05:00Z"))
}

fn parse_status(text: &str) -> Result<Status, String> {
    text.parse()
}

/// A failure, and whether it was the request (2) or the kiosk's data (1).
enum Failure {
    Refused(String),
    Broken(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(m) => Failure::Refused(m),
            StoreError::Settings(e) => Failure::Refused(e.to_string()),
            other => Failure::Broken(other.to_string()),
        }
    }
}

impl From<RecordError> for Failure {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Invalid(m) => Failure::Refused(m),
            RecordError::Store(e) => e.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let _log_guard = kiosk_core::logging::init(&data_dir, "kioskctl", "warn");
    let result = Store::open_dir(&data_dir)
        .map_err(Failure::from)
        .and_then(|store| run(cli.command, Arc::new(store), &data_dir, &SystemClock));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(message)) => {
            eprintln!("kioskctl: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Broken(message)) => {
            eprintln!("kioskctl: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(
    command: Command,
    store: Arc<Store>,
    data_dir: &Path,
    clock: &dyn Clock,
) -> Result<(), Failure> {
    let now = clock.now();
    let store_ref = store.clone();
    let store = store_ref.as_ref();
    match command {
        Command::Status { format } => output::status(store, now, matches!(format, Format::Json)),
        Command::SignIn { student, reason, at } => {
            sign(store, now, EventKind::LateSignIn, student, reason, None, at)
        }
        Command::SignOut { student, reason, by, at } => {
            sign(store, now, EventKind::EarlySignOut, student, reason, by, at)
        }
        Command::Log { date, status, format } => {
            let tz = store.settings_or_default().time_zone;
            let filter = EventFilter {
                date: Some(date.unwrap_or_else(|| school_date(now, tz))),
                status,
                ..Default::default()
            };
            let events = store.events(&filter)?;
            match format {
                LogFormat::Table => output::log_table(&events, tz),
                LogFormat::Csv => print!("{}", kiosk_core::report::to_csv(&events, tz)),
                LogFormat::Json => output::json(&events),
            }
            Ok(())
        }
        Command::Retry { event_id, all_failed_today } => {
            let today = school_date(now, store.settings_or_default().time_zone);
            match event_id {
                Some(id) if !all_failed_today => {
                    let event = store.retry_event(id, today, now)?;
                    println!(
                        "Event {} is queued again; run `kioskctl sync` or let the kiosk write it.",
                        event.id
                    );
                }
                _ => {
                    let retried = store.retry_failed_today(today, now)?;
                    println!("{retried} of today's failed events are queued again; run `kioskctl sync` or let the kiosk write them.");
                }
            }
            Ok(())
        }
        Command::Sync { max_wait } => {
            sync_cmd::sync(store_ref.clone(), data_dir, Duration::from_secs(max_wait))
        }
        Command::Settings { action } => settings(store, action),
        Command::Connect(args) => {
            wonde_cmds::connect(store, args)?;
            pin_cmd::note_if_unset(store)
        }
        Command::Pin { action } => pin_cmd::run(store, action, now),
        Command::Import(args) => wonde_cmds::import(store, args),
        Command::Employees { action } => wonde_cmds::employees(store, action),
    }
}

fn sign(
    store: &Store,
    now: DateTime<Utc>,
    kind: EventKind,
    student: String,
    reason: Option<String>,
    collected_by: Option<String>,
    at: Option<DateTime<Utc>>,
) -> Result<(), Failure> {
    // Typed text is matched to a listed reason when it names one; otherwise the exact-match
    // setting decides whether it is accepted.
    let request = Request {
        kind,
        person: Person::MisId(student),
        reason: reason.map(ReasonText::Typed),
        collected_by,
        at,
    };
    let event = recording::record(store, &request, now)?;
    let tz = store.settings_or_default().time_zone;
    println!(
        "Recorded event {}: {} for {} at {}.",
        event.id,
        kind.label().to_lowercase(),
        event.person_name,
        event.occurred_at.with_timezone(&tz).format("%H:%M:%S")
    );
    Ok(())
}

fn settings(store: &Store, action: SettingsAction) -> Result<(), Failure> {
    match action {
        SettingsAction::Show | SettingsAction::Export => {
            let current = store.settings().map_err(|e| Failure::Broken(e.to_string()))?;
            println!("{}", current.to_json());
        }
        SettingsAction::Set { key, value } => {
            let changed = store
                .settings_or_default()
                .with(&key, &value)
                .map_err(|e| Failure::Refused(e.to_string()))?;
            store.save_settings(&changed)?;
            println!("Saved {key}.");
        }
        SettingsAction::Import { file } => {
            let mut text = String::new();
            let read = if file.as_os_str() == "-" {
                std::io::stdin().read_to_string(&mut text).map(|_| ())
            } else {
                std::fs::read_to_string(&file).map(|t| text = t)
            };
            read.map_err(|e| Failure::Refused(format!("cannot read {}: {e}", file.display())))?;
            let imported = Settings::from_json(&text).map_err(|e| {
                Failure::Refused(format!("{} was not imported: {e}", file.display()))
            })?;
            store.save_settings(&imported)?;
            println!("Imported the settings from {}.", file.display());
        }
    }
    Ok(())
}
