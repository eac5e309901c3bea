//! Bad files from the office (issue 7): the employees CSV upload (R1.5) and the settings import
//! (`kioskctl settings import`, R5.3) fed arbitrary bytes, broken quoting, huge fields, a BOM,
//! wrong headers, arbitrary JSON and real settings with fields removed or retyped. Either the
//! whole file is used, or it is refused with a message that names the line (CSV) or the problem
//! (settings), and nothing in the kiosk's data changed; never a panic.
//!
//! Why proptest and not cargo-fuzz: cargo-fuzz needs a nightly toolchain, and this project's
//! machines and CI have only stable Rust and cannot download another. The properties are
//! bounded (a few hundred cases each) so each runs in well under a minute in CI.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::Utc;
use proptest::prelude::*;
use serde_json::Value;

use kiosk_core::import::employees_csv::{import_employees_csv, CsvError};
use kiosk_core::settings::Settings;
use kiosk_core::store::Store;

/// A store with a roster, settings of its own and two staff already uploaded, so "unchanged"
/// has something to lose.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = common::seeded_store(dir.path(), Utc::now());
    let settings = Settings::default().with("default_group.am_late", "08:55").unwrap();
    store.save_settings(&settings).unwrap();
    let staff = "forename,surname,mis_id,email\nAnn,Lee,78,ann@school.example\nSiobhán,O'Neill,,siobhan@school.example\n";
    import_employees_csv(&store, staff.as_bytes(), Utc::now()).unwrap();
    (dir, store)
}

/// One CSV field of the kinds that break importers.
fn csv_field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Ann",
            "Lee",
            "O'Neill",
            "Smith-Jones",
            "ann@school.example",
            "not-an-email",
            "77",
            "",
            " ",
            "\"",
            "\"\"",
            "\"unclosed",
            "a\"b",
            "\"quoted, with comma\"",
            "\"two\nlines\"",
            "\u{feff}",
            "\u{0}",
            "\r",
            "=cmd|' /C calc'!A0",
            "👩‍👩‍👧",
            "e\u{301}",
            "\u{202e}",
        ])
        .prop_map(String::from),
        "[^,\n]{0,20}",
        (1usize..200_000).prop_map(|n| "x".repeat(n)),
    ]
}

fn csv_header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("forename,surname,mis_id,email,role".to_string()),
        Just("\u{feff}Forename,Surname,MIS ID,Email,Role".to_string()),
        Just("First Name,Last-Name,title".to_string()),
        Just("name,email".to_string()),
        Just("forename,forename,surname".to_string()),
        Just("".to_string()),
        prop::collection::vec(csv_field(), 0..6).prop_map(|f| f.join(",")),
    ]
}

/// A CSV built like a real upload, with odd fields, ragged rows and mixed line endings.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let row = prop::collection::vec(csv_field(), 0..7).prop_map(|f| f.join(","));
    (csv_header(), prop::collection::vec(row, 0..8), prop::sample::select(vec!["\n", "\r\n", "\r"]))
        .prop_map(|(header, rows, end)| format!("{header}{end}{}", rows.join(end)).into_bytes())
}

/// The property for any upload: used whole, or refused with every bad line named and nothing
/// in the store changed.
fn upload_is_all_or_nothing(bytes: &[u8]) -> Result<(), TestCaseError> {
    let (_dir, store) = store();
    let before = common::table_dump(store.path());
    let staff_before = store.employees().unwrap().len();
    let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
    match import_employees_csv(&store, bytes, Utc::now()) {
        Ok(report) => {
            let staff_after = store.employees().unwrap().len();
            prop_assert_eq!(staff_after, staff_before + report.added, "every added row is there");
        }
        Err(CsvError::Store(e)) => prop_assert!(false, "the store failed: {e}"),
        Err(e) => {
            if let CsvError::BadRows(rows) = &e {
                prop_assert!(!rows.is_empty());
                for row in rows {
                    prop_assert!(
                        (2..=lines).contains(&row.line),
                        "line {} of a {lines}-line file",
                        row.line
                    );
                    prop_assert!(
                        !row.reason.is_empty() && row.reason.chars().count() <= 200,
                        "{}",
                        row.reason
                    );
                }
            }
            prop_assert!(
                e.to_string().chars().count() <= 300,
                "a long message: {}",
                e.to_string().len()
            );
            prop_assert!(
                common::table_dump(store.path()) == before,
                "a refused upload changed the store"
            );
        }
    }
    Ok(())
}

/// The settings as exported, as JSON.
fn exported() -> Value {
    serde_json::to_value(
        Settings::default()
            .with("groups", r#"[{"name":"Sixth form","years":["12","13"]}]"#)
            .unwrap(),
    )
    .unwrap()
}

/// Arbitrary JSON with the settings' own keys often, so cases get past the first field.
fn any_json() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        prop::sample::select(vec![
            "09:05",
            "25:00",
            "Europe/London",
            "Mars/Olympus",
            "L",
            "",
            "time_bands",
            "\u{0}"
        ])
        .prop_map(String::from),
        "\\PC{0,20}",
    ];
    common::json::tree(
        vec![
            "time_zone",
            "default_group",
            "groups",
            "name",
            "years",
            "am_late",
            "pm_start",
            "late_code",
            "reasons",
            "label",
            "used_for",
            "writeback",
            "mode",
            "code",
            "bands",
            "from",
            "retention_days",
            "inactivity_seconds",
        ],
        text,
    )
}

/// The exported settings with the value at `path` (each step picks a key or item, wrapping
/// round) replaced, or nulled when `new` is `None`.
fn settings_with(path: &[usize], new: Option<Value>) -> Value {
    let mut doc = exported();
    let mut pointer = String::new();
    let mut node = &doc;
    for &step in path {
        let (key, next) = match node {
            Value::Object(map) if !map.is_empty() => {
                let (k, v) = map.iter().nth(step % map.len()).unwrap();
                (k.replace('~', "~0").replace('/', "~1"), v)
            }
            Value::Array(items) if !items.is_empty() => {
                ((step % items.len()).to_string(), &items[step % items.len()])
            }
            _ => break,
        };
        pointer.push('/');
        pointer.push_str(&key);
        node = next;
    }
    *doc.pointer_mut(&pointer).unwrap() = new.unwrap_or(Value::Null);
    doc
}

/// The property for any settings text: saved whole when valid, else refused with a short
/// message and the stored settings unchanged.
fn settings_import_is_all_or_nothing(text: &str) -> Result<(), TestCaseError> {
    let (_dir, store) = store();
    let before = store.settings().unwrap();
    match Settings::from_json(text) {
        Ok(settings) => {
            store.save_settings(&settings).unwrap();
            prop_assert_eq!(store.settings().unwrap(), settings);
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(
                !message.is_empty() && message.chars().count() <= 300,
                "message of {} characters",
                message.len()
            );
            prop_assert_eq!(store.settings().unwrap(), before);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(env!("CARGO_MANIFEST_DIR"), "/../../proptest-regressions/bad_input_files.txt")))), ..ProptestConfig::default() })]

    #[test]
    fn an_upload_of_arbitrary_bytes_is_used_whole_or_refused_changing_nothing(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        upload_is_all_or_nothing(&bytes)?;
    }

    #[test]
    fn an_upload_with_odd_fields_quotes_headers_and_line_ends_is_used_whole_or_refused_changing_nothing(bytes in csv_file()) {
        upload_is_all_or_nothing(&bytes)?;
    }

    #[test]
    fn settings_of_arbitrary_text_or_json_are_saved_whole_or_refused_leaving_the_old_ones(
        text in prop_oneof![any::<String>(), any_json().prop_map(|v| v.to_string())],
    ) {
        settings_import_is_all_or_nothing(&text)?;
    }

    #[test]
    fn exported_settings_with_a_field_removed_retyped_or_huge_are_saved_whole_or_refused(
        path in prop::collection::vec(any::<usize>(), 1..5),
        new in prop_oneof![Just(None), any_json().prop_map(Some), (1usize..300_000).prop_map(|n| Some(Value::from("9".repeat(n))))],
    ) {
        settings_import_is_all_or_nothing(&settings_with(&path, new).to_string())?;
    }
}

/// `kioskctl settings import -` with what stdin gives; returns (exit code, stderr).
fn kioskctl_import(data_dir: &std::path::Path, input: &[u8]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kioskctl"))
        .args(["--data-dir", data_dir.to_str().unwrap(), "settings", "import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn kioskctl_refuses_a_bad_settings_file_with_exit_2_a_short_reason_and_the_old_settings_kept() {
    let (dir, store) = store();
    let before = common::table_dump(store.path());
    drop(store);
    let huge_name = settings_with(&[2, 0, 7], Some(Value::from("x".repeat(1 << 20)))).to_string();
    let cases: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0x00],
        b"{".to_vec(),
        b"[]".to_vec(),
        br#"{"default_group":{"am_late":"25:00"}}"#.to_vec(),
        br#"{"time_zone":"Mars/Olympus"}"#.to_vec(),
        br#"{"retention_days":-1}"#.to_vec(),
        br#"{"inactivity_seconds":1e400}"#.to_vec(),
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        huge_name.into_bytes(),
    ];
    for input in cases {
        let (code, stderr) = kioskctl_import(dir.path(), &input);
        let shown = String::from_utf8_lossy(&input[..input.len().min(60)]).into_owned();
        assert_eq!(code, 2, "{shown}: {stderr}");
        assert!(
            !stderr.trim().is_empty() && stderr.len() <= 600,
            "{shown}: {} bytes of reason: {}",
            stderr.len(),
            &stderr[..stderr.len().min(300)]
        );
        assert!(!stderr.contains("panicked"), "{shown}: {stderr}");
        assert!(
            common::table_dump(&dir.path().join("kiosk.sqlite3")) == before,
            "{shown} changed the kiosk's data"
        );
    }
}
