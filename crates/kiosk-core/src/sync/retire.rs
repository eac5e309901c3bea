//! What a pass retires before it decides anything: events past their school day expire (R4.4)
//! and old ones are purged (R6.2), each only as far as the tablet's clock can be trusted (R6.5).

use chrono::{DateTime, Duration, Utc};

use super::outcome::worth_retrying;
use super::trusted_time::{self, ClockTrust};
use super::{Engine, PassReport, SyncError};
use crate::settings::Settings;
use crate::store::{EventUpdate, Outcome, Status};

/// Why a held event expired, as the log says it.
const HELD_EXPIRED: &str = "Recorded while the tablet's clock was wrong, and its time was not confirmed by staff that day.";
use kiosk_model::clock::school_date;

impl Engine {
    /// Judges the clock (asking Wonde the time when there is no fresh word of it and something
    /// to decide or purge), then expires and purges as far as that allows. Returns what the
    /// pass may trust the clock with.
    pub(super) async fn retire(
        &mut self,
        settings: &Settings,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Result<ClockTrust, SyncError> {
        let today = school_date(now, settings.time_zone);
        // Nothing expires or is deleted on a clock that is wrong, or that has jumped more than
        // a day without Wonde's word for it (R6.5).
        let mut trust = self.clock_trust(now)?;
        // Before deciding from the clock, or purging by it, Wonde is asked the time (an answer
        // of any kind is dated): a kiosk with nothing to write would not otherwise ask.
        let to_decide = self.store.status_counts(None)?[&Status::Pending] > 0;
        let wrong = trust.wrong_by().is_some();
        if wrong || trust == ClockTrust::Unconfirmed && (to_decide || self.purged_on != Some(today))
        {
            trust = match self.measure(report).await? {
                // Events are held only on an error Wonde has measured twice alike: an answer
                // carried forward across a jump of the tablet's clock, or the kiosk's own records,
                // only say the clock may be wrong, not by how much (and events recorded before it
                // went back had a good clock).
                Some(ClockTrust::Wrong { minutes }) => match self.measure(report).await? {
                    Some(ClockTrust::Wrong { minutes: again })
                        if (again - minutes).abs() <= trusted_time::TOLERANCE.num_minutes() =>
                    {
                        let held = self.store.clock_found_wrong(again)?;
                        if held > 0 {
                            tracing::info!(
                                held,
                                "events recorded on the wrong clock wait for staff"
                            );
                        }
                        ClockTrust::Wrong { minutes: again }
                    }
                    Some(other) => other,
                    None => ClockTrust::Wrong { minutes },
                },
                Some(other) => other,
                None => self.clock_trust(now)?,
            };
        }
        if let Some(from) = trust.expires_from(today) {
            let expired = self.store.expire_between(from, today, now)?;
            if expired > 0 {
                tracing::info!(expired, "events of an earlier day expired unwritten");
                report.finished += expired;
            }
            report.finished += self.expire_held(settings, from, today, now)?;
        }
        if trust.may_purge() {
            self.purge_once_a_day(settings, now)?;
        }
        Ok(trust)
    }

    /// Events held for a wrong clock whose real day (by the clock's error) is over and which
    /// staff never confirmed expire like any other: they can no longer be written.
    fn expire_held(
        &self,
        settings: &Settings,
        from: chrono::NaiveDate,
        today: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<usize, SyncError> {
        let over: Vec<EventUpdate> = self
            .store
            .clock_held_events()?
            .into_iter()
            .filter(|e| {
                let real = e.occurred_at - Duration::minutes(e.clock_off_minutes.unwrap_or(0));
                let day = school_date(real, settings.time_zone);
                day < today && day >= from
            })
            .map(|e| {
                EventUpdate::Finish(
                    e.id,
                    Outcome {
                        status: Status::Expired,
                        cause: Some(HELD_EXPIRED.into()),
                        session: None,
                        code: None,
                    },
                )
            })
            .collect();
        let n = over.len();
        if n > 0 {
            self.store.update_events(over, now)?;
            tracing::info!(expired = n, "events held for a wrong clock expired unconfirmed");
        }
        Ok(n)
    }

    /// Asks Wonde the time (any answer is dated) and judges the clock by it, as it reads now;
    /// `None` when Wonde did not answer.
    async fn measure(&mut self, report: &mut PassReport) -> Result<Option<ClockTrust>, SyncError> {
        match self.client.school().await {
            Ok(_) => Ok(Some(self.clock_trust(self.clock.now())?)),
            Err(e) => {
                tracing::debug!(error = %e, "could not ask Wonde the time");
                // Out of reach: nothing is tried this pass (the strip says offline).
                report.offline |= worth_retrying(&e);
                Ok(None)
            }
        }
    }

    /// The retention purge (R6.2): once per school day, events, archived people and exports older
    /// than the retention period are deleted, with the counts in the log.
    fn purge_once_a_day(
        &mut self,
        settings: &Settings,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let today = school_date(now, settings.time_zone);
        if self.purged_on == Some(today) {
            return Ok(());
        }
        let period = chrono::Duration::days(i64::from(settings.retention_days));
        let cutoff = today - period;
        let purged = self.store.purge_events_before(cutoff, now - period)?;
        let people = self.store.purge_archived_before(now - period)?;
        let exports = self.config.exports.as_ref().map(|exports| {
            // A file that cannot be deleted must not hold writeback up: it is tried again
            // tomorrow, and the warning tells IT.
            exports.purge_saved_before(now - period).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "old exports could not be deleted");
                0
            })
        });
        tracing::info!(purged, people, exports, %cutoff, "retention purge");
        self.purged_on = Some(today);
        Ok(())
    }

    /// What the tablet's clock can be trusted with now (R6.5), remembering a wrong clock until
    /// Wonde confirms it again.
    pub(super) fn clock_trust(&mut self, now: DateTime<Utc>) -> Result<ClockTrust, SyncError> {
        let trust =
            trusted_time::judge(now, self.client.wonde_time(), self.store.newest_recorded_at()?);
        let trust = match (trust, self.clock_wrong_by) {
            (ClockTrust::Unconfirmed, Some(minutes)) => ClockTrust::Wrong { minutes },
            (trust, _) => trust,
        };
        if self.clock_wrong_by != trust.wrong_by() {
            match trust.wrong_by() {
                Some(minutes) => tracing::warn!(
                    minutes,
                    "the tablet's clock is wrong: nothing is written, expired or deleted"
                ),
                None => tracing::info!("Wonde confirms the tablet's clock"),
            }
        }
        self.clock_wrong_by = trust.wrong_by();
        if trust == ClockTrust::Confirmed {
            self.store.clock_confirmed()?;
        }
        Ok(trust)
    }
}
