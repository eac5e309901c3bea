//! When the kiosk cannot write (R4.1): the disk is full, or the data cannot be written. A
//! sign-in is refused with a sentence telling the person to tell the office, the home screen
//! says so, nothing already recorded is lost, and saving works again once space returns.
//!
//! The full disk is real: a 2 MB tmpfs filled to the last byte, so SQLite meets ENOSPC exactly
//! as on a tablet whose storage filled up. Tests run as root, where file permissions stop
//! nothing, and CI may run without root, so the test re-runs itself inside a private user and
//! mount namespace (`unshare`), where it may mount its own tmpfs either way and nothing outside
//! sees it. The read-only case opens the store with SQLite's read-only mode, which refuses
//! writes to root too.

mod common;
#[path = "common/kiosk.rs"]
mod kiosk;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::json;

use kiosk::{kiosk_in, kiosk_on, Kiosk};
use kiosk_core::store::{EventFilter, Store};

const NOT_SAVED: &str =
    "This was not saved: the kiosk cannot store anything just now. Please tell the school office.";
const CANNOT_SAVE: &str =
    "This kiosk cannot save sign-ins at the moment. Please tell the school office.";
/// Set in the re-run: the directory where the private tmpfs is mounted.
const TMPFS_DIR: &str = "RECEPTION_KIOSK_TEST_TMPFS";

fn storage_problem(kiosk: &Kiosk) -> serde_json::Value {
    kiosk.call("home_status", json!({})).unwrap()["storageProblem"].clone()
}

fn events(kiosk: &Kiosk) -> usize {
    kiosk.store.events(&EventFilter::default()).unwrap().len()
}

/// Runs this test binary's test `name` again inside a private user and mount namespace with a
/// 2 MB tmpfs at a fresh directory, and checks it passed.
fn rerun_on_a_small_tmpfs(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"mount -t tmpfs -o size=2m kiosk-test "$1" && exec "$2" --exact "$3" --nocapture --test-threads=1"#;
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .arg(dir.path())
        .arg(std::env::current_exe().unwrap())
        .arg(name)
        .env(TMPFS_DIR, dir.path())
        .output()
        .expect("unshare (util-linux) runs");
    let log =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the test on a small tmpfs failed:\n{log}");
    assert!(log.contains("1 passed"), "the test did not run on the tmpfs:\n{log}");
}

/// Fills the filesystem of `dir` to the last byte; returns the filler to delete later.
fn fill(dir: &Path) -> std::path::PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    let _ = file.sync_all();
    filler
}

#[test]
fn a_full_disk_refuses_a_sign_in_with_a_sentence_loses_nothing_and_saving_resumes_when_space_returns(
) {
    let Some(dir) = std::env::var_os(TMPFS_DIR) else {
        return rerun_on_a_small_tmpfs("a_full_disk_refuses_a_sign_in_with_a_sentence_loses_nothing_and_saving_resumes_when_space_returns");
    };
    let dir = Path::new(&dir);
    let kiosk = kiosk_in(dir);
    kiosk.sign_in("u1").unwrap();
    assert_eq!(storage_problem(&kiosk), json!(null));

    let filler = fill(dir);
    // SQLite may still fit a few more in space its files already hold; those are really saved.
    let mut saved_while_full = 0;
    let refused = loop {
        match kiosk.sign_in("u2") {
            Ok(_) => saved_while_full += 1,
            Err(sentence) => break sentence,
        }
        assert!(saved_while_full < 1000, "a full disk never refused a sign-in");
    };
    assert_eq!(refused, NOT_SAVED);
    assert_eq!(storage_problem(&kiosk), json!(CANNOT_SAVE));
    assert_eq!(
        events(&kiosk),
        1 + saved_while_full,
        "the refused sign-in is not half-recorded and nothing earlier is lost"
    );
    let dump_while_full = kiosk.snapshot();

    std::fs::remove_file(filler).unwrap();
    assert_eq!(storage_problem(&kiosk), json!(null), "the warning goes once space returns");
    let recorded = kiosk.sign_in("u3").unwrap();
    assert_eq!(recorded["name"], "Ava Smith-Jones");
    assert_eq!(events(&kiosk), 2 + saved_while_full);
    assert!(kiosk.snapshot().len() > dump_while_full.len());

    // What the kiosk confirmed is on disk: a fresh start finds every event.
    drop(kiosk);
    let reopened = Store::open_dir(dir).unwrap();
    assert_eq!(reopened.events(&EventFilter::default()).unwrap().len(), 2 + saved_while_full);
}

#[test]
fn a_data_directory_that_cannot_be_written_refuses_a_sign_in_and_says_so_on_the_home_screen() {
    let dir = tempfile::tempdir().unwrap();
    let writable = kiosk::kiosk_in(dir.path());
    writable.sign_in("u1").unwrap();
    let before = writable.snapshot();
    let path = writable.store.path().display().to_string();
    let read_only = Arc::new(Store::open(Path::new(&format!("file:{path}?mode=ro"))).unwrap());
    let kiosk = kiosk_on(read_only, |builder| builder);

    let refused = kiosk.call_coded("record_event", json!({ "event": { "kind": "late_sign_in", "upi": "u2", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": null } }));
    assert_eq!(refused.unwrap_err(), ("NOT_SAVED".to_string(), NOT_SAVED.to_string()));
    assert_eq!(storage_problem(&kiosk), json!(CANNOT_SAVE));
    assert_eq!(writable.snapshot(), before, "nothing recorded, nothing lost");
    assert_eq!(
        kiosk.call("search_students", json!({ "query": "zo" })).unwrap()[0]["upi"],
        "u1",
        "reading still works"
    );
}
