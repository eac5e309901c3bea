//! The staff area's gate (R5.1, R6.6): a PIN stored hashed (argon2), a short pause after
//! repeated wrong tries that survives a restart, and short-lived sessions for the staff commands.
//!
//! No one at the kiosk can claim the staff area: the first PIN comes from the school's IT
//! (`kioskctl pin set`), or from the window only while no school is connected (the demo). A
//! pupil's wrong tries pause the pad for minutes, never for the day, and the next staff visit
//! hears how many there were.

pub mod check;
pub mod collectors;
pub mod held_time;
pub mod on_site;
pub mod people;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};

use crate::store::{Store, StoreError};

const PIN_HASH_KEY: &str = "staff_pin_hash";
const FAILURES_KEY: &str = "staff_pin_failures";
const LOCKED_UNTIL_KEY: &str = "staff_pin_locked_until";
/// Wrong tries since staff last opened the area, told them when they next do.
const WRONG_SINCE_VISIT_KEY: &str = "staff_pin_wrong_since_visit";
/// When the PIN was last set: a session opened before then is over.
const PIN_SET_AT_KEY: &str = "staff_pin_set_at";
/// Wrong tries before the pad pauses.
pub const MAX_TRIES: u32 = 5;
/// The longest pause, however many wrong tries: staff can always get in within minutes.
pub const LONGEST_PAUSE_MINUTES: i64 = 5;
/// How long a session lasts at most, however busy staff keep it.
pub const SESSION_CAP: chrono::Duration = chrono::Duration::minutes(60);

/// Why the staff area did not open or act.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{0}")]
    Refused(String),
    #[error("Wrong PIN. {left} {} left.", if *.left == 1 { "try" } else { "tries" })]
    WrongPin { left: u32 },
    #[error("Too many wrong tries. Try again in {seconds} seconds.")]
    Paused { seconds: i64 },
    #[error("No staff PIN is set yet: choose one first.")]
    NoPin,
    /// A school is connected and no PIN is set: the window may not choose it (R6.6).
    #[error("No staff PIN is set. The school's IT sets the first one on this kiosk with `kioskctl pin set`.")]
    FirstPinFromIt,
    #[error("Please enter the staff PIN again.")]
    SessionExpired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The PIN pad's state, for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus {
    pub pin_set: bool,
    pub locked_for_seconds: i64,
}

/// A staff area opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlocked {
    pub session: String,
    /// Wrong PIN tries at the kiosk since staff last opened the area.
    pub wrong_tries_since_last_visit: u32,
}

/// An open session: idle until, open at most until, and when the PIN it was opened with was set.
struct Session {
    idle_until: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    pin_set_at: Option<String>,
}

/// The PIN and the open sessions. Sessions live in memory: a restart asks for the PIN again.
pub struct StaffGate {
    sessions: Mutex<HashMap<String, Session>>,
    session_length: chrono::Duration,
}

impl StaffGate {
    pub fn new(session_length: Duration) -> Self {
        Self {
            sessions: Mutex::new(HashMap::new()),
            session_length: chrono::Duration::from_std(session_length)
                .unwrap_or(chrono::Duration::minutes(10)),
        }
    }

    pub fn status(&self, store: &Store, now: DateTime<Utc>) -> Result<PinStatus, StaffError> {
        Ok(PinStatus { pin_set: pin_is_set(store)?, locked_for_seconds: locked_for(store, now)? })
    }

    /// Sets the PIN from the window: the first time without `current`, and only when
    /// `may_choose_first` (no school connected); afterwards only with the right current one.
    /// Every open session ends.
    pub fn set_pin(
        &self,
        store: &Store,
        pin: &str,
        current: Option<&str>,
        may_choose_first: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StaffError> {
        check_new_pin(pin)?;
        if store.value(PIN_HASH_KEY)?.is_some() {
            let current = current
                .ok_or_else(|| StaffError::Refused("Enter the current PIN to change it.".into()))?;
            self.check_pin(store, current, now)?;
        } else if !may_choose_first {
            return Err(StaffError::FirstPinFromIt);
        }
        save_pin(store, pin, now)?;
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).clear();
        Ok(())
    }

    /// Sets the PIN as the school's IT (`kioskctl pin set`): no current PIN needed, the pause
    /// and the wrong tries cleared. Sessions of a running app end at their next use.
    pub fn set_pin_as_it(store: &Store, pin: &str, now: DateTime<Utc>) -> Result<(), StaffError> {
        check_new_pin(pin)?;
        save_pin(store, pin, now)?;
        clear_tries(store)
    }

    /// Removes the PIN (`kioskctl pin reset`, for a forgotten one): the area stays shut until
    /// IT sets a new one.
    pub fn reset_pin(store: &Store, now: DateTime<Utc>) -> Result<(), StaffError> {
        store.delete_value(PIN_HASH_KEY)?;
        store.set_value(PIN_SET_AT_KEY, &now.to_rfc3339())?;
        tracing::info!("staff PIN removed");
        clear_tries(store)
    }

    /// Opens a session with the right PIN; counts wrong tries and pauses the pad after
    /// [`MAX_TRIES`] for a minute, doubling with each further pause up to
    /// [`LONGEST_PAUSE_MINUTES`]. Says how many wrong tries there were since the last visit.
    pub fn unlock(
        &self,
        store: &Store,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Unlocked, StaffError> {
        self.check_pin(store, pin, now)?;
        let wrong: u32 =
            store.value(WRONG_SINCE_VISIT_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0);
        store.set_value(WRONG_SINCE_VISIT_KEY, "0")?;
        let token = format!("{:032x}", rand::random::<u128>());
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, s| s.idle_until > now && s.ends_at > now);
        sessions.insert(
            token.clone(),
            Session {
                idle_until: now + self.session_length,
                ends_at: now + SESSION_CAP,
                pin_set_at: store.value(PIN_SET_AT_KEY)?,
            },
        );
        tracing::info!(wrong_tries_since_last_visit = wrong, "staff area unlocked");
        Ok(Unlocked { session: token, wrong_tries_since_last_visit: wrong })
    }

    fn check_pin(&self, store: &Store, pin: &str, now: DateTime<Utc>) -> Result<(), StaffError> {
        let wait = locked_for(store, now)?;
        if wait > 0 {
            return Err(StaffError::Paused { seconds: wait });
        }
        let Some(stored) = store.value(PIN_HASH_KEY)? else {
            return Err(StaffError::NoPin);
        };
        // Text that cannot be a PIN is not a guess at one: refused without using up a try (and
        // without hashing whatever the window sent).
        check_shape(pin)?;
        let right = PasswordHash::new(&stored)
            .map(|hash| Argon2::default().verify_password(pin.as_bytes(), &hash).is_ok())
            .unwrap_or(false);
        let failures: u32 = store.value(FAILURES_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0);
        if right {
            store.set_value(FAILURES_KEY, "0")?;
            return Ok(());
        }
        let failures = failures + 1;
        store.set_value(FAILURES_KEY, &failures.to_string())?;
        let since_visit: u32 =
            store.value(WRONG_SINCE_VISIT_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0);
        store.set_value(WRONG_SINCE_VISIT_KEY, &since_visit.saturating_add(1).to_string())?;
        tracing::warn!(failures, "wrong staff PIN");
        if failures >= MAX_TRIES {
            // A minute after the fifth wrong try, then twice as long after each further one, but
            // never so long that one wrong try an hour keeps staff out (R6.6).
            let minutes = (1i64 << (failures - MAX_TRIES).min(6)).min(LONGEST_PAUSE_MINUTES);
            store.set_value(
                LOCKED_UNTIL_KEY,
                &(now + chrono::Duration::minutes(minutes)).to_rfc3339(),
            )?;
            return Err(StaffError::Paused { seconds: minutes * 60 });
        }
        Err(StaffError::WrongPin { left: MAX_TRIES - failures })
    }

    /// Checks a session and extends it (staff working keeps it open, up to [`SESSION_CAP`]);
    /// a PIN set since it was opened, here or by `kioskctl`, ends it.
    pub fn check(
        &self,
        store: &Store,
        session: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StaffError> {
        let pin_set_at = store.value(PIN_SET_AT_KEY)?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        match sessions.get_mut(session) {
            Some(s) if s.idle_until > now && s.ends_at > now && s.pin_set_at == pin_set_at => {
                s.idle_until = (now + self.session_length).min(s.ends_at);
                Ok(())
            }
            _ => {
                sessions.remove(session);
                Err(StaffError::SessionExpired)
            }
        }
    }

    pub fn lock(&self, session: &str) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(session);
    }
}

/// What may be typed as a PIN: 4 to 8 digits (a PIN chosen before R6.6 may have 4).
fn check_shape(pin: &str) -> Result<(), StaffError> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(StaffError::Refused("A staff PIN is 4 to 8 digits.".into()));
    }
    Ok(())
}

/// What may be chosen as a new PIN: 6 to 8 digits, not one digit over and over, nor a run up
/// or down (123456, 987654), the first guesses at any pad.
pub fn check_new_pin(pin: &str) -> Result<(), StaffError> {
    let shaped = (6..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    let steps: Vec<i16> =
        pin.as_bytes().windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    let trivial = [0, 1, -1].iter().any(|step| steps.iter().all(|s| s == step));
    if !shaped || trivial {
        return Err(StaffError::Refused(
            "A new staff PIN is 6 to 8 digits, not one digit over and over or a run like 123456."
                .into(),
        ));
    }
    Ok(())
}

fn save_pin(store: &Store, pin: &str, now: DateTime<Utc>) -> Result<(), StaffError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StaffError::Refused(format!("The PIN could not be saved ({e}).")))?;
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| StaffError::Refused(format!("The PIN could not be saved ({e}).")))?
        .to_string();
    store.set_value(PIN_HASH_KEY, &hash)?;
    store.set_value(PIN_SET_AT_KEY, &now.to_rfc3339())?;
    tracing::info!("staff PIN set");
    Ok(())
}

fn clear_tries(store: &Store) -> Result<(), StaffError> {
    store.set_value(FAILURES_KEY, "0")?;
    store.delete_value(LOCKED_UNTIL_KEY).map_err(StaffError::from)
}

/// Whether a staff PIN is set: with none, the configuration check says so (R6.6).
pub fn pin_is_set(store: &Store) -> Result<bool, StoreError> {
    Ok(store.value(PIN_HASH_KEY)?.is_some())
}

fn locked_for(store: &Store, now: DateTime<Utc>) -> Result<i64, StaffError> {
    let until = store
        .value(LOCKED_UNTIL_KEY)?
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok(until.map_or(0, |t| (t - now).num_seconds().max(0)))
}
