//! Who is off site: pupils signed out early on a day and not back yet. One rule for the
//! kiosk's "returning" list and for checking a Return as it is recorded.

use chrono::{DateTime, NaiveDate, Utc};

use crate::store::{Event, EventFilter, Store, StoreError};
use kiosk_model::EventKind;

/// The early sign-outs of `date` not followed by a Return of the same pupil up to `at`,
/// oldest first (a pupil signed out twice is listed once, at the later sign-out). Typed names
/// are not listed: only a roster pupil can be signed back in.
pub fn signed_out_at(
    store: &Store,
    date: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Vec<Event>, StoreError> {
    let mut day = store.events(&EventFilter { date: Some(date), ..Default::default() })?;
    day.reverse(); // oldest first, so a return after a sign-out clears it
    let mut out: Vec<Event> = Vec::new();
    for event in day.into_iter().filter(|e| e.occurred_at <= at) {
        let Some(upi) = event.student_upi.clone() else { continue };
        match event.kind {
            EventKind::EarlySignOut => {
                out.retain(|e| e.student_upi.as_deref() != Some(&upi));
                out.push(event);
            }
            EventKind::Return => out.retain(|e| e.student_upi.as_deref() != Some(&upi)),
            EventKind::LateSignIn => {}
        }
    }
    Ok(out)
}

/// Whether the pupil `upi` is signed out at `at` on `date`.
pub fn is_signed_out(
    store: &Store,
    upi: &str,
    date: NaiveDate,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(signed_out_at(store, date, at)?.iter().any(|e| e.student_upi.as_deref() == Some(upi)))
}
