//! Shared fixtures for the integration tests: a small real roster in a real SQLite file.
#![allow(dead_code)]

pub mod engine;

use chrono::{DateTime, Utc};
use kiosk_core::store::{
    AttendanceCode, Contact, Roster, SchoolRecord, Store, Student, StudentContact,
};

pub fn student(
    upi: &str,
    mis_id: &str,
    forename: &str,
    surname: &str,
    year: &str,
    reg: &str,
) -> Student {
    Student {
        upi: upi.into(),
        wonde_id: format!("W{upi}"),
        mis_id: Some(mis_id.into()),
        forename: forename.into(),
        preferred_forename: None,
        surname: surname.into(),
        year: Some(year.into()),
        registration_group: Some(reg.into()),
        admission_number: None,
        upn: None,
        archived: false,
    }
}

fn contact(upi: &str, title: &str, forename: &str, surname: &str) -> Contact {
    Contact {
        upi: upi.into(),
        wonde_id: format!("W{upi}"),
        mis_id: Some(format!("50{upi}")),
        title: Some(title.into()),
        forename: forename.into(),
        surname: surname.into(),
    }
}

fn link(student: &str, contact: &str, relationship: &str, pr: Option<bool>) -> StudentContact {
    StudentContact {
        student_upi: student.into(),
        contact_upi: contact.into(),
        relationship: Some(relationship.into()),
        parental_responsibility: pr,
        priority: Some(1),
    }
}

/// A tiny school: three pupils (two siblings), their mother (parental responsibility) and
/// grandmother (none), Liam's social worker, the usual codes.
pub fn small_roster() -> Roster {
    let codes = ["/", "\\", "L", "U", "M", "C", "E", "N"]
        .iter()
        .enumerate()
        .map(|(i, c)| AttendanceCode {
            wonde_id: format!("AC{i}"),
            code: c.to_string(),
            description: None,
            kind: None,
        })
        .collect();
    Roster {
        school: Some(SchoolRecord {
            wonde_id: "A1930499544".into(),
            name: "Wonde Testing School".into(),
            mis: "SIMS".into(),
            allows_writeback: true,
            has_lesson_attendance: false,
            domain: None,
        }),
        students: vec![
            student("u1", "1001", "Zoë", "O'Brien", "9", "9B"),
            student("u2", "1002", "Liam", "Smith-Jones", "7", "7A"),
            student("u3", "1003", "Ava", "Smith-Jones", "12", "12C"),
        ],
        contacts: vec![
            contact("c1", "Mrs", "Sarah", "Smith-Jones"),
            contact("c2", "Ms", "Karen", "Lee"),
            contact("c3", "Mrs", "Joan", "Smith-Jones"),
        ],
        links: ["u2", "u3"]
            .iter()
            .flat_map(|s| {
                [link(s, "c1", "Mother", Some(true)), link(s, "c3", "Grandparent", Some(false))]
            })
            .chain([link("u2", "c2", "Social Worker", None)])
            .collect(),
        employees: vec![],
        codes,
        groups: vec![],
        ..Roster::default()
    }
}

/// A zone in which it is now mid-morning (10:xx), for tests on the real clock: whatever time
/// they run, every sign-in is a late one in the AM session, written as `U`, and no midnight falls
/// inside the test.
pub fn mid_morning_zone() -> chrono_tz::Tz {
    use chrono::Timelike;
    let hour = Utc::now().hour() as i32;
    let offset = if 10 - hour >= -12 { 10 - hour } else { 34 - hour };
    // Etc/GMT zones carry the POSIX sign: Etc/GMT-10 is ten hours ahead of UTC.
    let name = match offset {
        0 => "Etc/GMT".to_string(),
        o => format!("Etc/GMT{:+}", -o),
    };
    name.parse().expect("an Etc/GMT zone")
}

pub fn seeded_store(dir: &std::path::Path, now: DateTime<Utc>) -> Store {
    let store = Store::open_dir(dir).expect("store opens");
    store.replace_roster(&small_roster(), now).expect("roster saved");
    store
}

/// A running simulator with a generated school, our store seeded with the same roster, and a
/// client for it. The roster is copied straight from the simulator's data so sync tests do not
/// depend on the importer.
pub struct SimSchool {
    pub sim: wonde_sim::Simulator,
    /// The simulator's clock (its answers are dated by it): an engine on this school runs on
    /// it too, so the kiosk's clock agrees with Wonde's (R6.5) unless a test says otherwise.
    pub clock: std::sync::Arc<kiosk_model::clock::ManualClock>,
    pub store: std::sync::Arc<Store>,
    pub client: wonde_client::WondeClient,
    pub dir: tempfile::TempDir,
}

pub async fn sim_school(mis: &str, pupils: usize, now: DateTime<Utc>) -> SimSchool {
    sim_school_with(mis, pupils, now, |_| {}).await
}

/// [`sim_school`] with the simulator's configuration changed first.
pub async fn sim_school_with(
    mis: &str,
    pupils: usize,
    now: DateTime<Utc>,
    configure: impl FnOnce(&mut wonde_sim::SimConfig),
) -> SimSchool {
    use wonde_sim::{demo, SimConfig, Simulator};

    let mut config = SimConfig::new(demo::generate(7, pupils));
    config.mis = mis.to_string();
    // An Arbor school's lessons take marks (its timetables are in Wonde).
    config.school.has_lesson_attendance = mis.eq_ignore_ascii_case("arbor");
    // The MIS's register ends the school day before `now`, whatever day the test runs on.
    let clock = std::sync::Arc::new(kiosk_model::clock::ManualClock::new(now));
    config.clock = clock.clone();
    configure(&mut config);
    let sim = Simulator::start(config).await.expect("simulator starts");
    let roster = sim.read_school(|school| Roster {
        school: Some(SchoolRecord {
            wonde_id: school.id.clone(),
            name: school.name.clone(),
            mis: mis.to_string(),
            allows_writeback: school.allows_writeback,
            has_lesson_attendance: school.has_lesson_attendance,
            domain: None,
        }),
        students: school
            .students
            .iter()
            .map(|s| Student {
                upi: s.upi.clone(),
                wonde_id: s.id.clone(),
                mis_id: Some(s.mis_id.clone()),
                forename: s.forename.clone(),
                preferred_forename: None,
                surname: s.surname.clone(),
                year: s.year_group.clone(),
                registration_group: s.registration_group.clone(),
                admission_number: None,
                upn: None,
                archived: false,
            })
            .collect(),
        codes: school
            .codes
            .iter()
            .map(|c| AttendanceCode {
                wonde_id: c.id.clone(),
                code: c.code.clone(),
                description: None,
                kind: None,
            })
            .collect(),
        ..Roster::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open_dir(dir.path()).unwrap());
    store.replace_roster(&roster, now).unwrap();
    let client = client_with_timeout(&sim, std::time::Duration::from_secs(2));
    SimSchool { sim, clock, store, client, dir }
}

/// A simulator of a generated school of about `pupils` pupils.
pub async fn simulator(pupils: usize) -> wonde_sim::Simulator {
    wonde_sim::Simulator::start(wonde_sim::SimConfig::new(wonde_sim::demo::generate(11, pupils)))
        .await
        .expect("the simulator starts")
}

/// A client for the simulator, without pacing, with a short timeout.
pub fn client(sim: &wonde_sim::Simulator) -> wonde_client::WondeClient {
    client_with_timeout(sim, std::time::Duration::from_secs(5))
}

pub fn client_with_timeout(
    sim: &wonde_sim::Simulator,
    timeout: std::time::Duration,
) -> wonde_client::WondeClient {
    wonde_client::WondeClient::new(wonde_client::WondeConfig { timeout, ..client_config(sim) })
        .expect("a valid configuration")
}

/// How a test reaches the simulator: no pacing, a 5 s timeout.
pub fn client_config(sim: &wonde_sim::Simulator) -> wonde_client::WondeConfig {
    wonde_client::WondeConfig {
        base_url: sim.base_url(),
        school_id: sim.school_id(),
        token: wonde_client::Token::new(sim.token()),
        timeout: std::time::Duration::from_secs(5),
        min_request_interval: std::time::Duration::ZERO,
        register_pages: 3_000,
    }
}

/// Every row of every table of the database at `path`, as text.
pub fn table_dump(path: &std::path::Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table}: {}\n", row.unwrap().join(" | ")));
        }
    }
    out
}

pub mod json;

/// A pupil's sign-in or sign-out as the kiosk asks for it: by MIS id, no reason, no adult.
pub fn request(kind: kiosk_core::rules::EventKind, mis_id: &str) -> kiosk_core::recording::Request {
    kiosk_core::recording::Request {
        kind,
        person: kiosk_core::recording::Person::MisId(mis_id.into()),
        reason: None,
        collected_by: None,
        at: None,
    }
}

/// A visitor's late sign-in on `date` at 09:00 London time, as the store keeps it.
pub fn visitor_on(date: chrono::NaiveDate) -> kiosk_core::store::NewEvent {
    kiosk_core::store::NewEvent {
        kind: kiosk_core::rules::EventKind::LateSignIn,
        student_upi: None,
        person_name: "Visitor".into(),
        year: None,
        registration_group: None,
        occurred_at: kiosk_model::clock::local_to_utc(
            chrono_tz::Europe::London,
            date,
            chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"),
        ),
        school_date: date,
        reason: None,
        reason_typed: false,
        collected_by: None,
        collector_contact: None,
    }
}

/// The configuration check of `store` as staff see it, on a clock Wonde agrees with.
pub fn check(store: &Store) -> Vec<kiosk_core::staff::check::Finding> {
    let caps = kiosk_core::mis_capabilities::MisCapabilities::builtin().expect("built-in table");
    kiosk_core::staff::check::run(store, &caps, Utc::now(), None).expect("the check runs")
}
