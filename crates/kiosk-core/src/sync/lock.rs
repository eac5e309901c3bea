//! One sync engine per database (security-reliability review M8): two engines over one queue
//! would both send the same pending marks. The engine holds an advisory lock on a file beside
//! the database for as long as it runs; the operating system lets it go when the process ends,
//! however it ends, so a crash never leaves the kiosk locked out.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Why the engine could not take the database for itself.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another sync engine is already writing back from this kiosk's data (the kiosk app, or another kioskctl sync); only one may run at a time")]
    Held,
    #[error("the sync engine's lock file {path} could not be opened: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Held while an engine runs; dropping it lets another engine start.
#[derive(Debug)]
pub struct EngineLock {
    _file: File,
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".sync-lock");
    db.with_file_name(name)
}

impl EngineLock {
    /// Takes the lock of the database at `db`, or says it is held, without waiting.
    pub fn try_acquire(db: &Path) -> Result<Self, LockError> {
        let path = lock_path(db);
        let io = |source| LockError::Io { path: path.clone(), source };
        let file =
            OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_engine_on_one_database_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.sqlite3");
        let first = EngineLock::try_acquire(&db).unwrap();
        assert!(matches!(EngineLock::try_acquire(&db), Err(LockError::Held)));
        let other = dir.path().join("other.sqlite3");
        let _elsewhere = EngineLock::try_acquire(&other).expect("another database is its own");
        drop(first);
        EngineLock::try_acquire(&db).expect("free once the first engine stops");
    }
}
