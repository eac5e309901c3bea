//! What can go wrong with the site database, each kind with a sentence for the office. The
//! kiosk keeps recording whatever this says.

use tokio_postgres::error::SqlState;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(
        "The site database address is not a PostgreSQL address (postgres://user@host/database)."
    )]
    BadAddress,
    #[error("The site database cannot be reached. The kiosk keeps recording and catches up when it is back.")]
    Unreachable(#[source] tokio_postgres::Error),
    #[error("The site database refused the user name or password.")]
    WrongPassword,
    #[error("The server at the site database address did not answer as PostgreSQL.")]
    NotPostgres,
    #[error("The site database belongs to another school.")]
    OtherSchool,
    #[error("The site database was set up by a newer version of Reception Kiosk (schema {found}, this version knows {known}). Update this kiosk.")]
    NewerSchema { found: i32, known: i32 },
    #[error("The site's settings were changed at {by} since they were opened here. Open them again to see the change.")]
    SettingsChanged { by: String },
    #[error("The site database refused a request: {0}")]
    Refused(String),
}

impl SiteError {
    /// Whether trying again later can help (the server or the network is away).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable(_))
    }

    /// A failed connection: the password, something that is no PostgreSQL, or away.
    pub(crate) fn from_connect(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if code == &SqlState::INVALID_PASSWORD
                || code == &SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            {
                return Self::WrongPassword;
            }
            return Self::Refused(db.message().to_string());
        }
        if e.is_closed() || network_failure(&e) {
            return Self::Unreachable(e);
        }
        // The server answered, but not in PostgreSQL's protocol.
        Self::NotPostgres
    }
}

/// Whether the error is the network's (refused, reset, timed out, cut short), not an answer
/// that made no sense.
fn network_failure(e: &tokio_postgres::Error) -> bool {
    use std::io::ErrorKind::*;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ConnectionRefused
                    | ConnectionReset
                    | ConnectionAborted
                    | NotConnected
                    | BrokenPipe
                    | TimedOut
                    | UnexpectedEof
                    | AddrNotAvailable
                    | HostUnreachable
                    | NetworkUnreachable
                    | NetworkDown
            ) || io.raw_os_error().is_some();
        }
        source = s.source();
    }
    false
}

impl From<tokio_postgres::Error> for SiteError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => Self::Refused(db.message().to_string()),
            None => Self::Unreachable(e),
        }
    }
}
