//! The sync engine running against the simulator with a clock the test sets: shared by the
//! sync, faults and time tests so each reads as the school day it plays.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::London;

use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::recording;
use kiosk_core::rules::{EventKind, Session};
use kiosk_core::store::{Event, Status};
use kiosk_core::sync::{Engine, SyncConfig, SyncHandle};
use kiosk_model::clock::{local_to_utc, ManualClock};
use wonde_sim::SimMark;

/// A school Monday.
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A London wall-clock time on `date`.
pub fn local(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    local_hms(date, h, m, 0)
}

pub fn local_hms(date: NaiveDate, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    local_to_utc(London, date, NaiveTime::from_hms_opt(h, m, s).unwrap())
}

/// The engine's timings shortened so a school day's retries fit in a test.
pub fn fast() -> SyncConfig {
    SyncConfig {
        batch_size: 50,
        batches_per_pass: 3,
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(300),
        probe_interval: Duration::from_millis(50),
        status_poll_interval: Duration::from_millis(10),
        status_poll_limit: Duration::from_secs(5),
        // On the school clock, which tests that lose answers run at twice real speed.
        unanswered_settle: Duration::from_secs(4),
        exports: None,
    }
}

pub struct Running {
    pub school: super::SimSchool,
    pub clock: Arc<ManualClock>,
    pub sync: SyncHandle,
}

/// A 40-pupil school on `mis` with the engine started at `at`.
pub async fn start(mis: &str, at: DateTime<Utc>) -> Running {
    start_with(super::sim_school(mis, 40, at).await, at)
}

/// The engine started at `at` on a school the test has prepared.
pub fn start_with(school: super::SimSchool, at: DateTime<Utc>) -> Running {
    let clock = school.clock.clone();
    clock.set(at);
    let engine = Engine::new(
        school.store.clone(),
        school.client.clone(),
        clock.clone(),
        MisCapabilities::builtin().unwrap(),
        fast(),
    );
    Running { school, clock, sync: engine.spawn() }
}

impl Running {
    /// The `n`th pupil's MIS id and Wonde id.
    pub fn pupil(&self, n: usize) -> (String, String) {
        let s = &self.school.store.students().unwrap()[n];
        (s.mis_id.clone().unwrap(), s.wonde_id.clone())
    }

    /// Records an event at `at` (the clock moves there first) and wakes the engine.
    pub fn record(&self, kind: EventKind, mis_id: &str, at: DateTime<Utc>) -> Event {
        self.record_together(kind, &[mis_id], at).remove(0)
    }

    /// Records an event that happened at `at` (earlier today), entered now, as `kioskctl
    /// sign-in --at` does: the clock stays where it is.
    pub fn record_earlier(&self, kind: EventKind, mis_id: &str, at: DateTime<Utc>) -> Event {
        let request = recording::Request { at: Some(at), ..super::request(kind, mis_id) };
        let event = recording::record(
            &self.school.store,
            &request,
            kiosk_model::clock::Clock::now(self.clock.as_ref()),
        )
        .expect("recorded");
        self.sync.wake();
        event
    }

    /// Records one event for each pupil at `at` before waking the engine, so they go out in
    /// one batch.
    pub fn record_together(
        &self,
        kind: EventKind,
        mis_ids: &[&str],
        at: DateTime<Utc>,
    ) -> Vec<Event> {
        self.clock.set(at);
        let events = mis_ids
            .iter()
            .map(|mis_id| {
                recording::record(&self.school.store, &super::request(kind, mis_id), at)
                    .expect("recorded")
            })
            .collect();
        self.sync.wake();
        events
    }

    /// Waits (at most 20 s) until nothing is pending.
    pub async fn drained(&self) {
        self.drained_within(Duration::from_secs(20)).await
    }

    pub async fn drained_within(&self, limit: Duration) {
        let mut status = self.sync.status();
        let store = self.school.store.clone();
        let result = tokio::time::timeout(limit, async {
            loop {
                if store.status_counts(None).unwrap()[&Status::Pending] == 0 {
                    return;
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), status.changed()).await;
            }
        })
        .await;
        assert!(result.is_ok(), "queue did not drain: {:?}", store.status_counts(None).unwrap());
    }

    /// Lets the school's clock run (backoff waits are measured on it), twice real speed.
    pub fn let_clock_run(&self) {
        let clock = self.clock.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(25)).await;
                clock.advance(chrono::Duration::milliseconds(50));
            }
        });
    }

    pub async fn until_offline(&self) {
        let mut status = self.sync.status();
        tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| s.online == Some(false)))
            .await
            .expect("the engine noticed it is offline")
            .unwrap();
    }

    pub fn event(&self, id: i64) -> Event {
        self.school.store.event(id).unwrap().unwrap()
    }

    pub fn mark(&self, student_id: &str, date: NaiveDate, session: Session) -> Option<SimMark> {
        self.school
            .sim
            .marks()
            .into_iter()
            .find(|m| m.student_id == student_id && m.date == date && m.session == session)
    }

    /// Turns present writeback on, so every sign-in writes a mark whatever its time.
    pub fn write_present_marks(&self) {
        let mut settings = self.school.store.settings().unwrap();
        settings.default_group.present_writeback = true;
        self.school.store.save_settings(&settings).unwrap();
    }
}
