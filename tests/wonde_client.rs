//! The Wonde client against the simulator over real HTTP: paging, includes, errors the sync
//! engine acts on (R4.6), writebacks and what the MIS then holds, and the token kept secret (R6.1).

mod common;

use std::time::Duration;

use chrono::NaiveDate;
use proptest::prelude::*;

use kiosk_core::rules::Session;
use kiosk_model::clock::ManualClock;
use wonde_client::model::{CodeJson, EmployeeJson, One, Page, SchoolJson, StudentJson};
use wonde_client::{
    read_status, LessonRecord, ListQuery, SessionRecord, WondeClient, WondeConfig, WondeError,
    WritebackStatus,
};
use wonde_sim::{demo, Fault, Readings, SimConfig, Simulator};

use common::{client, client_with_timeout, simulator};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

async fn code_id(client: &WondeClient, letter: &str) -> String {
    client
        .attendance_codes()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == letter)
        .unwrap()
        .wonde_id
}

/// The writeback's outcome once Wonde has one: pending, or not yet known (a 404 for a new
/// writeback, under the simulator's other readings), means ask again.
async fn wait_for_outcome(client: &WondeClient, id: &str) -> WritebackStatus {
    for _ in 0..200 {
        match client.writeback_status(id).await {
            Ok(WritebackStatus::Pending) | Err(WondeError::Permanent { http_status: 404, .. }) => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            done => return done.unwrap(),
        }
    }
    panic!("the writeback never completed");
}

#[tokio::test]
async fn every_student_is_read_across_many_pages() {
    let sim = simulator(900).await;
    let expected = sim.read_school(|s| s.students.len());
    let mut pages = 0;
    let students =
        client(&sim).students(&ListQuery::default(), false, &mut |_| pages += 1).await.unwrap();
    assert_eq!(students.len(), expected);
    assert!(pages >= 5, "{pages} pages of at most 200");
    let mut ids: Vec<_> = students.iter().map(|s| s.id.clone().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), expected, "no student twice");
    sim.shutdown().await;
}

#[tokio::test]
async fn students_arrive_with_their_year_registration_group_and_contacts() {
    let sim = simulator(50).await;
    let students = client(&sim).students(&ListQuery::default(), false, &mut |_| {}).await.unwrap();
    let first = &students[0];
    assert!(first.year.get().and_then(|y| y.code.clone()).is_some());
    assert!(first.registration.get().and_then(|r| r.name.clone()).is_some());
    let contact = &first.contacts.items()[0];
    assert_eq!(contact.relationship.as_ref().and_then(|r| r.text.as_deref()), Some("Mother"));
    assert!(students.iter().any(|s| s.education_details.get().is_some()));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_school_says_its_name_and_mis() {
    let mut config = SimConfig::new(demo::generate(3, 10));
    config.mis = "Arbor".into();
    let sim = Simulator::start(config).await.unwrap();
    let school = client(&sim).school().await.unwrap();
    assert_eq!(
        (school.name.as_str(), school.mis.as_str(), school.allows_writeback),
        ("Wonde Testing School", "Arbor", true)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_is_explained_in_plain_words() {
    let sim = simulator(10).await;
    sim.faults().set_token_revoked(true);
    let err = client(&sim).school().await.unwrap_err();
    assert_eq!(err.http_status(), Some(401));
    assert!(!err.is_transient());
    assert!(err.to_string().contains("token was not accepted"), "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_garbled_answer_is_an_error_not_a_crash() {
    let sim = simulator(10).await;
    sim.faults().inject(Fault::Malformed, 1);
    let err = client(&sim).school().await.unwrap_err();
    assert!(
        matches!(&err, WondeError::Malformed { excerpt } if excerpt.contains("Bad gateway")),
        "{err:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn too_many_requests_is_worth_retrying_after_wondes_wait() {
    let sim = simulator(10).await;
    sim.faults().rate_limit_burst(1, 7);
    let err = client(&sim).school().await.unwrap_err();
    assert!(err.is_transient());
    assert_eq!((err.http_status(), err.retry_after()), (Some(429), Some(Duration::from_secs(7))));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_server_error_is_worth_retrying() {
    let sim = simulator(10).await;
    sim.faults().inject(Fault::ServerError(503), 1);
    let c = client(&sim);
    let err = c.school().await.unwrap_err();
    assert!(err.is_transient() && err.http_status() == Some(503), "{err:?}");
    assert!(c.school().await.is_ok(), "the next request succeeds");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_and_a_hung_request_are_worth_retrying() {
    let sim = simulator(10).await;
    let c = client_with_timeout(&sim, Duration::from_millis(400));
    sim.faults().inject(Fault::Reset, 1);
    assert!(c.school().await.unwrap_err().is_transient());
    sim.faults().inject(Fault::Hang, 1);
    let err = c.school().await.unwrap_err();
    assert!(err.is_transient() && err.to_string().contains("timed out"), "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn when_the_network_drops_every_request_fails_as_transient_until_it_returns() {
    let sim = simulator(10).await;
    let c = client(&sim);
    c.school().await.unwrap(); // leaves a pooled keep-alive connection behind
    sim.faults().set_offline(true);
    for _ in 0..3 {
        let err = c.school().await.unwrap_err();
        assert!(err.is_transient() && err.http_status().is_none(), "{err:?}");
    }
    sim.faults().set_offline(false);
    assert!(c.school().await.is_ok());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_late_mark_is_in_the_mis_once_the_writeback_completes_and_an_unknown_student_fails_alone()
{
    let sim = simulator(20).await;
    sim.set_writeback_delay(Duration::from_millis(150));
    let c = client(&sim);
    let student = sim.read_school(|s| s.students[0].id.clone());
    let late = code_id(&c, "L").await;
    let records = vec![
        SessionRecord {
            student_id: student.clone(),
            date: day(),
            session: Session::AM,
            attendance_code_id: late.clone(),
            comment: Some("Bus late".into()),
            minutes_late: Some(12),
        },
        SessionRecord {
            student_id: "A000000000".into(),
            date: day(),
            session: Session::AM,
            attendance_code_id: late,
            comment: None,
            minutes_late: None,
        },
    ];
    let accepted = c.write_session_marks(&records).await.unwrap();
    assert!(
        accepted.sent_summary.contains("Bus late") && !accepted.sent_summary.contains(&sim.token())
    );
    assert!(
        !matches!(
            c.writeback_status(&accepted.writeback_id).await,
            Ok(WritebackStatus::Done { .. })
        ),
        "accepted is not yet done"
    );
    assert!(sim.marks().is_empty(), "accepted is not yet written");
    let WritebackStatus::Done { rows } = wait_for_outcome(&c, &accepted.writeback_id).await else {
        panic!("not done")
    };
    // Whether Wonde lists every record or only the refused ones is [X]: what matters is that
    // the refused row names its student and no row says the first record failed.
    let about = |n: usize| {
        rows.iter().find(|r| {
            r.student_id.as_deref() == Some(records[n].student_id.as_str()) || r.index == Some(n)
        })
    };
    assert!(about(0).is_none_or(|r| r.ok), "{rows:?}");
    let refused = about(1).expect("a row about the unknown student");
    assert!(!refused.ok && refused.message.as_deref().unwrap().contains("not found"));
    let marks = sim.marks();
    assert_eq!(marks.len(), 1);
    assert_eq!(
        (marks[0].code.as_str(), marks[0].minutes_late, marks[0].comment.as_deref()),
        ("L", Some(12), Some("Bus late"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_batch_nobody_in_the_mis_can_take_is_refused_with_wondes_message() {
    let sim = simulator(10).await;
    let c = client(&sim);
    let record = SessionRecord {
        student_id: "A000000000".into(),
        date: day(),
        session: Session::PM,
        attendance_code_id: "AC999".into(),
        comment: None,
        minutes_late: None,
    };
    let err = c.write_session_marks(&[record]).await.unwrap_err();
    assert_eq!(err.http_status(), Some(422));
    assert!(!err.is_transient());
    assert!(err.to_string().contains("was not found in the MIS"), "{err}");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_current_mark_is_read_back_so_protected_codes_are_kept() {
    let sim = simulator(10).await;
    let c = client(&sim);
    let student = sim.read_school(|s| s.students[1].id.clone());
    sim.set_mark(&student, day(), Session::AM, "M");
    assert_eq!(c.session_mark(&student, day(), Session::AM).await.unwrap().as_deref(), Some("M"));
    assert_eq!(c.session_mark(&student, day(), Session::PM).await.unwrap(), None);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_current_mark_whose_code_cannot_be_told_is_unknown_never_no_mark() {
    // Taking it for "no mark" could write over a protected code (R4.10).
    let sim = simulator(10).await;
    let c = client(&sim);
    let student = sim.read_school(|s| s.students[1].id.clone());
    sim.set_mark(&student, day(), Session::AM, "Q");
    let read = c.session_mark(&student, day(), Session::AM).await;
    assert!(
        matches!(&read, Err(WondeError::Malformed { excerpt }) if excerpt.contains("current mark is unknown")),
        "{read:?}"
    );
    sim.shutdown().await;
}

/// A school of 100 pupils with 20 school days of register before Monday 23 November 2026,
/// 09:00, under the given reading.
async fn school_with_history(readings: Readings) -> Simulator {
    let mut config = SimConfig::new(demo::generate(11, 100));
    config.readings = readings;
    config.history_days = 20;
    config.clock = std::sync::Arc::new(ManualClock::new("2026-11-23T09:00:00Z".parse().unwrap()));
    Simulator::start(config).await.unwrap()
}

#[tokio::test]
async fn a_wonde_that_ignores_the_attendance_filters_is_read_once_and_then_by_what_changed() {
    for readings in [Readings::Plain, Readings::Other] {
        let sim = school_with_history(readings).await;
        let c = client(&sim);
        let (a, b) = sim.read_school(|s| (s.students[1].id.clone(), s.students[2].id.clone()));
        // A medical appointment typed in on the Friday before: `updated_after` alone misses it.
        sim.set_mark_entered(&a, day(), Session::AM, "M", "2026-11-20T15:00:00Z".parse().unwrap());
        let read = c.session_mark(&a, day(), Session::AM).await.unwrap();
        assert_eq!(read.as_deref(), Some("M"), "{readings:?}");
        let (pages, history_reads) = sim.mark_pages();
        assert_eq!(c.attendance_filters_ignored().await, readings == Readings::Other);
        let register = sim.read_school(|s| s.students.len()) as u64 * 2 * 20 + 1;
        match readings {
            Readings::Plain => assert_eq!((pages, history_reads), (1, 0)),
            // The filtered read stops at its first page; the history is read once.
            Readings::Other => assert_eq!((pages, history_reads), (1 + register.div_ceil(200), 1)),
        }
        assert_eq!(c.session_mark(&b, day(), Session::AM).await.unwrap(), None, "{readings:?}");
        // The office enters a mark: the next read sees it, reading only what changed.
        sim.set_mark(&b, day(), Session::AM, "B");
        assert_eq!(c.session_mark(&b, day(), Session::AM).await.unwrap().as_deref(), Some("B"));
        let day_marks = c.session_marks_on(day()).await.unwrap();
        assert_eq!(day_marks.len(), 2, "only today's, whatever else Wonde listed: {day_marks:?}");
        let (pages_after, history_reads_after) = sim.mark_pages();
        assert_eq!(history_reads_after, history_reads, "{readings:?}: the history is read once");
        assert_eq!(pages_after - pages, 3, "{readings:?}: one page a read");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn a_register_too_long_to_read_leaves_the_current_mark_unknown() {
    let sim = school_with_history(Readings::Other).await;
    let c =
        WondeClient::new(WondeConfig { register_pages: 5, ..common::client_config(&sim) }).unwrap();
    let student = sim.read_school(|s| s.students[1].id.clone());
    let read = c.session_mark(&student, day(), Session::AM).await;
    assert!(
        matches!(&read, Err(WondeError::Malformed { excerpt }) if excerpt.contains("current marks are unknown")),
        "{read:?}"
    );
    assert!(sim.mark_pages().0 <= 1 + 6, "the read stops at its limit: {:?}", sim.mark_pages());
    sim.shutdown().await;
}

/// An Arbor school with a morning (08:50) and an afternoon (13:10) lesson on `date`; its client
/// and the first pupil's Wonde id.
async fn arbor_with_lessons_on(date: NaiveDate) -> (Simulator, WondeClient, String) {
    let mut school = demo::generate(5, 30);
    demo::add_lessons(&mut school, date);
    let mut config = SimConfig::new(school);
    config.mis = "Arbor".into();
    let sim = Simulator::start(config).await.unwrap();
    let c = client(&sim);
    let student = sim.read_school(|s| s.students[0].id.clone());
    (sim, c, student)
}

#[tokio::test]
async fn on_a_summer_day_the_13_10_lesson_is_in_the_afternoon_whichever_zone_wonde_writes_times_in()
{
    // British Summer Time: under the other reading Wonde writes 13:10 as 12:10 UTC.
    let june = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
    let (sim, c, student) = arbor_with_lessons_on(june).await;
    let half_twelve = chrono::NaiveTime::from_hms_opt(12, 30, 0).unwrap();
    let pm = c.first_lesson(&student, june, Session::PM, half_twelve).await.unwrap();
    let am = c.first_lesson(&student, june, Session::AM, half_twelve).await.unwrap();
    assert!(pm.as_deref().is_some_and(|id| id.ends_with('1')), "the 13:10 lesson: {pm:?}");
    assert!(am.as_deref().is_some_and(|id| id.ends_with('0')), "the morning lesson: {am:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn arbor_marks_go_to_the_first_lesson_of_the_session() {
    let (sim, c, student) = arbor_with_lessons_on(day()).await;
    let noon = chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    let am = c
        .first_lesson(&student, day(), Session::AM, noon)
        .await
        .unwrap()
        .expect("a morning lesson");
    let pm = c
        .first_lesson(&student, day(), Session::PM, noon)
        .await
        .unwrap()
        .expect("an afternoon lesson");
    assert!(am.ends_with('0') && pm.ends_with('1'), "{am} {pm}");
    // A group whose afternoon starts at 13:30: the 13:10 lesson is still its morning.
    let half_one = chrono::NaiveTime::from_hms_opt(13, 30, 0).unwrap();
    assert_eq!(
        c.first_lesson(&student, day(), Session::PM, half_one).await.unwrap(),
        None,
        "no lesson after 13:30"
    );
    assert_eq!(
        c.first_lesson(&student, day(), Session::AM, half_one).await.unwrap(),
        Some(am.clone()),
        "the first lesson of the morning"
    );
    let late = code_id(&c, "L").await;
    let accepted = c
        .write_lesson_marks(&[LessonRecord {
            lesson_id: am.clone(),
            student_id: student.clone(),
            attendance_code_id: late,
            comment: None,
            minutes_late: Some(12),
        }])
        .await
        .unwrap();
    assert!(matches!(
        wait_for_outcome(&c, &accepted.writeback_id).await,
        WritebackStatus::Done { .. }
    ));
    let mark = &sim.marks()[0];
    assert_eq!((mark.lesson_id.as_deref(), mark.minutes_late), (Some(am.as_str()), Some(12)));
    sim.shutdown().await;
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        "[a-z0-9 :./-]{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("data".to_string()),
            Just("meta".to_string()),
            Just("pagination".to_string()),
            Just("next".to_string()),
            Just("per_page".to_string()),
            Just("id".to_string()),
            Just("date".to_string()),
            Just("year".to_string()),
            Just("contacts".to_string()),
            Just("relationship".to_string()),
            Just("status".to_string()),
            Just("results".to_string()),
            Just("index".to_string()),
            Just("errors".to_string()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(env!("CARGO_MANIFEST_DIR"), "/../../proptest-regressions/wonde_client.txt")))), ..ProptestConfig::default() })]

    #[test]
    fn any_json_or_garbage_gives_a_value_or_an_error_never_a_panic(value in json_value(), cut in 0usize..200, noise in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = value.to_string();
        let garbled: Vec<u8> = text.as_bytes()[..cut.min(text.len())].iter().chain(noise.iter()).copied().collect();
        for body in [text.as_bytes(), garbled.as_slice()] {
            let _ = serde_json::from_slice::<Page<StudentJson>>(body);
            let _ = serde_json::from_slice::<Page<EmployeeJson>>(body);
            let _ = serde_json::from_slice::<Page<CodeJson>>(body);
            let _ = serde_json::from_slice::<One<SchoolJson>>(body);
        }
        let _ = read_status(&value);
        let _ = serde_json::from_value::<Page<StudentJson>>(serde_json::json!({ "data": [value.clone()], "meta": value.clone() }));
    }
}
