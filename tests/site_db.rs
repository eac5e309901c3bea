//! The site database client against a real PostgreSQL server (tests/common/postgres.rs): kiosks
//! register, push their own events and pull the others' in order, repeats and older copies change
//! nothing, settings saves cannot undo each other, and every wrong address, password, server,
//! school or schema is refused with its own kind.

#[path = "common/postgres.rs"]
mod postgres;

use chrono::{NaiveDate, TimeZone, Utc};
use kiosk_model::{EventKind, Status};
use postgres::{Postgres, PASSWORD};
use site_db::{KioskIdentity, Site, SiteAddress, SiteError, SiteEvent};

const SCHOOL: &str = "A1930499544";

fn address(url: String) -> SiteAddress {
    SiteAddress { url, password: Some(PASSWORD.into()) }
}

fn kiosk(id: &str, name: &str) -> KioskIdentity {
    KioskIdentity { id: id.into(), name: name.into() }
}

fn event(local_id: i64, version: i64, status: Status) -> SiteEvent {
    SiteEvent {
        local_id,
        version,
        kind: EventKind::LateSignIn,
        student_upi: Some(format!("upi-{local_id}")),
        person_name: format!("Pupil {local_id}"),
        year: Some("Year 9".into()),
        registration_group: Some("9A".into()),
        occurred_at: Utc.with_ymd_and_hms(2026, 12, 2, 9, 10, 0).unwrap(),
        school_date: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        reason: None,
        reason_typed: false,
        collected_by: None,
        collector_known: false,
        status,
        cause: None,
        session: Some("AM".into()),
        code: (status == Status::Successful).then(|| "L".into()),
        clock_off_minutes: None,
        attempts: i64::from(status == Status::Successful),
        last_outcome: (status == Status::Successful).then(|| "written".into()),
        updated_at: Utc.with_ymd_and_hms(2026, 12, 2, 9, 10, version as u32).unwrap(),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

#[tokio::test]
async fn each_kiosk_pulls_the_others_events_once_in_order_and_a_repeat_or_older_copy_changes_nothing(
) {
    let pg = Postgres::start();
    let url = pg.url("site");
    let mut reception =
        Site::connect(&address(url.clone()), SCHOOL, &kiosk("k-a", "Main reception"))
            .await
            .unwrap();
    let mut sixth =
        Site::connect(&address(url.clone()), SCHOOL, &kiosk("k-b", "Sixth-form entrance"))
            .await
            .unwrap();

    reception.push(&[event(1, 1, Status::Pending), event(2, 1, Status::Pending)]).await.unwrap();
    let (pulled, unreadable) = sixth.pull(0, day(), 100).await.unwrap();
    assert_eq!(unreadable, 0);
    assert_eq!(pulled.iter().map(|p| p.event.local_id).collect::<Vec<_>>(), [1, 2]);
    assert!(pulled.iter().all(|p| p.kiosk_name == "Main reception" && p.kiosk_id == "k-a"));
    assert!(
        reception.pull(0, day(), 100).await.unwrap().0.is_empty(),
        "a kiosk never pulls its own"
    );

    // Event 1 is written back; its push is repeated (an answer lost), then an older copy arrives.
    let after = pulled.last().unwrap().changed;
    reception.push(&[event(1, 3, Status::Successful)]).await.unwrap();
    reception.push(&[event(1, 3, Status::Successful)]).await.unwrap();
    reception.push(&[event(1, 2, Status::Pending)]).await.unwrap();
    let (changed, _) = sixth.pull(after, day(), 100).await.unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        (changed[0].event.status, changed[0].event.code.as_deref()),
        (Status::Successful, Some("L"))
    );
    let (all, _) = sixth.pull(0, day(), 100).await.unwrap();
    let one = all.iter().find(|p| p.event.local_id == 1).unwrap();
    assert_eq!(one.event.version, 3, "the newest copy stands");

    // Events of days before the pull's first day stay out; the purge deletes them.
    sixth
        .push(&[SiteEvent {
            school_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            ..event(7, 1, Status::Expired)
        }])
        .await
        .unwrap();
    assert!(reception.pull(0, day(), 100).await.unwrap().0.is_empty());
    assert_eq!(reception.purge(day()).await.unwrap(), 1);
    assert_eq!(
        reception.kiosks().await.unwrap().iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["Main reception", "Sixth-form entrance"]
    );
}

#[tokio::test]
async fn two_kiosks_saving_the_settings_from_one_version_cannot_undo_each_other() {
    let pg = Postgres::start();
    let url = pg.url("site");
    let reception = Site::connect(&address(url.clone()), SCHOOL, &kiosk("k-a", "Main reception"))
        .await
        .unwrap();
    let sixth =
        Site::connect(&address(url), SCHOOL, &kiosk("k-b", "Sixth-form entrance")).await.unwrap();
    let now = Utc::now();
    assert_eq!(reception.settings().await.unwrap(), None);
    let first = reception
        .save_settings(0, &serde_json::json!({ "retention_days": 60 }), now)
        .await
        .unwrap();
    assert_eq!(first, 1);
    // Both opened version 1; the sixth form saves first.
    assert_eq!(
        sixth.save_settings(1, &serde_json::json!({ "retention_days": 30 }), now).await.unwrap(),
        2
    );
    let refused =
        reception.save_settings(1, &serde_json::json!({ "retention_days": 90 }), now).await;
    assert!(
        matches!(&refused, Err(SiteError::SettingsChanged { by }) if by == "Sixth-form entrance"),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains("Sixth-form entrance"));
    let kept = reception.settings().await.unwrap().unwrap();
    assert_eq!(
        (kept.version, kept.document["retention_days"].as_i64(), kept.saved_by.as_str()),
        (2, Some(30), "Sixth-form entrance")
    );
    // A second first save is refused too.
    assert!(matches!(
        sixth.save_settings(0, &serde_json::json!({}), now).await,
        Err(SiteError::SettingsChanged { .. })
    ));
}

#[tokio::test]
async fn a_wrong_password_server_school_or_schema_is_refused_with_its_own_kind() {
    let pg = Postgres::start();
    let url = pg.url("site");
    let me = kiosk("k-a", "Main reception");

    let wrong = SiteAddress { url: url.clone(), password: Some("wrong".into()) };
    assert!(matches!(Site::connect(&wrong, SCHOOL, &me).await, Err(SiteError::WrongPassword)));
    let garbled = SiteAddress { url: "postgres://kiosk@[not an address".into(), password: None };
    assert!(matches!(Site::connect(&garbled, SCHOOL, &me).await, Err(SiteError::BadAddress)));

    // Nothing listening, and a server that is no PostgreSQL (it answers in HTTP).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let away = address(format!("postgres://kiosk@127.0.0.1:{closed}/site"));
    let err = Site::connect(&away, SCHOOL, &me).await.err().unwrap();
    assert!(matches!(err, SiteError::Unreachable(_)) && err.is_transient(), "{err:?}");
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_port = http.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = http.accept().await {
            let mut buf = [0u8; 512];
            let _ = socket.read(&mut buf).await;
            let _ =
                socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    let not_pg = address(format!("postgres://kiosk@127.0.0.1:{http_port}/site"));
    let web = Site::connect(&not_pg, SCHOOL, &me).await;
    assert!(matches!(web, Err(SiteError::NotPostgres)), "a web server: {:?}", web.err());

    // The site is the first school's; a kiosk of another school is turned away.
    Site::connect(&address(url.clone()), SCHOOL, &me).await.unwrap();
    let other = Site::connect(&address(url.clone()), "B999", &kiosk("k-z", "Elsewhere")).await;
    assert!(matches!(other, Err(SiteError::OtherSchool)));

    // A newer version has been here: nothing is changed.
    pg.sql("site", "INSERT INTO schema_migrations (version) VALUES (99)");
    let newer = Site::connect(&address(url), SCHOOL, &me).await;
    assert!(matches!(newer, Err(SiteError::NewerSchema { found: 99, .. })), "{:?}", newer.err());
}

#[tokio::test]
async fn a_row_this_version_cannot_read_is_left_out_and_counted_and_the_rest_arrive() {
    let pg = Postgres::start();
    let url = pg.url("site");
    let mut reception =
        Site::connect(&address(url.clone()), SCHOOL, &kiosk("k-a", "Main reception"))
            .await
            .unwrap();
    let sixth =
        Site::connect(&address(url), SCHOOL, &kiosk("k-b", "Sixth-form entrance")).await.unwrap();
    reception
        .push(&[
            event(1, 1, Status::Pending),
            event(2, 1, Status::Pending),
            event(3, 1, Status::Pending),
        ])
        .await
        .unwrap();
    pg.sql("site", "UPDATE events SET status = 'exploded' WHERE local_id = 2");
    let (pulled, unreadable) = sixth.pull(0, day(), 100).await.unwrap();
    assert_eq!(unreadable, 1);
    assert_eq!(pulled.iter().map(|p| p.event.local_id).collect::<Vec<_>>(), [1, 3]);
}
