//! The attendance rules (R3): from one recorded event, the school's settings and what is known of
//! the MIS, decide the mark to write, or why none is written.
//!
//! Pure functions over plain data: no clock, no database, no network. [`decide`] is the heart of
//! the product; everything else in the app gathers its inputs or carries out its answer.

mod reasons;

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::mis_capabilities::MisCapability;
use crate::settings::{GroupRules, Settings};
use kiosk_model::clock::{local_time, school_date};

pub use kiosk_model::{EventKind, Session};
pub use reasons::{code_prefix, ResolvedReason};

/// The reason given with an event, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonGiven<'a> {
    None,
    /// The label of a reason picked from the list.
    Listed(&'a str),
    /// Text typed because Reason Exact Match is off (R2.4).
    FreeText(&'a str),
}

/// The student of an event as the rules need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A roster record: its year and registration group pick the rules.
    Student { year: Option<&'a str>, registration_group: Option<&'a str> },
    /// A typed name (Student Exact Match off, R2.3): recorded locally, never written back.
    TypedName,
}

/// One event, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    pub kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    pub subject: Subject<'a>,
    pub reason: ReasonGiven<'a>,
}

/// What is known of the MIS when deciding.
#[derive(Debug, Clone, Copy)]
pub struct MisFacts<'a> {
    /// The attendance codes imported from the MIS (by letter).
    pub codes: &'a BTreeSet<String>,
    /// Letters the MIS has more than one code for: which one a mark means is not known.
    pub ambiguous: &'a BTreeSet<String>,
    pub capability: &'a MisCapability,
    /// Wonde's `extended.allows_writeback` for the school.
    pub allows_writeback: bool,
    /// Wonde's `extended.has_lesson_attendance`: the school's lessons can take marks. A MIS
    /// that takes the first lesson's mark gets a session mark when they cannot.
    pub has_lesson_attendance: bool,
    /// The student's current mark for the event's date and session, when it has been read (R3.4).
    pub current_mark: Option<&'a str>,
}

/// Where the mark goes in the MIS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Session,
    /// The first lesson of the session, for a MIS without session writeback (Arbor).
    FirstLesson,
}

/// The mark to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub date: NaiveDate,
    pub session: Session,
    pub code: String,
    pub comment: Option<String>,
    pub minutes_late: Option<u32>,
    pub target: Target,
}

/// Why nothing is written for an event (R4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", content = "detail", rename_all = "snake_case")]
pub enum NotRequired {
    ReasonIsDontWriteback,
    NoCodeApplies,
    PresentWritebackOff,
    WritebackOff,
    MisCannotTake(String),
    ProtectedCode(String),
    NotMisStudent,
}

impl fmt::Display for NotRequired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReasonIsDontWriteback => write!(f, "The reason is set to don't writeback."),
            Self::NoCodeApplies => write!(f, "No attendance code applies to this event."),
            Self::PresentWritebackOff => {
                write!(f, "Signed in before the late time, and present marks are not written back.")
            }
            Self::WritebackOff => write!(f, "Writeback to the MIS is switched off."),
            Self::MisCannotTake(what) => write!(f, "The MIS cannot take {what}."),
            Self::ProtectedCode(code) => {
                write!(f, "The MIS already holds the protected code {code}, which is kept.")
            }
            Self::NotMisStudent => write!(f, "Not a MIS student: the name was typed, not picked."),
        }
    }
}

/// Why an event fails before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", content = "detail", rename_all = "snake_case")]
pub enum Failure {
    /// R3.8: the code is not among the MIS's imported attendance codes.
    CodeNotInMis(String),
    /// The MIS has more than one code of this letter: writing either would be a guess at the
    /// register (R4.10).
    CodeAmbiguous(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CodeNotInMis(code) => write!(
                f,
                "The code {code} is not one of the MIS's attendance codes; check the reason and group settings."
            ),
            Self::CodeAmbiguous(code) => write!(
                f,
                "The MIS has more than one attendance code {code}; ask the MIS administrator which is meant, then retry."
            ),
        }
    }
}

/// The outcome of the rules for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Write(Mark),
    NotRequired(NotRequired),
    Failed(Failure),
    /// The event's school day is over: it is never written (R4.4).
    Expired,
}

/// The session an instant's local time falls in (R3.1).
pub fn session_at(time: NaiveTime, rules: &GroupRules) -> Session {
    if time < rules.pm_start {
        Session::AM
    } else {
        Session::PM
    }
}

/// Decides what to write for `event` (R3.1-R3.9, R4.4), with `now` only to tell whether the
/// event's school day has ended.
pub fn decide(
    event: &EventFacts,
    settings: &Settings,
    mis: &MisFacts,
    now: DateTime<Utc>,
) -> Decision {
    let tz = settings.time_zone;
    let date = school_date(event.occurred_at, tz);
    if school_date(now, tz) > date {
        return Decision::Expired;
    }
    let (year, registration_group) = match event.subject {
        Subject::Student { year, registration_group } => (year, registration_group),
        Subject::TypedName => return Decision::NotRequired(NotRequired::NotMisStudent),
    };
    let rules = settings.rules_for(year, registration_group);
    let time = local_time(event.occurred_at, tz);
    let session = session_at(time, rules);
    let late = event.kind == EventKind::LateSignIn;
    let reason = reasons::resolve(event.reason, rules, late, time, mis.codes);

    let code = match (&reason.code, event.kind) {
        (_, _) if reason.dont_writeback => {
            return Decision::NotRequired(NotRequired::ReasonIsDontWriteback)
        }
        (Some(code), _) => code.clone(),
        (None, EventKind::LateSignIn) => match time_based_code(time, session, rules) {
            Ok(code) => code,
            Err(cause) => return Decision::NotRequired(cause),
        },
        (None, EventKind::EarlySignOut) => match &rules.early_leaver_code {
            Some(code) => code.clone(),
            None => return Decision::NotRequired(NotRequired::NoCodeApplies),
        },
        (None, EventKind::Return) => return Decision::NotRequired(NotRequired::NoCodeApplies),
    };

    if !settings.writeback_enabled {
        return Decision::NotRequired(NotRequired::WritebackOff);
    }
    let capability = mis.capability;
    if !mis.allows_writeback || !capability.takes_marks() {
        return Decision::NotRequired(NotRequired::MisCannotTake(format!(
            "attendance marks ({} is read-only through Wonde)",
            capability.mis
        )));
    }
    if event.kind == EventKind::EarlySignOut && !capability.early_leaver_codes {
        return Decision::NotRequired(NotRequired::MisCannotTake(format!(
            "early-leaver marks ({})",
            capability.mis
        )));
    }
    if !mis.codes.contains(&code) {
        return Decision::Failed(Failure::CodeNotInMis(code));
    }
    if mis.ambiguous.contains(&code) {
        return Decision::Failed(Failure::CodeAmbiguous(code));
    }
    if let Some(current) = mis.current_mark {
        if rules.protected_codes.iter().any(|p| p == current) {
            return Decision::NotRequired(NotRequired::ProtectedCode(current.to_string()));
        }
    }

    let comment = reason.comment.filter(|_| rules.comment_writeback && capability.comment);
    let minutes_late = if late && rules.minutes_late_writeback && capability.minutes_late {
        minutes_after(late_time(session, rules), time)
    } else {
        None
    };
    let target = if capability.first_lesson_instead_of_session && mis.has_lesson_attendance {
        Target::FirstLesson
    } else {
        Target::Session
    };
    Decision::Write(Mark { date, session, code, comment, minutes_late, target })
}

/// The late time of a session.
pub fn late_time(session: Session, rules: &GroupRules) -> NaiveTime {
    match session {
        Session::AM => rules.am_late,
        Session::PM => rules.pm_late,
    }
}

/// R3.2 by time: unauthorised at or after the unauthorised time, late at or after the late time,
/// else the present mark when present writeback is on.
fn time_based_code(
    time: NaiveTime,
    session: Session,
    rules: &GroupRules,
) -> Result<String, NotRequired> {
    let (late, unauthorised, present) = match session {
        Session::AM => (rules.am_late, rules.am_unauthorised, &rules.present_am_code),
        Session::PM => (rules.pm_late, rules.pm_unauthorised, &rules.present_pm_code),
    };
    if time >= unauthorised {
        Ok(rules.unauthorised_code.clone())
    } else if time >= late {
        Ok(rules.late_code.clone())
    } else if rules.present_writeback {
        Ok(present.clone())
    } else {
        Err(NotRequired::PresentWritebackOff)
    }
}

/// Whole minutes from `from` to `to` (R3.5); none when not after.
fn minutes_after(from: NaiveTime, to: NaiveTime) -> Option<u32> {
    let minutes = (to - from).num_minutes();
    u32::try_from(minutes).ok().filter(|m| *m > 0)
}
