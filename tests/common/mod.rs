//! What the Wonde tests share: a simulator of a generated school and a client pointed at it.

#![allow(dead_code)]

use std::time::Duration;

use reception_kiosk::sim::{demo, SimConfig, Simulator};
use reception_kiosk::wonde::{Token, WondeClient, WondeConfig};

/// A simulator of a generated school of about `pupils` pupils.
pub async fn simulator(pupils: usize) -> Simulator {
    Simulator::start(SimConfig::new(demo::generate(11, pupils))).await.expect("the simulator starts")
}

/// A client for the simulator, without pacing, with a short timeout.
pub fn client(sim: &Simulator) -> WondeClient {
    client_with_timeout(sim, Duration::from_secs(5))
}

pub fn client_with_timeout(sim: &Simulator, timeout: Duration) -> WondeClient {
    WondeClient::new(WondeConfig {
        base_url: sim.base_url(),
        school_id: sim.school_id(),
        token: Token::new(sim.token()),
        timeout,
        min_request_interval: Duration::ZERO,
    })
    .expect("a valid configuration")
}
