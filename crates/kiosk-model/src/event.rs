//! The words of the kiosk's day: what happened at the kiosk, in which session, and where its
//! writeback stands. One type each, used by the rules, the store, the Wonde client and the
//! window alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What happened at the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A student arriving late signs in (R2.1).
    LateSignIn,
    /// A parent signs a child out early (R2.2).
    EarlySignOut,
    /// A student signed out earlier today comes back (after an appointment).
    Return,
}

/// A registration session of the school day (R3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Session {
    AM,
    PM,
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Session::AM => "AM",
            Session::PM => "PM",
        })
    }
}

/// Where an event stands (R4.5). It only moves forward from Pending, except that staff may
/// send a Failed event of today back to Pending (R4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Successful,
    Failed,
    NotRequired,
    Expired,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Pending, Status::Successful, Status::Failed, Status::NotRequired, Status::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Successful => "successful",
            Status::Failed => "failed",
            Status::NotRequired => "not_required",
            Status::Expired => "expired",
        }
    }

    /// The word office staff see.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Successful => "Successful",
            Status::Failed => "Failed",
            Status::NotRequired => "Not Required",
            Status::Expired => "Expired",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let key: String =
            s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        Status::ALL.into_iter().find(|st| st.as_str().replace('_', "") == key).ok_or_else(|| {
            format!("'{s}' is not a status (pending, successful, failed, not_required, expired)")
        })
    }
}
