//! The kiosk's vocabulary and its time: the types every other crate speaks (event kinds,
//! sessions, statuses, roster records) and the school's clock. No I/O.

pub mod clock;
mod event;
pub mod roster;
pub mod text;
pub mod year;

pub use event::{AttemptOutcome, EventKind, ImportOutcome, Session, Status};
