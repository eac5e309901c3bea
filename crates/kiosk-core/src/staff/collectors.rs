//! Who may collect a pupil, as the office sees it (R10.1): the pupil's contacts from the MIS,
//! with their relationship and parental responsibility, and the mark staff put on those without
//! it (a childminder, a grandparent). The kiosk's screens never see this list.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::collector::{may_be_allowed, may_collect};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectorRow {
    /// The contact's `upi`, which the staff area sends back to change the mark.
    pub contact: String,
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: Option<bool>,
    pub allowed_to_collect: bool,
    /// Whether a typed name matching them is recorded as them.
    pub may_collect: bool,
    /// Whether staff may change `allowed_to_collect` (not for professionals, nor for those with
    /// parental responsibility).
    pub can_be_allowed: bool,
}

/// The contacts of the current pupil with this MIS id; `None` when there is no such pupil.
pub fn of_pupil(store: &Store, mis_id: &str) -> Result<Option<Vec<CollectorRow>>, StoreError> {
    let Some(pupil) = store.student_by_mis_id(mis_id)? else { return Ok(None) };
    Ok(Some(
        store
            .contacts_of(&pupil.upi)?
            .into_iter()
            .map(|c| CollectorRow {
                may_collect: may_collect(&c),
                can_be_allowed: may_be_allowed(&c),
                contact: c.contact.upi,
                name: format!("{} {}", c.contact.forename, c.contact.surname),
                relationship: c.link.relationship,
                parental_responsibility: c.link.parental_responsibility,
                allowed_to_collect: c.allowed_to_collect,
            })
            .collect(),
    ))
}

/// Marks one of a pupil's contacts as allowed (or no longer allowed) to collect them. Returns
/// false, changing nothing, when the pupil or the contact is not on record as theirs.
pub fn set_allowed(
    store: &Store,
    mis_id: &str,
    contact: &str,
    allowed: bool,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(pupil) = store.student_by_mis_id(mis_id)? else { return Ok(false) };
    store.set_allowed_to_collect(&pupil.upi, contact, allowed, now)
}
