//! The kiosk's background work for one data directory: the Wonde connection (or, when none is
//! configured, the demo school on the built-in simulator), the first import, the nightly import
//! and the sync engine. The desktop app starts it; `kioskctl` uses the same connection.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::connection::{self, ConnectionError};
use crate::import::{self, ImportError, ImportOptions};
use crate::mis_capabilities::{CapabilityError, MisCapabilities};
use crate::store::{EventUpdate, Outcome, Status, Store, StoreError};
use crate::sync::{Engine, SyncConfig, SyncHandle};
use kiosk_model::clock::Clock;
use wonde_client::{Token, WondeClient, WondeConfig, WondeError};
use wonde_sim::{SimConfig, Simulator};

/// Why the background work could not start.
#[derive(Debug, thiserror::Error)]
pub enum BackgroundError {
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Wonde(#[from] WondeError),
    #[error(transparent)]
    Capabilities(#[from] CapabilityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the demo school's simulator could not start: {0}")]
    Simulator(std::io::Error),
}

/// The running background work.
pub struct Background {
    /// Running on the demo school (no Wonde connection configured).
    pub demo: bool,
    pub sync: SyncHandle,
    /// The client the engine uses: the staff area's "Import now" goes through it too.
    pub client: WondeClient,
    simulator: Option<Simulator>,
    /// Cancelled once to stop every task (engine, nightly import), which `tasks` then waits for.
    stop: CancellationToken,
    tasks: TaskTracker,
}

/// The client for the configured connection, or `None` when none is configured. A connection
/// whose token file is gone or unreadable still gives a client, one with no token: the kiosk
/// starts and records, and writeback waits (as for a refused token) until it is connected
/// again; the configuration check says why.
pub fn configured_client(
    store: &Store,
    data_dir: &Path,
) -> Result<Option<WondeClient>, BackgroundError> {
    let config = match connection::config(store, data_dir) {
        Err(ConnectionError::TokenFile { path, source }) => {
            tracing::error!(path = %path.display(), error = %source, "the Wonde token cannot be read: writeback waits");
            connection::connection(store)?.map(|c| WondeConfig {
                base_url: c.base_url,
                ..WondeConfig::new(c.school_id, Token::new(""))
            })
        }
        other => other?,
    };
    Ok(config.map(WondeClient::new).transpose()?)
}

/// Starts the demo school's simulator and a client for it. The demo Wonde keeps the kiosk's
/// own time: there is no other clock to check it against.
pub async fn demo_client(
    clock: Arc<dyn Clock>,
) -> Result<(WondeClient, Simulator), BackgroundError> {
    let simulator = Simulator::start(SimConfig { clock, ..SimConfig::demo() })
        .await
        .map_err(BackgroundError::Simulator)?;
    let mut config = WondeConfig::new(simulator.school_id(), Token::new(simulator.token()));
    config.base_url = simulator.base_url();
    config.min_request_interval = Duration::ZERO;
    Ok((WondeClient::new(config)?, simulator))
}

/// Starts everything. The first import runs before returning when the roster is empty (quick
/// on the demo school; a failure is logged and the kiosk still starts, offline-first).
pub async fn start(
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    data_dir: &Path,
) -> Result<Background, BackgroundError> {
    let capabilities = MisCapabilities::builtin()?;
    let (client, simulator) = match configured_client(&store, data_dir)? {
        Some(client) => (client, None),
        None => {
            let (client, simulator) = demo_client(clock.clone()).await?;
            tracing::info!("no Wonde connection configured: running the demo school");
            (client, Some(simulator))
        }
    };
    if store.counts()?.students == 0 {
        let options = ImportOptions { full: true, ..ImportOptions::default() };
        let first = import::run_import(&client, &store, clock.as_ref(), &options, &|_| {});
        match tokio::time::timeout(Duration::from_secs(60), first).await {
            Ok(Ok(summary)) => {
                tracing::info!(students = summary.counts.students, "first import done")
            }
            Ok(Err(e)) => tracing::warn!(error = %e.for_log(), "first import failed"),
            Err(_) => {
                tracing::warn!("first import took over a minute; the nightly import will try again")
            }
        }
    }
    let (stop, tasks) = (CancellationToken::new(), TaskTracker::new());
    let nightly_client = client.clone();
    let source: import::schedule::ClientSource =
        Arc::new(move || Ok::<_, ImportError>(Some(nightly_client.clone())));
    import::schedule::spawn_nightly(
        store.clone(),
        clock.clone(),
        source,
        ImportOptions::default(),
        Duration::from_secs(60),
        &tasks,
        stop.clone(),
    );
    let config = SyncConfig::for_data_dir(data_dir);
    let sync = Engine::new(store, client.clone(), clock, capabilities, config)
        .spawn_in(&tasks, stop.clone());
    Ok(Background { demo: simulator.is_some(), sync, client, simulator, stop, tasks })
}

/// Settles the events still waiting when a kiosk that ran the demo school is connected to a real
/// one: Not Required, with the reason, so they stay in the log and are never sent. Returns how many.
pub fn settle_demo_events(
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    let outcome = Outcome {
        status: Status::NotRequired,
        cause: Some(
            "Recorded on the demo school, before the kiosk was connected to the school's MIS."
                .into(),
        ),
        session: None,
        code: None,
    };
    let updates = store
        .pending_events()?
        .into_iter()
        .map(|e| EventUpdate::Finish(e.id, outcome.clone()))
        .collect();
    Ok(store.update_events(updates, now)?.into_iter().filter(|applied| *applied).count())
}

impl Background {
    /// Stops the engine and the nightly import, then the simulator.
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        if let Some(simulator) = self.simulator {
            simulator.shutdown().await;
        }
    }
}
