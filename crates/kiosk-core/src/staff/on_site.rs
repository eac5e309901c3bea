//! "On site now" (R5.6): today's late arrivals, early departures and returns, for a roll call.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
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

/// The list as a printed sheet: its job title, and plain text in columns for the printer
/// (a monospaced page), headed by the school, the day and when it was printed.
pub struct Sheet {
    pub title: String,
    pub text: String,
}

/// Today's list as a [`Sheet`] printed at `now` in the school's zone `tz`.
pub fn sheet(school: &str, rows: &[OnSiteRow], now: DateTime<Utc>, tz: Tz) -> Sheet {
    let local = now.with_timezone(&tz);
    let day = local.format("%A %-d %B %Y").to_string();
    let mut text =
        format!("{school}\nOn site now: {day}, printed at {}\n\n", local.format("%H:%M"));
    let group = |r: &OnSiteRow| match (r.registration_group.as_str(), r.year.as_str()) {
        ("", "") => String::new(),
        ("", year) => format!("Year {year}"),
        (group, _) => group.to_string(),
    };
    let mut lines = vec![[
        "Time".to_string(),
        "Name".into(),
        "Group".into(),
        "Type".into(),
        "Reason / collected by".into(),
    ]];
    for r in rows {
        let collector = match r.collector_unknown {
            true => format!("{} (not a known contact)", r.collected_by),
            false => r.collected_by.clone(),
        };
        let note = [r.reason.as_str(), collector.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        lines.push([r.time.clone(), r.person.clone(), group(r), r.kind.clone(), note]);
    }
    let widths: Vec<usize> =
        (0..4).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
    for line in &lines {
        let mut out = String::new();
        for (cell, width) in line.iter().zip(&widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(&line[4]);
        text.push_str(out.trim_end());
        text.push('\n');
    }
    if rows.is_empty() {
        text.push_str("\nNobody has signed in late, signed out early or returned today.\n");
    }
    Sheet { title: format!("On site now - {school} - {day}"), text }
}
