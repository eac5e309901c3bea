//! `kioskctl pin`: the school's IT sets the staff PIN, or removes a forgotten one (R6.6). The
//! window cannot choose the first PIN once a school is connected, so this is where it comes from.

use std::io::Read;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::Failure;
use kiosk_core::staff::{StaffError, StaffGate};
use kiosk_core::store::Store;

#[derive(Subcommand)]
pub enum PinAction {
    /// Sets the staff PIN (6 to 8 digits) read from standard input, replacing any other; the
    /// pause after wrong tries is lifted and open staff sessions end.
    Set,
    /// Removes the staff PIN (a forgotten one): the staff area stays shut until `pin set`.
    Reset,
}

pub fn run(store: &Store, action: PinAction, now: DateTime<Utc>) -> Result<(), Failure> {
    match action {
        PinAction::Set => {
            let mut text = String::new();
            std::io::stdin()
                .take(64)
                .read_to_string(&mut text)
                .map_err(|e| Failure::Refused(format!("the PIN could not be read: {e}")))?;
            StaffGate::set_pin_as_it(store, text.trim(), now).map_err(staff_failure)?;
            println!("The staff PIN is set. Tell the office staff; open sessions have ended.");
        }
        PinAction::Reset => {
            StaffGate::reset_pin(store, now).map_err(staff_failure)?;
            println!("The staff PIN is removed: set a new one with `kioskctl pin set`.");
        }
    }
    Ok(())
}

/// A note for IT after `kioskctl connect`: with a school connected, only they can set the PIN.
pub fn note_if_unset(store: &Store) -> Result<(), Failure> {
    if !kiosk_core::staff::pin_is_set(store)? {
        println!("No staff PIN is set yet: set one with `kioskctl pin set` before the kiosk goes to reception.");
    }
    Ok(())
}

fn staff_failure(e: StaffError) -> Failure {
    match e {
        StaffError::Store(e) => e.into(),
        other => Failure::Refused(other.to_string()),
    }
}
