//! `kioskctl connect`, `kioskctl import` and `kioskctl employees import`: connecting the kiosk
//! to the school's Wonde and bringing the roster in (R1, R5.3, R6.1).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use kiosk_core::connection::{self, Connection, ConnectionError};
use kiosk_core::import::employees_csv::{import_employees_csv, CsvError};
use kiosk_core::import::{run_import, ImportError, ImportOptions, Progress, Stage};
use kiosk_core::store::Store;
use kiosk_model::clock::SystemClock;
use wonde_client::{base_url_from_env, Token, WondeClient, WondeError};

use crate::Failure;

#[derive(Args)]
pub struct ConnectArgs {
    /// The school's Wonde id (like A1930499544).
    #[arg(long)]
    school_id: String,
    /// A file holding the token; without it the token is read from standard input.
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Another Wonde address (default: WONDE_API_URL, else Wonde's own).
    #[arg(long)]
    url: Option<String>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Download everything, not only what changed since the last import.
    #[arg(long)]
    full: bool,
    /// Confirms a full import that archives more than a fifth of the pupils or contacts at once.
    #[arg(long, requires = "full")]
    accept_leavers: bool,
}

#[derive(Subcommand)]
pub enum EmployeesAction {
    /// Adds or updates staff from a CSV file (columns: forename, surname, mis_id, title, email, role).
    Import { file: PathBuf },
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Broken(format!("cannot start: {e}")))
}

fn data_dir(store: &Store) -> &Path {
    store.path().parent().unwrap_or_else(|| Path::new("."))
}

fn wonde_failure(e: WondeError) -> Failure {
    if e.is_transient() {
        Failure::Broken(e.to_string())
    } else {
        Failure::Refused(e.to_string())
    }
}

impl From<ConnectionError> for Failure {
    fn from(e: ConnectionError) -> Self {
        match e {
            ConnectionError::Invalid(m) => Failure::Refused(m),
            other => Failure::Broken(other.to_string()),
        }
    }
}

pub fn connect(store: &Store, args: ConnectArgs) -> Result<(), Failure> {
    let mut token = String::new();
    let read = match &args.token_file {
        Some(file) => std::fs::read_to_string(file).map(|t| token = t),
        None => std::io::stdin().read_to_string(&mut token).map(|_| ()),
    };
    let source =
        args.token_file.as_ref().map_or("standard input".to_string(), |f| f.display().to_string());
    read.map_err(|e| Failure::Refused(format!("cannot read the token from {source}: {e}")))?;
    let token = Token::new(token);
    if token.expose().is_empty() {
        return Err(Failure::Refused(format!("no token was given on {source}")));
    }
    let connection = Connection {
        school_id: args.school_id.trim().to_string(),
        base_url: args.url.unwrap_or_else(base_url_from_env),
    };
    connection::save(store, data_dir(store), &connection, &token)?;
    println!(
        "Saved the Wonde connection for school {} (token {}).",
        connection.school_id,
        token.masked()
    );
    // Another school's names (or the demo's) never stay beside this one's.
    let before = store.school()?.map(|s| s.wonde_id);
    if before.is_some_and(|id| id != connection.school_id) {
        store.forget_school()?;
        println!("The names of the school it served before are removed: run `kioskctl import --full` (or start the kiosk) to bring in this school's.");
    }
    let config = connection::config(store, data_dir(store))?
        .ok_or_else(|| Failure::Broken("the connection was not saved".into()))?;
    let client = WondeClient::new(config).map_err(wonde_failure)?;
    let school = runtime()?.block_on(client.school()).map_err(|e| {
        wonde_failure(e)
            .map_message(|m| format!("the connection was saved, but testing it failed: {m}"))
    })?;
    println!(
        "Connected to {} (MIS: {}).",
        school.name,
        if school.mis.is_empty() { "not given" } else { &school.mis }
    );
    if !school.allows_writeback {
        println!("Note: Wonde does not allow attendance writeback for this school yet; marks will wait until it does.");
    }
    Ok(())
}

pub fn import(store: &Store, args: ImportArgs) -> Result<(), Failure> {
    let config = connection::config(store, data_dir(store))?
        .ok_or_else(|| Failure::Refused(ImportError::NotConnected.to_string()))?;
    let client = WondeClient::new(config).map_err(wonde_failure)?;
    let options = ImportOptions {
        full: args.full,
        accept_large_archive: args.accept_leavers,
        ..Default::default()
    };
    let last_stage = std::sync::Mutex::new(None::<Stage>);
    let show = |p: Progress| {
        let mut last = last_stage.lock().unwrap_or_else(|e| e.into_inner());
        if p.stage == Stage::Done {
            return;
        }
        if *last != Some(p.stage) || p.done > 0 {
            eprintln!("  {}: {}", p.stage, p.done);
        }
        *last = Some(p.stage);
    };
    let result = runtime()?.block_on(run_import(&client, store, &SystemClock, &options, &show));
    match result {
        Ok(summary) => {
            let c = &summary.counts;
            println!(
                "{} import done: {} students, {} contacts, {} staff, {} attendance codes ({} leavers and {} staff who left were not imported).",
                if summary.full { "Full" } else { "Incremental" },
                c.students, c.contacts, c.employees, c.codes, summary.leavers_skipped, summary.staff_leavers_skipped
            );
            Ok(())
        }
        Err(ImportError::Wonde(e)) if !e.is_transient() => {
            Err(Failure::Refused(ImportError::Wonde(e).plain_words()))
        }
        Err(e @ ImportError::LargeArchive { .. }) => Err(Failure::Refused(format!(
            "{} To confirm: kioskctl import --full --accept-leavers",
            e.plain_words()
        ))),
        Err(e @ ImportError::NoCodes) => Err(Failure::Refused(e.plain_words())),
        Err(e) => Err(Failure::Broken(e.plain_words())),
    }
}

pub fn employees(store: &Store, action: EmployeesAction) -> Result<(), Failure> {
    let EmployeesAction::Import { file } = action;
    let input = std::fs::File::open(&file)
        .map_err(|e| Failure::Refused(format!("cannot read {}: {e}", file.display())))?;
    let report = import_employees_csv(store, input, chrono::Utc::now()).map_err(|e| match e {
        CsvError::Store(e) => Failure::from(e),
        CsvError::BadRows(rows) => {
            for row in &rows {
                println!("  line {}: {}", row.line, row.reason);
            }
            Failure::Refused(format!(
                "{} was not imported: {}",
                file.display(),
                CsvError::BadRows(rows)
            ))
        }
        other => Failure::Refused(format!("{} was not imported: {other}", file.display())),
    })?;
    println!("Staff from {}: {} added, {} updated.", file.display(), report.added, report.updated);
    for row in &report.held_by_mis {
        println!("  line {}: kept the MIS record: {}", row.line, row.reason);
    }
    Ok(())
}

impl Failure {
    fn map_message(self, f: impl FnOnce(String) -> String) -> Failure {
        match self {
            Failure::Refused(m) => Failure::Refused(f(m)),
            Failure::Broken(m) => Failure::Broken(f(m)),
        }
    }
}
