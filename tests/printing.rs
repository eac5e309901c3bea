//! The on-site list printed through a real CUPS (L7, R5.6): `.ci/cups` starts cupsd if needed
//! and keeps a `KioskPDF` queue on Debian's cups-pdf driver, so the page printed is a PDF whose
//! text the test reads back with `pdftotext`.

mod common;
#[path = "common/kiosk.rs"]
mod kiosk;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use kiosk::{kiosk, Kiosk};

/// The test printer, set up by `.ci/cups`; the folder its PDFs land in.
fn test_printer() -> PathBuf {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/cups");
    let out = Command::new(script)
        .output()
        .unwrap_or_else(|e| panic!("{script} runs (bash, .ci/deps' cups packages): {e}"));
    assert!(
        out.status.success(),
        "the printing tests need a real CUPS queue, and {script} could not set one up (run it as \
         root after .ci/deps):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn set_printer(kiosk: &Kiosk, session: &str, printer: Option<&str>) {
    let mut settings = kiosk.call("staff_settings", json!({ "session": session })).unwrap();
    settings["settings"]["printer"] = json!(printer);
    kiosk
        .call(
            "staff_save_settings",
            json!({ "session": session, "settings": settings["settings"] }),
        )
        .unwrap();
}

/// The text of CUPS job `job`'s PDF once cups-pdf has written it whole.
fn printed_text(folder: &Path, job: &str) -> String {
    let number = job.rsplit('-').next().unwrap();
    let suffix = format!("-job_{number}.pdf");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut text = String::new();
    loop {
        let pdf = std::fs::read_dir(folder)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.to_string_lossy().ends_with(&suffix));
        if let Some(pdf) = pdf {
            let out = Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext runs (poppler-utils, .ci/deps)");
            text = String::from_utf8_lossy(&out.stdout).into_owned();
            // Ghostscript may still be writing it: its text ends with the last line printed.
            if text.contains("printed at") && text.contains("Zoë") {
                return text;
            }
        }
        assert!(Instant::now() < deadline, "job {job} did not reach {}: {text}", folder.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_on_site_list_prints_on_the_school_printer_and_without_one_nothing_is_printed() {
    let folder = test_printer();
    let kiosk = kiosk();
    let session = kiosk.staff_session();
    kiosk.sign_in("u1").unwrap();
    let early = json!({ "kind": "early_sign_out", "upi": "u2", "typedName": null, "reason": null, "reasonTyped": false, "collectedBy": "Ann Other" });
    kiosk.call("record_event", json!({ "event": early })).unwrap();
    let print = || kiosk.call_coded("staff_print_on_site", json!({ "session": session }));

    let (code, sentence) = print().unwrap_err();
    assert_eq!(code, "PRINTER_NOT_SET", "{sentence}");
    assert!(sentence.contains("Settings"), "{sentence}");

    // A queue CUPS does not have: lp's refusal, in a sentence, and nothing recorded changes.
    set_printer(&kiosk, &session, Some("NoSuchPrinter"));
    let before = kiosk.snapshot();
    let (code, sentence) = print().unwrap_err();
    assert_eq!(code, "PRINT_FAILED", "{sentence}");
    assert!(
        sentence.starts_with("The printer 'NoSuchPrinter' did not take the list")
            && sentence.contains("does not exist"),
        "{sentence}"
    );
    assert!(kiosk.snapshot() == before, "a refused print changed the kiosk's data");

    set_printer(&kiosk, &session, Some("KioskPDF"));
    let printed = print().unwrap();
    assert_eq!(
        (printed["printer"].clone(), printed["rows"].clone()),
        (json!("KioskPDF"), json!(2))
    );
    let job = printed["job"].as_str().unwrap();
    assert!(job.starts_with("KioskPDF-"), "{printed}");
    let text = printed_text(&folder, job);
    for words in [
        "Wonde Testing School",
        "On site now: Monday 23 November 2026, printed at 09:12",
        "Zoë O'Brien",
        "9B",
        "Late sign-in",
        "Ann Other (not a known contact)",
    ] {
        assert!(text.contains(words), "{words:?} on the printed page:\n{text}");
    }
}
