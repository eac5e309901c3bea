//! `kioskctl sync`: runs the sync engine until the queue is idle, then prints a summary (R4).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kiosk_core::background::configured_client;
use kiosk_core::mis_capabilities::MisCapabilities;
use kiosk_core::store::{Status, Store};
use kiosk_core::sync::lock::LockError;
use kiosk_core::sync::{run_until_idle, Engine, Idle, SyncConfig, SyncError, SyncPause};
use kiosk_model::clock::{school_date, Clock, SystemClock};

use crate::Failure;

pub fn sync(store: Arc<Store>, data_dir: &Path, max_wait: Duration) -> Result<(), Failure> {
    let client = configured_client(&store, data_dir)
        .map_err(|e| Failure::Broken(e.to_string()))?
        .ok_or_else(|| {
        Failure::Refused("No Wonde connection is configured: run `kioskctl connect` first.".into())
    })?;
    let capabilities = MisCapabilities::builtin().map_err(|e| Failure::Broken(e.to_string()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let today = school_date(clock.now(), store.settings_or_default().time_zone);
    let engine =
        Engine::new(store.clone(), client, clock, capabilities, SyncConfig::for_data_dir(data_dir));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Broken(format!("cannot start: {e}")))?;
    let idle = runtime.block_on(run_until_idle(engine, max_wait)).map_err(|e| match e {
        SyncError::Lock(LockError::Held) => Failure::Refused(
            "The kiosk app (or another kioskctl sync) is already writing back from this data \
                 directory, so nothing was sent: it will write the waiting events itself."
                .into(),
        ),
        e => Failure::Broken(e.to_string()),
    })?;
    let counts = store.status_counts(Some(today))?;
    let summary: Vec<String> =
        Status::ALL.iter().map(|s| format!("{} {}", counts[s], s.label().to_lowercase())).collect();
    println!("Today ({today}): {}.", summary.join(", "));
    match idle {
        Idle { pending, paused: Some(SyncPause::TokenRefused) } => Err(Failure::Refused(format!(
            "Wonde refused the kiosk's token, so nothing more was sent; {pending} events wait. \
             Check the token (kioskctl connect), then run kioskctl sync again."
        ))),
        Idle { pending, .. } if pending > 0 => {
            println!("{pending} events are still waiting (offline or retrying); the kiosk keeps trying until midnight.");
            Ok(())
        }
        _ => Ok(()),
    }
}
