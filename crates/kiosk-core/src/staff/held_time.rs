//! Events recorded while the tablet's clock was wrong (R6.5), as the office sees and settles
//! them: each shows the time recorded and the time by Wonde's clock, and staff say which is right.
//! Until they do, nothing is written for it; unconfirmed, it expires at the end of its real day.

use chrono::{DateTime, Duration, Utc};

use crate::store::{Event, Store, StoreError};
use kiosk_model::clock::school_date;

/// Which time staff confirm for a held event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeChoice {
    /// The clock was right after all (the error came later).
    AsRecorded,
    /// The time by Wonde's clock: the recorded time less the clock's error.
    ByWonde,
}

/// When a held event happened by Wonde's clock; `None` for an event not held.
pub fn by_wonde(event: &Event) -> Option<DateTime<Utc>> {
    event.clock_off_minutes.map(|off| event.occurred_at - Duration::minutes(off))
}

/// Confirms a held event's time; the sync engine then writes it as any other. `None`, changing
/// nothing, when the event is not (or no longer) held.
pub fn confirm(
    store: &Store,
    id: i64,
    choice: TimeChoice,
    now: DateTime<Utc>,
) -> Result<Option<Event>, StoreError> {
    let Some(event) = store.event(id)? else { return Ok(None) };
    let Some(wonde_time) = by_wonde(&event) else { return Ok(None) };
    let at = match choice {
        TimeChoice::AsRecorded => event.occurred_at,
        TimeChoice::ByWonde => wonde_time,
    };
    let tz = store.settings_or_default().time_zone;
    let confirmed = store.confirm_event_time(id, at, school_date(at, tz), now)?;
    if confirmed.is_some() {
        tracing::info!(
            event = id,
            ?choice,
            "staff confirmed the time of an event recorded on a wrong clock"
        );
    }
    Ok(confirmed)
}
