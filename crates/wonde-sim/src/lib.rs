//! The Wonde simulator: an HTTP server on loopback that speaks Wonde's API as `shared/WONDE.md`
//! describes it. One simulator serves the tests, the benchmark and the app's demo mode (no Wonde
//! connection configured), so it is part of the product, not a test hack.
//!
//! It pages, includes and filters like Wonde, checks the bearer token, applies writes
//! asynchronously (a `writeback_id` at once, the outcome a moment later), keeps every accepted
//! mark so a test can read what the "MIS" now holds, and breaks on demand ([`FaultHandle`]).

mod data;
pub mod demo;
mod faults;
mod photos;
mod register;
mod routes;
mod writes;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::watch;

pub use data::{
    SchoolData, SimCode, SimContact, SimDeletion, SimEmployee, SimGroup, SimLesson, SimLink,
    SimStudent,
};
pub use faults::{Fault, FaultHandle};

use kiosk_model::clock::{Clock, SystemClock};
use kiosk_model::Session;

/// Which reading of Wonde's unconfirmed behaviour the simulator serves (`shared/WONDE.md` [X],
/// `research/wonde-fidelity.md`). The kiosk must write the same marks under both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Readings {
    /// The convenient reading: included relations, a writeback known at once, a result for
    /// every record with its index.
    #[default]
    Plain,
    /// The other plausible reading: a mark's `attendance_code` as a bare id (the include
    /// ignored), a writeback unknown (404) for its first seconds, then `SUCCESS` with only the
    /// refused records listed, by `student_id` and with no index; date objects in UTC (school
    /// times converted) and a pupil's admission and leaving days as such date objects; the
    /// `student_id`, `date` and `session` filters of `GET /attendance/session` ignored (the
    /// whole history listed; only `updated_after` honoured).
    Other,
}

impl std::str::FromStr for Readings {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plain" | "" => Ok(Readings::Plain),
            "other" => Ok(Readings::Other),
            other => Err(format!("unknown readings '{other}': plain or other")),
        }
    }
}

impl Readings {
    /// `WONDE_SIM_READINGS` (plain or other), so a whole test suite runs under either.
    pub fn from_env() -> Readings {
        std::env::var("WONDE_SIM_READINGS")
            .ok()
            .map(|v| v.parse().unwrap_or_else(|e| panic!("WONDE_SIM_READINGS: {e}")))
            .unwrap_or_default()
    }
}

/// How to run a simulator.
#[derive(Clone)]
pub struct SimConfig {
    pub school: SchoolData,
    /// The MIS the school runs ("SIMS", "Arbor", "Bromcom"...), as Wonde names it.
    pub mis: String,
    /// The bearer token the simulator accepts.
    pub token: String,
    /// Added before every answer.
    pub latency: Duration,
    /// How long Wonde takes to apply a writeback to the MIS (0 = at once).
    pub writeback_delay: Duration,
    /// 0 picks any free port.
    pub port: u16,
    /// Stamps `updated_at` / `deleted_at` of changes made through the test API.
    pub clock: Arc<dyn Clock>,
    /// Which reading of unconfirmed behaviour to serve (default: `WONDE_SIM_READINGS`).
    pub readings: Readings,
    /// School days before today with a mark for every pupil's AM and PM, as a school's
    /// register holds them: what a read that ignores its filters has to page through.
    pub history_days: u32,
}

impl SimConfig {
    /// A simulator of `school` on SIMS, answering at once.
    pub fn new(school: SchoolData) -> Self {
        Self {
            school,
            mis: "SIMS".into(),
            token: "sim-token-0123456789abcdef".into(),
            latency: Duration::ZERO,
            writeback_delay: Duration::ZERO,
            port: 0,
            clock: Arc::new(SystemClock),
            readings: Readings::from_env(),
            history_days: 5,
        }
    }

    /// The generated demo school.
    pub fn demo() -> Self {
        Self::new(demo::demo_school())
    }
}

/// A mark the simulated MIS holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMark {
    pub student_id: String,
    pub date: NaiveDate,
    pub session: Session,
    /// The code letter ("L", "U", "M"...).
    pub code: String,
    pub comment: Option<String>,
    pub minutes_late: Option<u32>,
    /// Set for a lesson mark.
    pub lesson_id: Option<String>,
    /// How many times this mark was written (1 = once).
    pub writes: u32,
    /// When the MIS last changed it (what `updated_after` compares).
    pub updated_at: DateTime<Utc>,
}

type MarkKey = (String, NaiveDate, Session, Option<String>);

pub(crate) struct SimState {
    pub(crate) school: RwLock<SchoolData>,
    pub(crate) mis: String,
    pub(crate) token: String,
    pub(crate) base_url: String,
    pub(crate) writeback_delay: Mutex<Duration>,
    /// A status word every writeback is reported with instead of its own, when set.
    pub(crate) status_word: Mutex<Option<String>>,
    pub(crate) marks: Mutex<BTreeMap<MarkKey, SimMark>>,
    /// The register of earlier school days (`SimConfig::history_days`), oldest first.
    pub(crate) history: Vec<SimMark>,
    /// Pages of `GET /attendance/session` served, and how many reads of the whole history were
    /// read to its end (the other reading, nothing to narrow the read down).
    pub(crate) mark_pages: AtomicU64,
    pub(crate) history_reads: AtomicU64,
    pub(crate) writebacks: Mutex<HashMap<String, writes::Writeback>>,
    pub(crate) faults: Arc<faults::Faults>,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) next_id: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) readings: Readings,
}

impl SimState {
    /// The zone this simulator writes date objects in (`Readings`).
    pub(crate) fn zone<'a>(&self, school: &'a str) -> data::Zone<'a> {
        match self.readings {
            Readings::Plain => data::Zone::School(school),
            Readings::Other => data::Zone::Utc { school },
        }
    }

    pub(crate) fn new_id(&self, prefix: &str) -> String {
        format!("{prefix}{:08}", self.next_id.fetch_add(1, Ordering::SeqCst))
    }

    /// Sleeps, but wakes at shutdown so a hung or slow request never holds the server open.
    pub(crate) async fn pause(&self, how_long: Duration) {
        if how_long.is_zero() {
            return;
        }
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(how_long) => {}
            _ = shutdown.wait_for(|stop| *stop) => {}
        }
    }

    pub(crate) fn record_mark(&self, mut mark: SimMark) {
        let key = (mark.student_id.clone(), mark.date, mark.session, mark.lesson_id.clone());
        let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        mark.writes = marks.get(&key).map_or(0, |m| m.writes) + 1;
        marks.insert(key, mark);
    }
}

/// A running simulator. Dropping it without [`Simulator::shutdown`] leaves the server running
/// until the runtime ends.
pub struct Simulator {
    state: Arc<SimState>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    port: u16,
}

impl Simulator {
    /// Binds 127.0.0.1 (the given port, or any) and starts serving.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let port = listener.local_addr()?.port();
        let faults = Arc::new(faults::Faults::new(config.latency));
        let (stop, shutdown) = watch::channel(false);
        let history = register::history(&config.school, config.clock.now(), config.history_days);
        let state = Arc::new(SimState {
            school: RwLock::new(config.school),
            mis: config.mis,
            token: config.token,
            base_url: format!("http://127.0.0.1:{port}/v1.0"),
            writeback_delay: Mutex::new(config.writeback_delay),
            status_word: Mutex::new(None),
            marks: Mutex::new(BTreeMap::new()),
            history,
            mark_pages: AtomicU64::new(0),
            history_reads: AtomicU64::new(0),
            writebacks: Mutex::new(HashMap::new()),
            faults: faults.clone(),
            shutdown: shutdown.clone(),
            next_id: AtomicU64::new(1),
            requests: AtomicU64::new(0),
            clock: config.clock,
            readings: config.readings,
        });
        let app = routes::router(state.clone())
            .into_make_service_with_connect_info::<faults::ConnHandle>();
        let listener = faults::FaultyListener { inner: listener, faults };
        let mut stopped = shutdown;
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            });
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "the Wonde simulator stopped");
            }
        });
        tracing::info!(port, "Wonde simulator listening");
        Ok(Simulator { state, stop, server, port })
    }

    /// `http://127.0.0.1:PORT/v1.0`
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn school_id(&self) -> String {
        self.read_school(|s| s.id.clone())
    }

    /// The token the simulator accepts.
    pub fn token(&self) -> String {
        self.state.token.clone()
    }

    pub fn mis(&self) -> String {
        self.state.mis.clone()
    }

    /// The first line `wonde-sim` prints, which scripts read to find the simulator.
    pub fn banner(&self) -> String {
        format!(
            "wonde-sim listening on {} school_id={} token={}",
            self.base_url(),
            self.school_id(),
            self.token()
        )
    }

    pub fn faults(&self) -> FaultHandle {
        FaultHandle(self.state.faults.clone())
    }

    pub fn set_writeback_delay(&self, delay: Duration) {
        *self.state.writeback_delay.lock().unwrap_or_else(|p| p.into_inner()) = delay;
    }

    /// Reports every writeback with `word` as its status (one no client knows, say), whatever
    /// became of it; `None` goes back to the real status.
    pub fn set_status_word(&self, word: Option<&str>) {
        *self.state.status_word.lock().unwrap_or_else(|p| p.into_inner()) = word.map(String::from);
    }

    /// How many requests reached the simulator (faulted ones included).
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Pages of `GET /attendance/session` served so far, and how many reads of the whole
    /// history went to its last page (the other reading, nothing to narrow the read down).
    pub fn mark_pages(&self) -> (u64, u64) {
        (
            self.state.mark_pages.load(Ordering::SeqCst),
            self.state.history_reads.load(Ordering::SeqCst),
        )
    }

    /// Every mark written or set in the MIS since the simulator started, in student, date,
    /// session order (the seeded history of earlier days is not among them).
    pub fn marks(&self) -> Vec<SimMark> {
        self.state.marks.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// Puts a mark in the MIS as if the office had entered it (e.g. `M` for a medical
    /// appointment, to test protected codes).
    pub fn set_mark(&self, student_id: &str, date: NaiveDate, session: Session, code: &str) {
        self.set_mark_entered(student_id, date, session, code, self.state.clock.now());
    }

    /// [`Simulator::set_mark`] as entered at `entered_at`: a planned `M` typed in days before.
    pub fn set_mark_entered(
        &self,
        student_id: &str,
        date: NaiveDate,
        session: Session,
        code: &str,
        entered_at: DateTime<Utc>,
    ) {
        self.state.record_mark(SimMark {
            student_id: student_id.into(),
            date,
            session,
            code: code.into(),
            comment: None,
            minutes_late: None,
            lesson_id: None,
            writes: 0,
            updated_at: entered_at,
        });
    }

    pub fn read_school<T>(&self, f: impl FnOnce(&SchoolData) -> T) -> T {
        f(&self.state.school.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes the school's data (as the MIS would overnight). Stamp `updated_at` yourself, or
    /// use the helpers below, which do.
    pub fn school_data_mut<T>(&self, f: impl FnOnce(&mut SchoolData) -> T) -> T {
        f(&mut self.state.school.write().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes one student and stamps it as updated now; false if there is no such student.
    pub fn change_student(&self, student_id: &str, change: impl FnOnce(&mut SimStudent)) -> bool {
        let now = self.state.clock.now();
        self.school_data_mut(|s| match s.students.iter_mut().find(|st| st.id == student_id) {
            Some(student) => {
                change(student);
                student.updated_at = now;
                true
            }
            None => false,
        })
    }

    /// The student leaves: moved from `/students` to `/students-leaver` with a leaving date.
    pub fn add_leaver(&self, student_id: &str, leaving_date: NaiveDate) -> bool {
        let now = self.state.clock.now();
        self.school_data_mut(|s| {
            let Some(at) = s.students.iter().position(|st| st.id == student_id) else {
                return false;
            };
            let mut student = s.students.remove(at);
            student.leaving_date = Some(leaving_date);
            student.updated_at = now;
            s.leavers.push(student);
            true
        })
    }

    /// The MIS deletes a student outright: it appears in `/deletions`.
    pub fn delete_student(&self, student_id: &str) -> bool {
        let now = self.state.clock.now();
        self.school_data_mut(|s| {
            let Some(at) = s.students.iter().position(|st| st.id == student_id) else {
                return false;
            };
            let student = s.students.remove(at);
            s.deletions.push(SimDeletion {
                kind: "student".into(),
                id: student.id,
                mis_id: student.mis_id,
                deleted_at: now,
            });
            true
        })
    }

    /// Stops the server: requests in flight (hung ones included) end, then it closes.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut server = self.server;
        if tokio::time::timeout(Duration::from_secs(3), &mut server).await.is_err() {
            server.abort();
        }
    }
}
