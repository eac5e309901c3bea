//! The staff area's gate (R5.1): a PIN stored hashed (argon2), a pause after repeated wrong
//! tries that survives a restart, and short-lived sessions for the staff commands.

pub mod check;
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
/// Wrong tries before the pad pauses.
pub const MAX_TRIES: u32 = 5;

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

/// The PIN and the open sessions. Sessions live in memory: a restart asks for the PIN again.
pub struct StaffGate {
    sessions: Mutex<HashMap<String, DateTime<Utc>>>,
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
        Ok(PinStatus {
            pin_set: store.value(PIN_HASH_KEY)?.is_some(),
            locked_for_seconds: locked_for(store, now)?,
        })
    }

    /// Sets the PIN: the first time without `current`, afterwards only with the right one.
    pub fn set_pin(
        &self,
        store: &Store,
        pin: &str,
        current: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StaffError> {
        check_shape(pin)?;
        if store.value(PIN_HASH_KEY)?.is_some() {
            let current = current
                .ok_or_else(|| StaffError::Refused("Enter the current PIN to change it.".into()))?;
            self.check_pin(store, current, now)?;
        }
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| StaffError::Refused(format!("The PIN could not be saved ({e}).")))?;
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| StaffError::Refused(format!("The PIN could not be saved ({e}).")))?
            .to_string();
        store.set_value(PIN_HASH_KEY, &hash)?;
        tracing::info!("staff PIN set");
        Ok(())
    }

    /// Opens a session with the right PIN; counts wrong tries and pauses the pad after
    /// [`MAX_TRIES`] for a minute, doubling with each further pause.
    pub fn unlock(
        &self,
        store: &Store,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StaffError> {
        self.check_pin(store, pin, now)?;
        let token = format!("{:032x}", rand::random::<u128>());
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, expiry| *expiry > now);
        sessions.insert(token.clone(), now + self.session_length);
        tracing::info!("staff area unlocked");
        Ok(token)
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
        tracing::warn!(failures, "wrong staff PIN");
        if failures >= MAX_TRIES {
            // A minute after the fifth wrong try, then twice as long after each further one.
            let minutes = 1i64 << (failures - MAX_TRIES).min(6);
            store.set_value(
                LOCKED_UNTIL_KEY,
                &(now + chrono::Duration::minutes(minutes)).to_rfc3339(),
            )?;
            return Err(StaffError::Paused { seconds: minutes * 60 });
        }
        Err(StaffError::WrongPin { left: MAX_TRIES - failures })
    }

    /// Checks a session and extends it (staff working keeps it open).
    pub fn check(&self, session: &str, now: DateTime<Utc>) -> Result<(), StaffError> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        match sessions.get_mut(session) {
            Some(expiry) if *expiry > now => {
                *expiry = now + self.session_length;
                Ok(())
            }
            _ => Err(StaffError::SessionExpired),
        }
    }

    pub fn lock(&self, session: &str) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(session);
    }
}

fn check_shape(pin: &str) -> Result<(), StaffError> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(StaffError::Refused("A staff PIN is 4 to 8 digits.".into()));
    }
    Ok(())
}

fn locked_for(store: &Store, now: DateTime<Utc>) -> Result<i64, StaffError> {
    let until = store
        .value(LOCKED_UNTIL_KEY)?
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok(until.map_or(0, |t| (t - now).num_seconds().max(0)))
}
