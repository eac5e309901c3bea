//! Recording a sign-in or sign-out: the one path every front end (kiosk screen, `kioskctl`)
//! takes to put an event in the queue. It checks the input against the settings (R2.3, R2.4)
//! and the school day, then commits the event before anything else happens (R4.1).

use chrono::{DateTime, Duration, Utc};

use crate::rules::EventKind;
use crate::store::{Event, NewEvent, Store, StoreError};
use kiosk_model::clock::school_date;

/// Longest name, reason or collector text accepted.
pub const MAX_TEXT: usize = 100;

/// Why an event was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The input cannot be recorded; the sentence says why and what to do.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who the event is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Person {
    /// A roster student by MIS id (kioskctl, paper sheets).
    MisId(String),
    /// A roster student by `upi` (the kiosk's search results).
    Upi(String),
    /// A typed name: only when Student Exact Match is off (R2.3).
    Typed(String),
}

/// The reason given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasonText {
    Listed(String),
    /// Typed text: only when Reason Exact Match is off (R2.4).
    Typed(String),
}

/// Everything a front end collects for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub kind: EventKind,
    pub person: Person,
    pub reason: Option<ReasonText>,
    /// Who collected the child (early sign-out only).
    pub collected_by: Option<String>,
    /// When it happened, if earlier than now (the same school day only).
    pub at: Option<DateTime<Utc>>,
}

/// Checks and records one event; returns it as committed.
pub fn record(store: &Store, request: &Request, now: DateTime<Utc>) -> Result<Event, RecordError> {
    let settings = store.settings_or_default();
    let tz = settings.time_zone;
    let occurred_at = request.at.unwrap_or(now);
    // A minute's grace for a kiosk clock a little ahead of the office PC.
    if occurred_at > now + Duration::minutes(1) {
        return invalid("The time given is in the future.");
    }
    let today = school_date(now, tz);
    if school_date(occurred_at, tz) != today {
        return invalid(format!(
            "Only events of today ({today}) can be recorded; {} is another school day.",
            school_date(occurred_at, tz)
        ));
    }

    let student = match &request.person {
        Person::MisId(id) => {
            Some(store.student_by_mis_id(clean("The MIS id", id)?.as_str())?.ok_or_else(|| {
                RecordError::Invalid(format!("No current student has MIS id '{id}'."))
            })?)
        }
        Person::Upi(upi) => Some(store.student(upi)?.filter(|s| !s.archived).ok_or_else(|| {
            RecordError::Invalid("That student is no longer on the roster.".into())
        })?),
        Person::Typed(name) => {
            if settings.student_exact_match {
                return invalid("Please pick your name from the list.");
            }
            clean("The name", name)?;
            None
        }
    };
    let (year, registration_group) =
        student.as_ref().map_or((None, None), |s| (s.year.clone(), s.registration_group.clone()));
    let rules = settings.rules_for(year.as_deref(), registration_group.as_deref());
    let late = request.kind == EventKind::LateSignIn;

    let (reason, reason_typed) = match &request.reason {
        None => (None, false),
        Some(ReasonText::Listed(label)) => match rules.reason(label, late) {
            Some(r) => (Some(r.label.clone()), false),
            None => {
                return invalid(format!("{} is not one of the reasons offered here.", quote(label)))
            }
        },
        Some(ReasonText::Typed(text)) => {
            let text = clean("The reason", text)?;
            match rules.reason(&text, late) {
                Some(r) => (Some(r.label.clone()), false),
                None if settings.reason_exact_match => {
                    return invalid("Please pick a reason from the list.")
                }
                None => (Some(text), true),
            }
        }
    };

    let (collected_by, collector_contact) = match (&request.collected_by, request.kind) {
        (None, _) => (None, None),
        (Some(_), EventKind::LateSignIn | EventKind::Return) => {
            return invalid("Only an early sign-out records who collected the child.")
        }
        (Some(name), EventKind::EarlySignOut) => {
            let name = clean("The collecting adult's name", name)?;
            let contact = match &student {
                Some(s) => crate::collector::identify(&name, &store.contacts_of(&s.upi)?)
                    .map(|c| c.upi.clone()),
                None => None,
            };
            (Some(name), contact)
        }
    };

    if request.kind == EventKind::Return {
        let back = match &student {
            Some(s) => crate::signed_out::is_signed_out(store, &s.upi, today, occurred_at)?,
            None => false,
        };
        if !back {
            return invalid("Only a student signed out earlier today can sign back in.");
        }
    }

    let person_name = match (&student, &request.person) {
        (Some(s), _) => s.display_name(),
        (None, Person::Typed(name)) => name.trim().to_string(),
        (None, _) => unreachable!("roster people resolve to a student"),
    };
    let event = NewEvent {
        kind: request.kind,
        student_upi: student.map(|s| s.upi),
        person_name,
        year,
        registration_group,
        occurred_at,
        school_date: today,
        reason,
        reason_typed,
        collected_by,
        collector_contact,
    };
    Ok(store.record_event(&event, now)?)
}

/// Trims text and refuses the empty, the over-long and control characters.
fn clean(what: &str, text: &str) -> Result<String, RecordError> {
    let text = text.trim();
    if text.is_empty() {
        return invalid(format!("{what} is empty."));
    }
    if text.chars().count() > MAX_TEXT {
        return invalid(format!("{what} is too long (at most {MAX_TEXT} characters)."));
    }
    if text.chars().any(kiosk_model::text::unrecordable) {
        return invalid(format!("{what} contains characters that cannot be recorded."));
    }
    Ok(text.to_string())
}

/// Text someone sent, as a sentence repeats it: quoted, at most 40 characters, control
/// characters shown as spaces, so a refusal stays short and printable whatever was sent.
pub fn quote(text: &str) -> String {
    const MAX: usize = 40;
    let shown: String = text
        .chars()
        .take(MAX)
        .map(|c| if kiosk_model::text::unrecordable(c) { ' ' } else { c })
        .collect();
    let more = if text.chars().nth(MAX).is_some() { "…" } else { "" };
    format!("'{shown}{more}'")
}

fn invalid<T>(message: impl Into<String>) -> Result<T, RecordError> {
    Err(RecordError::Invalid(message.into()))
}
