//! The sync engine (R4): one tokio task that owns the writeback of every recorded event.
//!
//! It wakes when an event is recorded, when a retry falls due, at the school's midnight (to
//! expire what was not written) and, while offline, every probe interval. Each pass reads the
//! queue from the store, lets the rules decide, reads the current mark, writes a batch and
//! follows Wonde's writeback to its outcome. All state that matters is in the store, so a crash
//! at any point loses nothing: at start the engine simply carries on from what the store holds.

mod backoff;
pub mod lock;
mod marks;
mod outcome;
mod pass;
mod read_back;
mod retire;
mod send;
pub mod trusted_time;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{broadcast, watch, Notify};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::mis_capabilities::MisCapabilities;
use crate::store::{Status, Store, StoreError};
use kiosk_model::clock::Clock;
use lock::{EngineLock, LockError};
use wonde_client::WondeClient;

/// Tuning of the engine. The defaults suit a school; tests shorten them.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Most records in one writeback request (R4.9).
    pub batch_size: usize,
    /// Most requests sent in one pass before their outcomes are followed.
    pub batches_per_pass: usize,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// While offline, how often the engine tries again: the first request is the probe.
    pub probe_interval: Duration,
    /// How often an accepted writeback's outcome is asked for.
    pub status_poll_interval: Duration,
    /// How long one pass follows a writeback before leaving it to the next pass.
    pub status_poll_limit: Duration,
    /// After a send whose answer was lost, how long the MIS is given to apply it (Wonde applies
    /// writes asynchronously) before the mark not being there means it was not taken. [X] How
    /// long Wonde takes to apply a write is not documented; the default is a guess.
    pub unanswered_settle: Duration,
    /// The exports folder the retention purge also clears (R6.2); `None` leaves files alone.
    pub exports: Option<crate::exports::Exports>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            batch_size: 100,
            batches_per_pass: 5,
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            probe_interval: Duration::from_secs(5),
            status_poll_interval: Duration::from_millis(250),
            status_poll_limit: Duration::from_secs(20),
            unanswered_settle: Duration::from_secs(30),
            exports: None,
        }
    }
}

impl SyncConfig {
    /// The defaults for the engine of a data directory, whose exports go with its events.
    pub fn for_data_dir(data_dir: &std::path::Path) -> Self {
        Self { exports: Some(crate::exports::Exports::in_data_dir(data_dir)), ..Self::default() }
    }
}

/// What the status strip shows (R2.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// `None` until the engine has talked to Wonde.
    pub online: Option<bool>,
    pub pending: i64,
    pub last_write_at: Option<DateTime<Utc>>,
    /// Why the queue is held though Wonde answers: something only staff can fix.
    pub paused: Option<SyncPause>,
    /// How many minutes the tablet's clock is wrong by (ahead is positive), when it is.
    pub clock_wrong_by: Option<i64>,
}

/// Why the engine holds the whole queue rather than failing what is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPause {
    /// Wonde refused the kiosk's token (revoked, or the school withdrew the app): every request
    /// would be refused the same way, so nothing is tried until a probe is accepted.
    TokenRefused,
    /// Another engine (`kioskctl sync`, say) is writing back from the same database: this one
    /// waits for it to finish rather than send the same marks twice.
    OtherEngine,
    /// The tablet's clock is wrong (by `SyncStatus::clock_wrong_by` minutes): marks come from
    /// the time, so nothing is written, expired or deleted until it is put right (R6.5).
    ClockWrong,
    /// The stored settings cannot be read: nothing is written until staff save valid ones.
    SettingsDamaged,
}

/// An event whose status changed, for live views of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventChange {
    pub id: i64,
    pub status: Status,
}

/// Why the engine could not carry on.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// The engine's own state; moved into its task.
pub struct Engine {
    store: Arc<Store>,
    client: WondeClient,
    clock: Arc<dyn Clock>,
    capabilities: MisCapabilities,
    config: SyncConfig,
    /// Consecutive transient failures per event, for backoff. Lost on restart, which only
    /// makes the first retry after a restart sooner.
    failures: HashMap<i64, u32>,
    /// Events a batch refused as a whole: sent one at a time to find the one at fault.
    solo: HashSet<i64>,
    /// The day's marks as read at the start of a drain (R4.9).
    marks: marks::MarksCache,
    /// Events whose send is on its way: the next attempt kept for one is the send's answer.
    sending: HashSet<i64>,
    /// Passes in a row that Wonde refused the token, for the wait before the next probe.
    token_refusals: u32,
    /// The school day the retention purge last ran for.
    purged_on: Option<chrono::NaiveDate>,
    /// Minutes the clock was last found wrong by; kept until Wonde confirms it again, so a
    /// clock found a day ahead expires nothing while Wonde is out of reach.
    clock_wrong_by: Option<i64>,
    /// The stored settings could not be read at the last pass.
    settings_damaged: bool,
    status: watch::Sender<SyncStatus>,
    changes: broadcast::Sender<EventChange>,
}

/// The running engine, held by the app or `kioskctl sync`.
pub struct SyncHandle {
    wake: Arc<Notify>,
    status: watch::Receiver<SyncStatus>,
    changes: broadcast::Sender<EventChange>,
    stop: CancellationToken,
    tasks: TaskTracker,
}

impl Engine {
    pub fn new(
        store: Arc<Store>,
        client: WondeClient,
        clock: Arc<dyn Clock>,
        capabilities: MisCapabilities,
        config: SyncConfig,
    ) -> Self {
        Self {
            store,
            client,
            clock,
            capabilities,
            config,
            failures: HashMap::new(),
            solo: HashSet::new(),
            token_refusals: 0,
            sending: HashSet::new(),
            marks: marks::MarksCache::default(),
            purged_on: None,
            clock_wrong_by: None,
            settings_damaged: false,
            status: watch::Sender::new(SyncStatus::default()),
            changes: broadcast::channel(1024).0,
        }
    }

    /// Starts the engine's task on its own (`kioskctl sync`, tests): its handle's `shutdown`
    /// stops it.
    pub fn spawn(self) -> SyncHandle {
        self.spawn_in(&TaskTracker::new(), CancellationToken::new())
    }

    /// Starts the engine's task among `tasks`, to end when `stop` is cancelled (the kiosk's
    /// background work stops all its tasks that one way).
    pub fn spawn_in(self, tasks: &TaskTracker, stop: CancellationToken) -> SyncHandle {
        let wake = Arc::new(Notify::new());
        let status = self.status.subscribe();
        let changes = self.changes.clone();
        tasks.spawn(self.run(wake.clone(), stop.clone()));
        SyncHandle { wake, status, changes, stop, tasks: tasks.clone() }
    }

    async fn run(mut self, wake: Arc<Notify>, stop: CancellationToken) {
        let Some(_lock) = self.wait_for_lock(&stop).await else { return };
        tracing::info!("sync engine started");
        loop {
            // Dropping a pass mid-request abandons it safely: the event is still pending in
            // the store and is written again on the next start (R4.8).
            let wait = tokio::select! {
                wait = self.pass_and_plan() => wait,
                _ = stop.cancelled() => break,
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.cancelled() => break,
            }
        }
        tracing::info!("sync engine stopped");
    }

    /// Takes the database for this engine, waiting while another engine has it (`None` when
    /// stopped first). A lock file that cannot be made at all does not stop the writeback: the
    /// queue matters more than the guard, and the error is logged.
    async fn wait_for_lock(&mut self, stop: &CancellationToken) -> Option<Option<EngineLock>> {
        let mut waiting = false;
        loop {
            match EngineLock::try_acquire(self.store.path()) {
                Ok(lock) => {
                    if waiting {
                        self.status.send_modify(|s| s.paused = None);
                    }
                    return Some(Some(lock));
                }
                Err(LockError::Held) => {
                    if !waiting {
                        tracing::warn!("another sync engine has this kiosk's data: waiting for it");
                        self.status.send_modify(|s| s.paused = Some(SyncPause::OtherEngine));
                        waiting = true;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "running the sync engine without its lock");
                    return Some(None);
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.probe_interval) => {}
                _ = stop.cancelled() => return None,
            }
        }
    }

    /// One pass, then how long to sleep before the next.
    async fn pass_and_plan(&mut self) -> Duration {
        match self.pass().await {
            Ok(report) if report.token_refused => self.until_token_probe(),
            Ok(report) if report.offline => self.config.probe_interval,
            Ok(_) => self.until_next_due().unwrap_or(self.config.probe_interval),
            Err(e) => {
                tracing::error!(error = %e, "sync pass failed");
                self.config.probe_interval
            }
        }
    }

    /// While the token is refused, each probe waits twice as long as the last (up to the
    /// longest backoff): a revoked token is fixed by people, not by asking again.
    fn until_token_probe(&self) -> Duration {
        backoff::delay(
            self.token_refusals,
            self.config.probe_interval,
            self.config.max_backoff.max(self.config.probe_interval),
            None,
        )
    }

    /// Time until a pending event falls due or the school day ends, whichever is first.
    fn until_next_due(&self) -> Result<Duration, SyncError> {
        let now = self.clock.now();
        let tz = self.store.settings_or_default().time_zone;
        let midnight =
            kiosk_model::clock::end_of_school_day(kiosk_model::clock::school_date(now, tz), tz);
        let next = self.store.next_due_at()?.map_or(midnight, |due| due.min(midnight));
        // Never sleep longer than a minute: a changed system clock is noticed soon.
        Ok((next - now).to_std().unwrap_or(Duration::ZERO).min(Duration::from_secs(60)))
    }

    fn publish(&mut self, online: Option<bool>, wrote: bool, token_refused: bool) {
        let pending =
            self.store.status_counts(None).map(|c| c[&Status::Pending]).unwrap_or_default();
        let now = self.clock.now();
        // The pause ends when Wonde takes a write again, or when nothing is left to hold.
        if token_refused {
            self.token_refusals += 1;
        } else if wrote || pending == 0 {
            self.token_refusals = 0;
        }
        let paused = if self.settings_damaged {
            Some(SyncPause::SettingsDamaged)
        } else if self.token_refusals > 0 {
            Some(SyncPause::TokenRefused)
        } else {
            self.clock_wrong_by.map(|_| SyncPause::ClockWrong)
        };
        let clock_wrong_by = self.clock_wrong_by;
        self.status.send_modify(|s| {
            s.pending = pending;
            s.paused = paused;
            s.clock_wrong_by = clock_wrong_by;
            if online.is_some() {
                s.online = online;
            }
            if wrote {
                s.last_write_at = Some(now);
            }
        });
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// Events that reached a final status.
    pub finished: usize,
    /// Events sent to Wonde.
    pub sent: usize,
    pub offline: bool,
    /// Wonde refused the token: the pass stopped and the queue waits (`SyncPause`).
    pub token_refused: bool,
    /// The tablet's clock was not confirmed by Wonde: nothing was sent (R6.5).
    pub clock_wrong: bool,
}

impl PassReport {
    /// Whether the pass stopped sending: the network has gone, Wonde refused the token, or the
    /// clock cannot be trusted.
    pub fn stopped(&self) -> bool {
        self.offline || self.token_refused || self.clock_wrong
    }
}

impl SyncHandle {
    /// Asks the engine to look at the queue now (an event was recorded or retried).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    pub fn changes(&self) -> broadcast::Receiver<EventChange> {
        self.changes.subscribe()
    }

    /// Stops the engine (and whatever else shares its stop token), abandoning an in-flight
    /// request without loss, and waits until it has stopped.
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// Where `run_until_idle` left the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idle {
    /// Events still pending.
    pub pending: i64,
    /// Why it stopped early with events pending, if it did.
    pub paused: Option<SyncPause>,
}

/// Runs passes until nothing is pending, Wonde refuses the token, or `max_wait` has passed
/// (`kioskctl sync`). Refused at once (`LockError::Held`) while another engine has the database.
pub async fn run_until_idle(mut engine: Engine, max_wait: Duration) -> Result<Idle, SyncError> {
    let _lock = EngineLock::try_acquire(engine.store.path())?;
    let deadline = tokio::time::Instant::now() + max_wait;
    loop {
        let report = engine.pass().await?;
        let pending = engine.store.status_counts(None)?[&Status::Pending];
        if report.token_refused {
            return Ok(Idle { pending, paused: Some(SyncPause::TokenRefused) });
        }
        if pending == 0 || tokio::time::Instant::now() >= deadline {
            return Ok(Idle { pending, paused: None });
        }
        let wait = if report.offline {
            engine.config.probe_interval
        } else {
            engine.until_next_due()?.max(Duration::from_millis(10))
        };
        tokio::time::sleep(
            wait.min(deadline.saturating_duration_since(tokio::time::Instant::now())),
        )
        .await;
    }
}
