//! The real Rust core behind the browser tests: the app exactly as `run()` builds it (same
//! commands, same capabilities), on Tauri's mock runtime instead of a window, over a real SQLite
//! data directory and a real Wonde simulator on loopback, with the real sync engine and import.
//!
//! Playwright (tests/ui/real.test.js) serves `ui/` to Chromium itself and carries each `invoke`
//! here as `POST /invoke/<command>`; the app's pushed events come back through `GET /events`.
//! The page's CSP stays the app's own, since the page never talks to this server: Node does.
//!
//! `/control/*` is the test's hand on the world outside the kiosk: the wall clock, the network,
//! and the school's MIS (what it holds, what it knows).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::Listener;
use tokio::sync::Notify;

use kiosk_core::connection::{self, Connection};
use kiosk_core::store::Store;
use kiosk_model::clock::{local_to_utc, school_date, Clock};
use reception_kiosk::{attach_background, AppState};
use wonde_client::Token;
use wonde_sim::{demo, SimConfig, Simulator};

/// The events the app pushes to its window.
const PUSHED: [&str; 3] = ["sync-status", "event-changed", "import-progress"];

/// The wall clock, moved to the time of day a test needs and running on from there.
struct ShiftedClock(Mutex<chrono::Duration>);

impl ShiftedClock {
    fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap() = to - Utc::now();
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap()
    }
}

/// Pushed events, numbered, for `GET /events?after=N`.
#[derive(Default)]
struct Outbox {
    events: Mutex<VecDeque<(u64, &'static str, Value)>>,
    next: Mutex<u64>,
    arrived: Notify,
}

impl Outbox {
    fn push(&self, name: &'static str, payload: Value) {
        let mut next = self.next.lock().unwrap();
        *next += 1;
        self.events.lock().unwrap().push_back((*next, name, payload));
        self.arrived.notify_waiters();
    }

    fn after(&self, seq: u64) -> Vec<Value> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|(n, ..)| *n > seq)
            .map(|(n, name, payload)| json!({ "seq": n, "name": name, "payload": payload }))
            .collect()
    }
}

struct World {
    webview: tauri::WebviewWindow<MockRuntime>,
    clock: Arc<ShiftedClock>,
    sim: Simulator,
    store: Arc<Store>,
    outbox: Outbox,
}

type Shared = State<Arc<World>>;

async fn invoke(
    State(world): Shared,
    Path(cmd): Path<String>,
    Json(args): Json<Value>,
) -> Json<Value> {
    let request = InvokeRequest {
        cmd,
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("a URL"),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    let webview = world.webview.clone();
    // Waits for the command, which may itself wait on the network (import, test connection).
    let answer = tokio::task::spawn_blocking(move || get_ipc_response(&webview, request))
        .await
        .expect("the command ran");
    Json(match answer {
        Ok(body) => json!({ "ok": body.deserialize::<Value>().unwrap_or(Value::Null) }),
        Err(error) => json!({ "error": error }),
    })
}

#[derive(Deserialize)]
struct After {
    after: u64,
}

/// Long poll: the events after `after`, waiting up to 5 s for one.
async fn events(State(world): Shared, Query(q): Query<After>) -> Json<Value> {
    let arrived = world.outbox.arrived.notified();
    let ready = world.outbox.after(q.after);
    if !ready.is_empty() {
        return Json(Value::Array(ready));
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), arrived).await;
    Json(Value::Array(world.outbox.after(q.after)))
}

#[derive(Deserialize)]
struct LocalTime {
    /// "HH:MM" today in the school's zone.
    local: NaiveTime,
}

async fn set_clock(State(world): Shared, Json(at): Json<LocalTime>) -> Json<Value> {
    let tz = world.store.settings_or_default().time_zone;
    let today = school_date(Utc::now(), tz);
    world.clock.set(local_to_utc(tz, today, at.local));
    Json(json!({ "now": world.clock.now() }))
}

#[derive(Deserialize)]
struct Online {
    online: bool,
}

async fn set_network(State(world): Shared, Json(state): Json<Online>) -> Json<Value> {
    world.sim.faults().set_offline(!state.online);
    Json(json!({}))
}

/// The pupils as the MIS lists them, with the year and registration group the kiosk shows (as
/// imported): tests pick real names from here.
async fn pupils(State(world): Shared) -> Json<Value> {
    let listed: Vec<(String, String, String, bool, Value)> = world.sim.read_school(|s| {
        s.students
            .iter()
            .map(|p| {
                // The MIS's contacts of the pupil: what the adult at the kiosk knows of themself.
                let contacts = p
                    .contacts
                    .iter()
                    .filter_map(|l| {
                        let c = s.contacts.iter().find(|c| c.id == l.contact_id)?;
                        Some(json!({ "forename": c.forename, "surname": c.surname, "relationship": l.relationship, "parentalResponsibility": l.parental_responsibility }))
                    })
                    .collect();
                (p.mis_id.clone(), p.forename.clone(), p.surname.clone(), p.photo.is_some(), Value::Array(contacts))
            })
            .collect()
    });
    let pupils = listed
        .into_iter()
        .filter_map(|(mis_id, forename, surname, has_photo, contacts)| {
            let imported = world.store.student_by_mis_id(&mis_id).ok().flatten()?;
            Some(json!({ "misId": mis_id, "forename": forename, "surname": surname, "year": imported.year, "registrationGroup": imported.registration_group, "admissionNumber": imported.admission_number, "hasPhoto": has_photo, "contacts": contacts }))
        })
        .collect();
    Json(Value::Array(pupils))
}

/// The marks the MIS now holds, with the pupil's name.
async fn marks(State(world): Shared) -> Json<Value> {
    let marks = world.sim.marks();
    Json(world.sim.read_school(|s| {
        marks
            .iter()
            .map(|m| {
                let name = s.students.iter().find(|p| p.id == m.student_id).map(|p| format!("{} {}", p.forename, p.surname));
                json!({ "name": name, "date": m.date, "session": format!("{:?}", m.session), "code": m.code, "comment": m.comment, "writes": m.writes })
            })
            .collect()
    }))
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

/// The school stops using an attendance code in its MIS.
async fn drop_code(State(world): Shared, Json(c): Json<Code>) -> Json<Value> {
    let removed = world.sim.school_data_mut(|s| {
        let before = s.codes.len();
        s.codes.retain(|x| x.code != c.code);
        before - s.codes.len()
    });
    Json(json!({ "removed": removed }))
}

/// The token the simulator accepts: the test checks it never reaches the page.
async fn token(State(world): Shared) -> Json<Value> {
    Json(json!({ "token": world.sim.token() }))
}

fn main() {
    const USAGE: &str = "usage: kiosk-ui-backend DATA_DIR [PUPILS]";
    let mut args = std::env::args().skip(1);
    let data_dir: PathBuf = args.next().map(PathBuf::from).expect(USAGE);
    // A small school keeps the tests quick; the queue benchmark asks for a school's size.
    let size: usize = args.next().map_or(Ok(60), |n| n.parse()).expect(USAGE);
    tauri::async_runtime::block_on(serve(data_dir, size));
}

async fn serve(data_dir: PathBuf, size: usize) {
    let clock = Arc::new(ShiftedClock(Mutex::new(chrono::Duration::zero())));
    // Wonde's clock is the kiosk's, shifted with it: the tests move the time of day, not the
    // tablet's clock away from Wonde's (R6.5).
    let sim = Simulator::start(SimConfig {
        clock: clock.clone(),
        ..SimConfig::new(demo::generate(7, size))
    })
    .await
    .expect("the simulator starts");
    let store = Arc::new(Store::open_dir(&data_dir).expect("the data directory opens"));
    let connection = Connection { school_id: sim.school_id(), base_url: sim.base_url() };
    connection::save(&store, &data_dir, &connection, &Token::new(sim.token()))
        .expect("the connection is saved");
    // As the school's IT does once the kiosk is connected (`kioskctl pin set`, R6.6).
    kiosk_core::staff::StaffGate::set_pin_as_it(&store, "258046", chrono::Utc::now())
        .expect("the staff PIN is set");

    let state = AppState::new(store.clone(), clock.clone(), false).expect("the app state");
    let app = reception_kiosk::build(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds");
    let webview =
        tauri::WebviewWindowBuilder::new(&app, reception_kiosk::MAIN_WINDOW, Default::default())
            .build()
            .expect("the window");
    // The first import runs here, before the first request, as it does before the kiosk opens.
    let background = kiosk_core::background::start(store.clone(), clock.clone(), &data_dir)
        .await
        .expect("the background work starts");
    attach_background(app.handle(), background);

    let world = Arc::new(World { webview, clock, sim, store, outbox: Outbox::default() });
    for name in PUSHED {
        let world = world.clone();
        app.listen_any(name, move |event| {
            let payload = serde_json::from_str(event.payload()).unwrap_or(Value::Null);
            world.outbox.push(name, payload);
        });
    }

    let router = Router::new()
        .route("/invoke/{cmd}", post(invoke))
        .route("/events", get(events))
        .route("/control/clock", post(set_clock))
        .route("/control/network", post(set_network))
        .route("/control/pupils", get(pupils))
        .route("/control/marks", get(marks))
        .route("/control/drop-code", post(drop_code))
        .route("/control/token", get(token))
        .with_state(world);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    // Node waits for this line.
    println!("kiosk-ui-backend listening on http://{}", listener.local_addr().expect("an address"));
    axum::serve(listener, router).await.expect("the server runs");
    drop(app);
}
