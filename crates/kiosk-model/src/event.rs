//! The words of the kiosk's day: what happened at the kiosk, in which session, and where its
//! writeback stands. One type each, used by the rules, the store, the Wonde client and the
//! window alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// What happened at the kiosk. Its text form (`late_sign_in`, ...) is the same in serde, SQL,
/// the window and `kioskctl`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    /// A student arriving late signs in (R2.1).
    LateSignIn,
    /// A parent signs a child out early (R2.2).
    EarlySignOut,
    /// A student signed out earlier today comes back (after an appointment).
    Return,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The words office staff see.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::LateSignIn => "Late sign-in",
            EventKind::EarlySignOut => "Early sign-out",
            EventKind::Return => "Returned",
        }
    }
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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Pending,
    Successful,
    Failed,
    NotRequired,
    Expired,
}

impl Status {
    pub const ALL: &'static [Status] = Status::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
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
        Status::ALL.iter().copied().find(|st| st.as_str().replace('_', "") == key).ok_or_else(
            || {
                format!(
                    "'{s}' is not a status (pending, successful, failed, not_required, expired)"
                )
            },
        )
    }
}

/// What became of one try at writing an event back (R4.5), as the event's Writeback tab lists
/// it. The engine decides by this kind, never by the words shown for it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumString, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AttemptOutcome {
    /// Wonde took the write; the attempt's detail is the writeback id it gave.
    Accepted,
    /// The writeback finished and the MIS holds the mark.
    Written,
    /// Wonde or the MIS refused the write for good.
    Refused,
    /// A passing failure (Wonde down, busy or garbled): tried again later.
    WillRetry,
    /// Sent, but no readable answer came back: the MIS may hold the mark, so the next try reads
    /// it before writing again (R4.8).
    AnswerLost,
    /// The writeback's outcome could not be read: asked again later.
    StatusUnread,
    /// A batch was refused as a whole: each of its events is sent again on its own.
    BatchRefused,
    /// The mark an unanswered send carried is in the MIS: not sent again. Detail: the code.
    AlreadyHeld,
    /// The writeback's outcome could not be read time after time, so the mark was read back
    /// from the MIS: it holds it. Detail: the code.
    ReadBack,
    /// About to be sent: kept before the request goes, so a send whose answer is never recorded
    /// (the kiosk stopped, the disk filled) is known to have happened. Its answer takes its
    /// place; while it stands, the MIS is read before anything is sent again (R4.8).
    Sending,
    /// Wonde refused the kiosk's token: the event waits, with the rest of the queue, until the
    /// connection is fixed (R4.6).
    TokenRefused,
    /// A note kept from before outcomes were typed (migration 0002): the detail is its text.
    Note,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether the try moved the mark towards the MIS (shown green in the staff area).
    pub fn is_good(self) -> bool {
        matches!(
            self,
            AttemptOutcome::Accepted
                | AttemptOutcome::Written
                | AttemptOutcome::AlreadyHeld
                | AttemptOutcome::ReadBack
        )
    }

    /// The sentence office staff read, with the attempt's detail where it has one.
    pub fn describe(self, detail: Option<&str>) -> String {
        let detail = detail.unwrap_or("");
        match self {
            AttemptOutcome::Accepted => format!("Accepted by Wonde as writeback {detail}"),
            AttemptOutcome::Written => "Written to the MIS".into(),
            AttemptOutcome::Refused => "Refused by the MIS".into(),
            AttemptOutcome::WillRetry => "Will retry".into(),
            AttemptOutcome::AnswerLost => {
                "Sent, but the answer was lost; the MIS is read before sending again".into()
            }
            AttemptOutcome::StatusUnread => {
                "Could not read the writeback's outcome; will ask again".into()
            }
            AttemptOutcome::BatchRefused => {
                "Refused as part of a batch; sent again on its own".into()
            }
            AttemptOutcome::AlreadyHeld => format!(
                "The MIS already holds {detail} from the send whose answer was lost; not sent again"
            ),
            AttemptOutcome::ReadBack => format!(
                "The writeback's outcome could not be read, but the MIS holds {detail}: written"
            ),
            AttemptOutcome::Sending => {
                "Sent, but no answer was recorded; the MIS is read before sending again".into()
            }
            AttemptOutcome::TokenRefused => {
                "Wonde refused the kiosk's token; waiting until the connection is fixed".into()
            }
            AttemptOutcome::Note => detail.to_string(),
        }
    }
}

/// How a roster import run stands (R1.5).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumString, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ImportOutcome {
    Running,
    Succeeded,
    Failed,
}

impl ImportOutcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
