//! The Wonde token stays secret (R6.1): it never appears in the client's logs, its errors or its
//! debug output. In a test binary of its own: the log capture is a thread-scoped `tracing`
//! subscriber, and `tracing` caches per call site whether anyone listens, so tests running
//! beside it in the same process could make the client's log lines go uncaptured.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wonde_client::{ListQuery, Token, WondeConfig};
use wonde_sim::Fault;

use common::{client, simulator};

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_token_never_appears_in_logs_errors_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = simulator(30).await;
    let token = sim.token();
    let c = client(&sim);
    c.school().await.unwrap();
    c.students(&ListQuery::default(), true, &mut |_| {}).await.unwrap();
    sim.faults().inject(Fault::ServerError(500), 1);
    let e1 = c.school().await.unwrap_err();
    sim.faults().set_token_revoked(true);
    let e2 = c.school().await.unwrap_err();
    tracing::error!(error = %e1, other = ?e2, client = ?c, "errors as the app would log them");
    let config = WondeConfig {
        base_url: sim.base_url(),
        school_id: sim.school_id(),
        token: Token::new(token.clone()),
        timeout: Duration::from_secs(1),
        min_request_interval: Duration::ZERO,
        register_pages: 3_000,
    };
    sim.shutdown().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("Wonde answered"), "the client logged its requests");
    assert!(!logs.contains(&token), "the token is in the logs");
    for shown in [format!("{e1} {e1:?} {e2} {e2:?}"), format!("{c:?}"), format!("{config:?}")] {
        assert!(!shown.contains(&token), "the token is in {shown}");
    }
}
