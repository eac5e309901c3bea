//! "On site now" (R5.6): today's late arrivals, early departures and returns, for a roll call.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{EventFilter, Store, StoreError};
use kiosk_model::clock::school_date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnSiteRow {
    pub time: String,
    pub person: String,
    pub year: String,
    pub registration_group: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
    pub collected_by: String,
    /// The collecting adult matched none of the child's contacts who may collect (R10.1).
    pub collector_unknown: bool,
}

/// Today's events in time order.
pub fn today(store: &Store, now: DateTime<Utc>) -> Result<Vec<OnSiteRow>, StoreError> {
    let tz = store.settings_or_default().time_zone;
    let mut events =
        store.events(&EventFilter { date: Some(school_date(now, tz)), ..Default::default() })?;
    events.reverse();
    Ok(events
        .into_iter()
        .map(|e| OnSiteRow {
            collector_unknown: e.collector_unknown(),
            time: e.occurred_at.with_timezone(&tz).format("%H:%M").to_string(),
            person: e.person_name,
            year: e.year.unwrap_or_default(),
            registration_group: e.registration_group.unwrap_or_default(),
            kind: e.kind.label().to_string(),
            reason: e.reason.unwrap_or_default(),
            collected_by: e.collected_by.unwrap_or_default(),
        })
        .collect())
}
