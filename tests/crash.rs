//! Crash safety (R4.8): `kioskctl sync` killed with SIGKILL at random moments, then run again,
//! loses no event, leaves none stuck, and the MIS ends with each mark once.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;

use reception_kiosk::recording::{self, Person, Request};
use reception_kiosk::rules::EventKind;
use reception_kiosk::store::{EventFilter, Status};
use reception_kiosk::wonde::connection::{self, Connection};
use reception_kiosk::wonde::Token;

fn kioskctl_sync(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kioskctl"));
    cmd.arg("--data-dir").arg(dir).args(["sync", "--max-wait", "30"]).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_sync_at_random_moments_loses_nothing_and_leaves_nothing_stuck() {
    let school = common::sim_school("SIMS", 60, Utc::now()).await;
    school.sim.faults().set_latency(Duration::from_millis(15));
    school.sim.set_writeback_delay(Duration::from_millis(60));
    let store = &school.store;
    let connection = Connection { school_id: school.sim.school_id(), base_url: school.sim.base_url() };
    connection::save(store, school.dir.path(), &connection, &Token::new(school.sim.token())).unwrap();
    // Whatever the time of day the test runs, every sign-in writes a mark.
    let mut settings = store.settings().unwrap();
    settings.default_group.present_writeback = true;
    store.save_settings(&settings).unwrap();

    let students = store.students().unwrap();
    for s in students.iter().take(40) {
        let request = Request {
            kind: EventKind::LateSignIn,
            person: Person::MisId(s.mis_id.clone().unwrap()),
            reason: None,
            collected_by: None,
            at: None,
        };
        recording::record(store, &request, Utc::now()).unwrap();
    }

    for kill_after_ms in [150u64, 420, 90, 610, 260, 330, 45, 500] {
        let mut child = kioskctl_sync(school.dir.path()).spawn().expect("kioskctl runs");
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
    }
    let dir = school.dir.path().to_path_buf();
    let last = tokio::task::spawn_blocking(move || kioskctl_sync(&dir).output().unwrap()).await.unwrap();
    assert!(last.status.success(), "{}", String::from_utf8_lossy(&last.stderr));

    let events = store.events(&EventFilter::default()).unwrap();
    assert_eq!(events.len(), 40, "every recorded event is still there, once");
    let stuck: Vec<_> = events.iter().filter(|e| e.status != Status::Successful).collect();
    assert!(stuck.is_empty(), "not all written: {stuck:?}");
    let marks = school.sim.marks();
    assert_eq!(marks.len(), 40, "one mark per pupil, date and session");
    for e in &events {
        let student = store.student(e.student_upi.as_deref().unwrap()).unwrap().unwrap();
        assert!(marks.iter().any(|m| m.student_id == student.wonde_id && Some(m.code.as_str()) == e.code.as_deref()));
    }
}
