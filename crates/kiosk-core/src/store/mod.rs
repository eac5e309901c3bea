//! The local store (SQLite): roster, settings, the events queue and writeback attempts.
//!
//! Everything the kiosk records is committed here before the UI confirms (R4.1). SQL lives in
//! this module only; schema changes are numbered migrations in `migrations/`, applied in order
//! and tracked by SQLite's `user_version`.

mod attempts;
mod cards;
mod clock_held;
mod collectors;
mod events;
mod photos;
mod retention;
mod roster;
mod roster_merge;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

use crate::settings::{Settings, SettingsError};

pub use attempts::{Attempt, WritebackActivity};
pub use collectors::ChildContact;
pub use events::{Event, EventFilter, EventUpdate, NewEvent, Outcome};
pub use kiosk_model::roster::{
    AttendanceCode, Contact, Employee, Group, GroupKind, SchoolRecord, Student, StudentContact,
    StudentPhoto,
};
pub use kiosk_model::Status;
pub use roster::{Counts, ImportRun, Roster};
pub use roster_merge::{CsvOutcome, RosterDelta};

/// Keys of the school's settings, and of the copy kept at every save.
const SETTINGS: &str = "settings";
const LAST_GOOD_SETTINGS: &str = "settings_last_good";

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "kiosk.sqlite3";

/// The schema, one entry per version. Never edit a released entry: add the next one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_typed_outcomes.sql"),
    include_str!("migrations/0003_collectors.sql"),
    include_str!("migrations/0004_clock_off.sql"),
    include_str!("migrations/0005_cards.sql"),
    include_str!("migrations/0006_photos.sql"),
];

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the kiosk's database could not be used: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the kiosk's database at {path} could not be opened: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("the kiosk's database is from a newer version of the app (schema {found}, this app knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("the stored settings are damaged ({0})")]
    CorruptSettings(SettingsError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Refused(String),
    /// The disk is full or the data directory cannot be written: nothing was saved.
    #[error("the kiosk's storage is full or cannot be written, so nothing was saved: {0}")]
    CannotWrite(rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A column holding one of the model's words (a kind, a status, an outcome) in its text form.
pub(crate) fn text_column<T: std::str::FromStr>(
    row: &rusqlite::Row,
    index: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    text.parse()
        .map_err(|_| rusqlite::Error::InvalidColumnType(index, text, rusqlite::types::Type::Text))
}

/// The store. Cheap to share behind an `Arc`; one connection, used one caller at a time.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// The last write of an event failed for lack of space or permission (see
    /// [`Store::cannot_write`]).
    write_failed: AtomicBool,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, applying any pending migrations.
    pub fn open_dir(data_dir: &Path) -> Result<Self> {
        crate::paths::create_private_dir(data_dir).map_err(|e| StoreError::Open {
            path: data_dir.to_path_buf(),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
        })?;
        Self::open(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open { path: path.to_path_buf(), source };
        let mut conn = Connection::open(path).map_err(open_err)?;
        // Pupils' names are in it: the kiosk's user only; SQLite gives its -wal and -shm files
        // the same mode (R6.4). A read-only database that cannot be changed is left as it is.
        if let Err(e) = crate::paths::make_private_file(path) {
            tracing::warn!(error = %e, "the database file's permissions could not be set");
        }
        // WAL keeps readers off the writer's back; FULL syncs every commit to disk, so a
        // recorded event survives a power cut (R4.1, R4.8). `secure_delete` overwrites what is
        // deleted, so a purged name does not stay in the file's free pages (R6.2).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;",
        )
        .map_err(open_err)?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            write_failed: AtomicBool::new(false),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so
        // the connection is still safe to use.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn().query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The school's settings; the defaults when none were saved. Damaged stored settings are an
    /// error the caller can show, never a panic.
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.stored_settings()?.0)
    }

    /// The settings, with the stored settings this version does not know (left out; the
    /// configuration check names them).
    pub fn stored_settings(&self) -> Result<(Settings, Vec<String>)> {
        match self.value(SETTINGS)? {
            None => Ok((Settings::default(), Vec::new())),
            Some(text) => Settings::from_stored(&text).map_err(StoreError::CorruptSettings),
        }
    }

    /// The settings, falling back to the last copy that was saved whole when the stored ones are
    /// damaged (then to the defaults): the kiosk keeps offering the school's reasons while
    /// writeback waits for staff to save valid settings and the configuration check says why.
    pub fn settings_or_default(&self) -> Settings {
        self.settings().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the stored settings are damaged: using the last good copy");
            self.last_good_settings().unwrap_or_default()
        })
    }

    /// The copy of the settings kept at every save, for when the stored ones are damaged.
    pub fn last_good_settings(&self) -> Option<Settings> {
        let text = self.value(LAST_GOOD_SETTINGS).ok()??;
        Settings::from_stored(&text).ok().map(|(settings, _)| settings)
    }

    /// Validates and saves the settings, and keeps them as the last good copy; invalid settings
    /// change nothing.
    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        settings.validate()?;
        let json = settings.to_json();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for key in [SETTINGS, LAST_GOOD_SETTINGS] {
            put_value(&tx, key, &json)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A stored value by key (connection details, the PIN hash, ...).
    pub fn value(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_value(&self, key: &str, value: &str) -> Result<()> {
        put_value(&self.conn(), key, value)
    }

    /// Notes how a write of events went: a failure for lack of space or permission becomes
    /// [`StoreError::CannotWrite`] and is remembered until a write succeeds.
    fn written<T>(&self, result: Result<T>) -> Result<T> {
        match result {
            Ok(value) => {
                self.write_failed.store(false, Ordering::SeqCst);
                Ok(value)
            }
            Err(StoreError::Sqlite(e)) if is_storage_failure(&e) => {
                self.write_failed.store(true, Ordering::SeqCst);
                Err(StoreError::CannotWrite(e))
            }
            Err(e) => Err(e),
        }
    }

    /// Whether the kiosk cannot save events just now (disk full, data directory read-only), for
    /// the home screen to say so (R4.1). After a failed write this tries a small real write each
    /// time it is asked, so the warning goes as soon as space returns, not only at the next
    /// sign-in.
    pub fn cannot_write(&self) -> bool {
        if !self.write_failed.load(Ordering::SeqCst) {
            return false;
        }
        let probe = self.conn().execute(
            "INSERT INTO settings (key, value) VALUES ('storage_checked_at', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [chrono::Utc::now().to_rfc3339()],
        );
        self.written(probe.map_err(StoreError::from)).is_err()
    }

    pub fn delete_value(&self, key: &str) -> Result<()> {
        self.conn().execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }
}

/// SQLite's answers when the disk is full or the file or directory cannot be written.
fn is_storage_failure(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(e.sqlite_error_code(), Some(DiskFull | ReadOnly | SystemIoFailure | CannotOpen))
}

fn put_value(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = version + 1, "database migrated");
    }
    Ok(())
}
