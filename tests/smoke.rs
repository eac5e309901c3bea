//! The real desktop binary under Xvfb with a window manager, on the demo school: it starts,
//! shows its window in kiosk mode as the window manager applies it (full screen, above, not
//! closable: R2.5), keeps a screenshot of the home screen (`target/smoke/home.png`, a CI
//! artefact), hands a second launch over to itself, opens before a slow first import, and exits
//! 0 on SIGTERM/SIGINT after stopping the sync engine. Needs `xvfb-run`, `dbus-run-session`,
//! openbox, wmctrl, ImageMagick and x11-utils (`.ci/deps` installs them).

mod common;
#[path = "smoke/harness.rs"]
mod harness;
#[path = "smoke/webdriver.rs"]
mod webdriver;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::{colours, smoke_dir, start_program, Geometry, Running, APP};
use webdriver::WebDriver;

/// A debug build on a slow CI machine needs the headroom.
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// A screen larger than the ordinary window (1280x800), so full screen is told apart from it.
const SCREEN: Geometry = Geometry { x: 0, y: 0, width: 1600, height: 900 };

fn start(data_dir: &Path, name: &str) -> Running {
    start_program(data_dir, name, &format!("{}x{}", SCREEN.width, SCREEN.height), APP, &[], &[])
}

/// One setting changed in the kiosk's data directory before it starts, as the school's IT
/// would with `kioskctl settings set`.
fn set_setting(data_dir: &Path, key: &str, value: &str) {
    let store = kiosk_core::store::Store::open_dir(data_dir).unwrap();
    let settings = store.settings().unwrap().with(key, value).unwrap();
    store.save_settings(&settings).unwrap();
}

/// The window's `_NET_WM_STATE` (full screen, above, ...) as the window manager keeps it.
fn wm_state(app: &Running, id: &str) -> String {
    app.window_property(id, "_NET_WM_STATE").unwrap_or_default()
}

/// Asks the window manager to close the window, as its close button or Alt+F4 does
/// (`_NET_CLOSE_WINDOW`).
fn close_like_a_user(app: &Running, id: &str) {
    app.x_output("wmctrl", &["-i", "-c", id]);
}

#[test]
fn the_kiosk_opens_full_screen_above_everything_refuses_to_close_keeps_one_instance_and_exits_cleanly(
) {
    let data = tempfile::tempdir().unwrap();
    let mut kiosk = start(data.path(), "kiosk");
    kiosk.wait_for_log("kiosk window ready", START_TIMEOUT);
    assert!(kiosk.log().contains("kiosk=true"), "kiosk mode is the default: {}", kiosk.log());
    kiosk.wait_for_log("sync engine started", START_TIMEOUT);

    // The home screen rendered by WebKitGTK, not an empty or black window. The page has loaded;
    // its first paint follows within moments.
    let shot = smoke_dir().join("home.png");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        kiosk.screenshot(&shot);
        if colours(&shot) > 64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the screen stayed blank: {} colours in {}",
            colours(&shot),
            shot.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    }

    // What the window manager made of the kiosk's requests (R2.5): the whole screen, no frame,
    // above other windows.
    let id = kiosk.managed_window();
    assert_eq!(kiosk.geometry(&id), SCREEN, "the kiosk covers the screen");
    let state = wm_state(&kiosk, &id);
    assert!(
        state.contains("_NET_WM_STATE_FULLSCREEN") && state.contains("_NET_WM_STATE_ABOVE"),
        "{state}"
    );

    // Closing it the way a user or the window manager would does nothing. openbox offers Close
    // on every window and passes the request on (WM_DELETE_WINDOW); the app turns it down.
    close_like_a_user(&kiosk, &id);
    kiosk.wait_for_log("close request refused: kiosk mode", Duration::from_secs(20));
    assert!(kiosk.is_running() && kiosk.window_exists(&id), "the kiosk closed:\n{}", kiosk.log());
    assert_eq!(kiosk.geometry(&id), SCREEN);

    // A second launch on the same desktop hands over to the running kiosk and leaves at once,
    // without starting a second sync engine.
    let second = kiosk
        .x(APP)
        .env("RECEPTION_KIOSK_DATA_DIR", data.path())
        .stderr(Stdio::piped())
        .output()
        .expect("the second launch runs");
    assert!(
        second.status.success(),
        "second launch: {:?} {}",
        second.status,
        String::from_utf8_lossy(&second.stderr)
    );
    kiosk.wait_for_log("second launch: focused the running kiosk", Duration::from_secs(10));
    assert_eq!(kiosk.log().matches("sync engine started").count(), 1, "{}", kiosk.log());

    // Ctrl+C: the engine is stopped through RunEvent::Exit and the process exits 0.
    kiosk.signal("-INT");
    let status = kiosk.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status}:\n{}", kiosk.log());
    let log = kiosk.log();
    assert!(log.contains("sync engine stopped") && log.contains("kiosk stopped"), "{log}");
}

#[test]
fn with_kiosk_mode_off_the_window_is_an_ordinary_one_and_closing_it_quits_cleanly() {
    let data = tempfile::tempdir().unwrap();
    set_setting(data.path(), "kiosk_mode", "false");
    let mut app = start(data.path(), "windowed");
    app.wait_for_log("kiosk window ready", START_TIMEOUT);
    assert!(app.log().contains("kiosk=false"), "{}", app.log());
    app.wait_for_log("sync engine started", START_TIMEOUT);
    let id = app.managed_window();
    let state = wm_state(&app, &id);
    assert!(
        !state.contains("_NET_WM_STATE_FULLSCREEN") && !state.contains("_NET_WM_STATE_ABOVE"),
        "{state}"
    );
    let size = app.geometry(&id);
    assert_eq!((size.width, size.height), (1280, 800), "the development window's size");

    close_like_a_user(&app, &id);
    let status = app.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "exit status {status}:\n{}", app.log());
    assert!(app.log().contains("sync engine stopped"), "{}", app.log());
}

#[test]
fn with_a_school_system_that_does_not_answer_the_window_opens_during_the_first_import_and_sigterm_ends_it(
) {
    let data = tempfile::tempdir().unwrap();
    // A Wonde that takes connections and never answers: the first import can only end by the
    // client's 30 s timeout, long after the window is ready.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let connection = kiosk_core::connection::Connection {
        school_id: "A1930499544".into(),
        base_url: format!("http://{}/v1.0", silent.local_addr().unwrap()),
    };
    let store = kiosk_core::store::Store::open_dir(data.path()).unwrap();
    kiosk_core::connection::save(
        &store,
        data.path(),
        &connection,
        &wonde_client::Token::new("0123456789abcdef0123456789abcdef01234567"),
    )
    .unwrap();
    drop(store);

    let mut kiosk = start(data.path(), "slow-school");
    kiosk.wait_for_log("kiosk window ready", START_TIMEOUT);
    let log = kiosk.log();
    assert!(
        !log.contains("first import") && !log.contains("sync engine started"),
        "the import is still running:\n{log}"
    );

    kiosk.signal("-TERM");
    let status = kiosk.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status}:\n{}", kiosk.log());
    assert!(kiosk.log().contains("kiosk stopped"), "{}", kiosk.log());
    drop(silent);
}

const SCREEN_IS: &str = "return document.body.dataset.screen === ";

#[tokio::test(flavor = "multi_thread")]
async fn the_real_app_shows_the_demo_school_records_a_late_sign_in_and_staff_see_it_written_and_exported_through_webdriver(
) {
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let data_dir = data.path().to_str().unwrap().to_string();
    // The demo school runs on the real clock. Whatever the hour and day of the test, its school
    // is where it is mid-morning, so the sign-in is late (U) and written back long before
    // its midnight: the log's "Successful" is never a matter of when the test ran.
    set_setting(data.path(), "time_zone", common::mid_morning_zone().name());
    let mut driver = start_program(
        data.path(),
        "webdriver",
        // The README's screenshots are of this size.
        "1280x800",
        "WebKitWebDriver",
        &[&format!("--port={port}")],
        // Tauri lets WebKit's automation drive the web view only when asked to.
        // HOME too, so nothing the web view keeps lands in the real user's home.
        &[
            ("TAURI_WEBVIEW_AUTOMATION", "true"),
            ("RECEPTION_KIOSK_DATA_DIR", &data_dir),
            ("HOME", &data_dir),
        ],
    );
    let http = reqwest::Client::builder().timeout(START_TIMEOUT).build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get(format!("{base}/status")).send().await.is_err() {
        assert!(Instant::now() < deadline, "WebKitWebDriver did not listen: {}", driver.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let capabilities = serde_json::json!({ "capabilities": { "alwaysMatch": {
        "webkitgtk:browserOptions": { "binary": APP, "args": [] }
    } } });
    let session = WebDriver::send(http.post(format!("{base}/session")).json(&capabilities)).await;
    let id = session["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {session}"));
    let wd = WebDriver { http: http.clone(), session: format!("{base}/session/{id}") };

    // Home, on the demo school, once its first import (which runs beside the window) is in.
    wd.until(
        "the home screen",
        &format!("{SCREEN_IS}'home' && !document.getElementById('demo-badge').hidden"),
    )
    .await;
    assert_eq!(wd.text("#demo-badge").await, "Demo school");
    let shots = smoke_dir();
    wd.until(
        "the first import",
        "return document.getElementById('status-import').textContent.startsWith('Last import')",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    wd.screenshot(&shots.join("app-home.png")).await;

    // Late sign-in: type, pick the first Sam, confirm.
    wd.click("#btn-late").await;
    wd.until("the find screen", &format!("{SCREEN_IS}'find'")).await;
    let input = wd.element("#find-input").await;
    wd.post(&format!("/element/{input}/value"), serde_json::json!({ "text": "sam" })).await;
    wd.until("names", "return document.querySelectorAll('#find-results button').length >= 2").await;
    wd.script("document.activeElement.blur(); return true").await;
    // WebKit paints a moment after the DOM changes: let the results reach the screen.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    wd.screenshot(&shots.join("app-search.png")).await;

    // The check screen shows the pupil's photo from the MIS (R7.2): the first Sam who has one
    // (the demo school, like a real one, has pupils without); for the others "This isn't me".
    let mut sam = 1;
    loop {
        wd.click(&format!("#find-results li:nth-child({sam}) button")).await;
        wd.until(
            "a reason or the check",
            &format!("{SCREEN_IS}'choose' || document.body.dataset.screen === 'confirm'"),
        )
        .await;
        if wd.script("return document.body.dataset.screen").await == "choose" {
            wd.click("#choose-list button").await;
        }
        wd.until("the check screen", &format!("{SCREEN_IS}'confirm'")).await;
        wd.until(
            "the kiosk's answer for the photo",
            "return document.getElementById('confirm-photo').dataset.photo !== 'waiting'",
        )
        .await;
        if wd.script("return document.getElementById('confirm-photo').dataset.photo").await
            == "shown"
        {
            break;
        }
        assert!(sam < 5, "one of the first five Sams has a photo");
        wd.click("#btn-not-me").await;
        wd.until("the search again", &format!("{SCREEN_IS}'find'")).await;
        wd.until("names", "return document.querySelectorAll('#find-results button').length >= 2")
            .await;
        sam += 1;
    }
    wd.until(
        "the photo drawn",
        "const img = document.getElementById('confirm-photo-img'); return img.complete && img.naturalWidth > 0 && !img.hidden",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    wd.screenshot(&shots.join("app-check.png")).await;
    wd.click("#btn-confirm").await;
    wd.until("the confirmation", &format!("{SCREEN_IS}'done'")).await;
    assert!(
        wd.text("#done-title").await.starts_with("You're signed in"),
        "{}",
        wd.text("#done-title").await
    );
    assert!(
        wd.text("#done-list").await.contains("Signed in at"),
        "{}",
        wd.text("#done-list").await
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    wd.screenshot(&shots.join("app-confirmation.png")).await;

    // The staff area in the real web view (R5): the first PIN, chosen and typed again; the log
    // shows the sign-in written to the demo school's MIS; the day saved as a CSV file.
    wd.click("#btn-done").await;
    wd.until("home again", &format!("{SCREEN_IS}'home'")).await;
    wd.click("#btn-staff").await;
    wd.until("the PIN pad", &format!("{SCREEN_IS}'pin'")).await;
    for _ in 0..2 {
        let pin = wd.element("#pin-input").await;
        wd.post(&format!("/element/{pin}/value"), serde_json::json!({ "text": "246813" })).await;
        wd.click("#pin-ok").await;
    }
    wd.until("the staff area", &format!("{SCREEN_IS}'staff'")).await;
    wd.until(
        "the sign-in written",
        "return [...document.querySelectorAll('#log-rows tr')].some((tr) => /Late sign-in/.test(tr.textContent) && /Successful/.test(tr.textContent))",
    )
    .await;
    wd.click("#log-export-open").await;
    wd.click("#export-go").await;
    wd.until(
        "the export saved",
        "return document.getElementById('staff-notice').textContent.startsWith('Saved 1 event')",
    )
    .await;
    let notice = wd.text("#staff-notice").await;
    let saved = notice
        .rsplit_once(" in ")
        .map(|(_, path)| path.to_string())
        .unwrap_or_else(|| panic!("no path in: {notice}"));
    assert!(
        saved.starts_with(&format!("{data_dir}/exports/")),
        "saved in the data directory's exports folder (R6.4): {saved}"
    );
    let csv = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|row| row.contains("Late sign-in") && row.contains("Successful")),
        "{csv}"
    );

    // The app exits cleanly on SIGTERM, and the sign-in made through the window is in its store.
    let app_pid = String::from_utf8(
        Command::new("pgrep")
            .args(["-P", &driver.pid, "-x", "reception-kiosk"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    assert!(!app_pid.is_empty(), "the app runs under WebKitWebDriver");
    assert!(Command::new("kill").args(["-TERM", &app_pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("kill").args(["-0", &app_pid]).status().unwrap().success() {
        assert!(Instant::now() < deadline, "the app did not exit on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    driver.signal("-TERM");
    let _ = driver.wait_exit(Duration::from_secs(10));
    let store = kiosk_core::store::Store::open_dir(data.path()).unwrap();
    let events = store.events(&kiosk_core::store::EventFilter::default()).unwrap();
    assert_eq!(events.len(), 1, "the sign-in made through the window is in the store");
}
