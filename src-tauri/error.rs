//! What a window command can fail with: a stable code the UI decides by, and a sentence a
//! receptionist understands, which the UI shows (`ui/contract.js` lists the codes). The detail of
//! a fault goes to the log here, where it is converted, never to the window.

use serde::Serialize;

use kiosk_core::cards::CardError;
use kiosk_core::connection::ConnectionError;
use kiosk_core::exports::ExportsError;
use kiosk_core::import::ImportError;
use kiosk_core::printing::PrintError;
use kiosk_core::recording::RecordError;
use kiosk_core::report::ExportError;
use kiosk_core::staff::StaffError;
use kiosk_core::store::StoreError;
use wonde_client::WondeError;

/// Why a command did not do what was asked. One code per way the window reacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// The input was refused; the sentence says why and what to do.
    Invalid,
    /// The disk is full or cannot be written: what the person did is not recorded.
    NotSaved,
    /// The kiosk's data could not be read or saved.
    Store,
    /// The staff session is over: back to the PIN pad.
    SessionExpired,
    /// A wrong staff PIN; the sentence says how many tries are left.
    PinWrong,
    /// Too many wrong tries: the pad waits (`staff_pin_status` says how long).
    PinPaused,
    /// No staff PIN is set yet.
    PinNotSet,
    /// The school's names are still loading (a fresh kiosk's first import).
    RosterLoading,
    /// Wonde could not be reached or refused the connection; the sentence says which.
    Connection,
    /// A full import would archive many pupils or contacts at once: it ran only if confirmed.
    ImportNeedsConfirm,
    /// Nothing was printed: no printer is set in Settings.
    PrinterNotSet,
    /// Nothing was printed: CUPS is missing or the printer refused; the sentence says which.
    PrintFailed,
    /// A scanned card names no current pupil (unknown, replaced, unreadable, or cards off):
    /// the kiosk offers the name search.
    CardUnknown,
}

/// A command's failure, sent to the window as `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: Code,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

/// The most of a sentence the window shows. A refusal from deeper down (a settings parser's
/// message) may quote whatever the window sent, however long or unprintable; this is the last
/// guard, so the screen gets a short printable sentence.
const MAX_SENTENCE: usize = 300;

impl Error {
    pub fn new(code: Code, sentence: impl AsRef<str>) -> Self {
        let sentence = sentence.as_ref();
        let printable = sentence.chars().map(|c| if c.is_control() { ' ' } else { c });
        let message = if sentence.chars().count() <= MAX_SENTENCE {
            printable.collect()
        } else {
            printable.take(MAX_SENTENCE - 1).chain(['…']).collect()
        };
        Self { code, message }
    }

    pub fn invalid(sentence: impl AsRef<str>) -> Self {
        Self::new(Code::Invalid, sentence)
    }

    /// A background task the command waited for is gone (the app is stopping).
    pub fn interrupted() -> Self {
        Self::new(Code::Store, "The kiosk is stopping. Please try again in a moment.")
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::CannotWrite(_) => {
                tracing::error!(error = %e, "command not saved");
                Error::new(
                    Code::NotSaved,
                    "This was not saved: the kiosk cannot store anything just now. Please tell the school office.",
                )
            }
            // The store's own refusals are sentences for the person (e.g. retrying an event
            // that has not failed), not a fault of the data.
            StoreError::Refused(sentence) => Error::invalid(sentence),
            other => {
                tracing::error!(error = %other, "command failed");
                Error::new(
                    Code::Store,
                    "The kiosk could not read or save its data. Please tell the school office.",
                )
            }
        }
    }
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Invalid(sentence) => Error::invalid(sentence),
            RecordError::Store(e) => e.into(),
        }
    }
}

impl From<StaffError> for Error {
    fn from(e: StaffError) -> Self {
        let code = match &e {
            StaffError::Store(_) => Code::Store,
            StaffError::Refused(_) => Code::Invalid,
            StaffError::WrongPin { .. } => Code::PinWrong,
            StaffError::Paused { .. } => Code::PinPaused,
            StaffError::NoPin | StaffError::FirstPinFromIt => Code::PinNotSet,
            StaffError::SessionExpired => Code::SessionExpired,
        };
        match e {
            StaffError::Store(e) => e.into(),
            other => Error::new(code, other.to_string()),
        }
    }
}

impl From<ExportError> for Error {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(e) => e.into(),
            ExportError::Files(e) => e.into(),
            ExportError::BadRange => Error::invalid(e.to_string()),
        }
    }
}

impl From<ExportsError> for Error {
    fn from(e: ExportsError) -> Self {
        match &e {
            ExportsError::NotSaved { dir, source } | ExportsError::NotListed { dir, source } => {
                tracing::error!(error = %source, dir = %dir.display(), "the exports folder failed");
            }
            ExportsError::NotDeleted { source, .. } => {
                tracing::error!(error = %source, "an export could not be deleted");
            }
            ExportsError::NoSuchExport { .. } => {}
        }
        Error::invalid(e.to_string())
    }
}

impl From<PrintError> for Error {
    fn from(e: PrintError) -> Self {
        match &e {
            PrintError::NoPrinter => return Error::new(Code::PrinterNotSet, e.to_string()),
            PrintError::LpMissing(source) => {
                tracing::warn!(error = %source, "lp could not be run: nothing printed");
            }
            // lp's words are about the queue, never the list's names (R6.4).
            PrintError::Refused { printer, status, reason } => {
                tracing::warn!(printer, ?status, reason, "the printer refused the job");
            }
        }
        Error::new(Code::PrintFailed, e.to_string())
    }
}

impl From<CardError> for Error {
    fn from(e: CardError) -> Self {
        match e {
            CardError::Store(e) => e.into(),
            CardError::EmptyGroup(_) | CardError::NoSuchPupil => Error::invalid(e.to_string()),
            CardError::Off | CardError::Unreadable | CardError::Unknown | CardError::Replaced => {
                Error::new(Code::CardUnknown, e.to_string())
            }
        }
    }
}

impl From<ConnectionError> for Error {
    fn from(e: ConnectionError) -> Self {
        match e {
            ConnectionError::Store(e) => e.into(),
            other => Error::new(Code::Connection, other.to_string()),
        }
    }
}

impl From<WondeError> for Error {
    fn from(e: WondeError) -> Self {
        Error::new(Code::Connection, e.to_string())
    }
}

impl From<ImportError> for Error {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(e) => e.into(),
            e @ ImportError::LargeArchive { .. } => {
                Error::new(Code::ImportNeedsConfirm, e.to_string())
            }
            other => Error::new(Code::Connection, other.plain_words()),
        }
    }
}
