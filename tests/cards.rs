//! Cards (R7.1) over a real import from the simulator into a real store: a scan finds its pupil
//! by the field the school chose (or the kiosk's own code), bad scans and other schools' cards
//! find no one, a reissued card stops the old one, a leaver's card stops working, and the sheet
//! of QR cards for a registration group scans back to exactly that group's pupils.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use chrono::{NaiveDate, Utc};

use kiosk_core::cards::{self, CardError, SheetGroup};
use kiosk_core::import::{run_import, ImportOptions};
use kiosk_core::store::{Store, Student};
use kiosk_model::clock::SystemClock;
use kiosk_model::roster::CardField;

use common::{client, simulator};

async fn imported(pupils: usize) -> (wonde_sim::Simulator, tempfile::TempDir, Store) {
    let sim = simulator(pupils).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    let options = ImportOptions { full: true, retries: 0, ..Default::default() };
    run_import(&client(&sim), &store, &SystemClock, &options, &|_| {}).await.unwrap();
    (sim, dir, store)
}

fn found(store: &Store, field: CardField, scanned: &str) -> Result<String, CardError> {
    cards::find(store, field, scanned).map(|s| s.upi)
}

#[tokio::test]
async fn a_scan_finds_the_pupil_by_the_field_the_school_chose() {
    let (sim, _dir, store) = imported(80).await;
    let upi = store.students().unwrap()[3].upi.clone();
    let pupil = sim.read_school(|s| s.students.iter().find(|s| s.upi == upi).unwrap().clone());
    // What the MIS holds, as Wonde's education details carry it.
    let admission = format!("{:0>6}", pupil.mis_id);
    let upn = format!("K{:0>12}", pupil.mis_id);
    let kept = store.student(&pupil.upi).unwrap().unwrap();
    assert_eq!(kept.admission_number.as_deref(), Some(admission.as_str()));
    assert_eq!(kept.upn.as_deref(), Some(upn.as_str()));

    assert_eq!(found(&store, CardField::AdmissionNumber, &admission).unwrap(), pupil.upi);
    assert_eq!(found(&store, CardField::MisId, &pupil.mis_id).unwrap(), pupil.upi);
    assert_eq!(found(&store, CardField::Upn, &upn.to_lowercase()).unwrap(), pupil.upi);
    assert_eq!(found(&store, CardField::Upn, &format!("  {upn}\r")).unwrap(), pupil.upi);
    // The field chosen is the one looked up: an admission number is not a UPN.
    assert!(matches!(found(&store, CardField::Upn, &admission), Err(CardError::Unknown)));
    assert!(matches!(found(&store, CardField::CardCode, &admission), Err(CardError::Unknown)));
    assert!(matches!(found(&store, CardField::Off, &admission), Err(CardError::Off)));
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_scans_and_other_schools_cards_find_no_one_and_change_nothing() {
    let (sim, dir, store) = imported(40).await;
    let before = common::table_dump(&dir.path().join("kiosk.sqlite3"));
    for scan in ["", "   ", &"7".repeat(500), "12\u{1b}[A34", "0012\u{202e}34"] {
        let result = found(&store, CardField::AdmissionNumber, scan);
        assert!(matches!(result, Err(CardError::Unreadable)), "{scan:?}: {result:?}");
    }
    for scan in ["999999", "ZZZZZZZZZZZZ", "K000000000001X"] {
        let result = found(&store, CardField::AdmissionNumber, scan);
        assert!(matches!(result, Err(CardError::Unknown)), "{scan:?}: {result:?}");
    }
    assert_eq!(common::table_dump(&dir.path().join("kiosk.sqlite3")), before);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_reissued_card_replaces_the_old_one_and_a_leavers_card_stops_working() {
    let (sim, _dir, store) = imported(60).await;
    let current = store.students().unwrap();
    let pupils: Vec<_> = sim.read_school(|s| {
        s.students.iter().filter(|p| current.iter().any(|c| c.upi == p.upi)).cloned().collect()
    });
    let (lost, leaving) = (&pupils[1], &pupils[2]);
    let upis = [lost.upi.clone(), leaving.upi.clone()];
    let now = Utc::now();
    let codes = store.card_codes(&upis, now, &mut cards::new_code).unwrap();
    assert_eq!(store.card_codes(&upis, now, &mut cards::new_code).unwrap(), codes, "kept");
    assert!(codes.iter().all(|c| c.len() == 12), "{codes:?}");
    assert_ne!(codes[0], codes[1]);
    // Whatever the school's own field, the kiosk's cards scan.
    assert_eq!(found(&store, CardField::AdmissionNumber, &codes[0]).unwrap(), lost.upi);

    let reissued = cards::reissue(&store, &lost.upi, now).unwrap();
    assert_eq!(reissued.upi, lost.upi);
    assert!(matches!(found(&store, CardField::CardCode, &codes[0]), Err(CardError::Replaced)));
    let new = store.card_codes(&upis[..1], now, &mut cards::new_code).unwrap();
    assert_ne!(new[0], codes[0]);
    assert_eq!(found(&store, CardField::CardCode, &new[0]).unwrap(), lost.upi);

    sim.add_leaver(&leaving.id, NaiveDate::from_ymd_opt(2025, 12, 19).unwrap());
    let options = ImportOptions { full: true, retries: 0, ..Default::default() };
    run_import(&client(&sim), &store, &SystemClock, &options, &|_| {}).await.unwrap();
    assert!(matches!(found(&store, CardField::CardCode, &codes[1]), Err(CardError::Unknown)));
    assert!(matches!(cards::reissue(&store, &leaving.upi, now), Err(CardError::NoSuchPupil)));
    sim.shutdown().await;
}

/// The page's QR codes, decoded from the PDF drawn at 300 dpi, without smoothing, by poppler (`pdftoppm`).
fn decode_qr_codes(pdf: &std::path::Path) -> Vec<String> {
    let out = pdf.with_extension("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-aa", "no", "-aaVector", "no"])
        .arg(pdf)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut codes = Vec::new();
    let mut pages: Vec<_> = std::fs::read_dir(pdf.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    for page in pages {
        let (width, height, pixels) = read_pgm(&std::fs::read(&page).unwrap());
        // Card by card (two columns of five, ID-1 size, centred on A4): a whole page's finder
        // patterns would be grouped across neighbouring codes.
        let px = |mm: f64| (mm * 300.0 / 25.4).round() as usize;
        let a4 = width.abs_diff(px(210.0)) <= 1 && height.abs_diff(px(297.0)) <= 1;
        assert!(a4, "an A4 page: {width} x {height}");
        for cell in 0..10 {
            let (left, top) = (
                px((210.0 - 2.0 * 85.6) / 2.0 + (cell % 2) as f64 * 85.6),
                px((297.0 - 5.0 * 54.0) / 2.0 + (cell / 2) as f64 * 54.0),
            );
            let (w, h) = (px(85.6) - 2, px(54.0) - 2);
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
                pixels[(top + 1 + y) * width + left + 1 + x]
            });
            for grid in image.detect_grids() {
                codes.push(grid.decode().expect("every QR code on the sheet decodes").1);
            }
        }
    }
    codes
}

/// A binary PGM (P5) as pdftoppm writes it: width, height and one byte a pixel.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, bytes[at + 1..at + 1 + width * height].to_vec())
}

#[tokio::test]
async fn the_sheet_for_a_registration_group_scans_back_to_its_pupils() {
    let (sim, dir, store) = imported(500).await;
    let students = store.students().unwrap();
    let mut groups: Vec<String> =
        students.iter().filter_map(|s| s.registration_group.clone()).collect();
    groups.sort();
    // The largest group: its sheet has more than one page.
    let group = groups
        .chunk_by(|a, b| a == b)
        .max_by_key(|run| run.len())
        .map(|run| run[0].clone())
        .unwrap();
    let in_group: Vec<&Student> =
        students.iter().filter(|s| s.registration_group.as_ref() == Some(&group)).collect();
    assert!(in_group.len() > 10, "more than one page: {}", in_group.len());

    let cards =
        cards::cards_for(&store, &SheetGroup::Registration(group.clone()), Utc::now()).unwrap();
    let pdf = cards::sheet_pdf("Wonde Testing School", &cards);
    let sheets = dir.path().join("sheet");
    std::fs::create_dir(&sheets).unwrap();
    let path = sheets.join("cards.pdf");
    std::fs::write(&path, &pdf).unwrap();

    let scanned: BTreeSet<String> = decode_qr_codes(&path)
        .iter()
        .map(|code| found(&store, CardField::CardCode, code).expect("each code is a pupil's"))
        .collect();
    let expected: BTreeSet<String> = in_group.iter().map(|s| s.upi.clone()).collect();
    assert_eq!(scanned, expected, "one card for each pupil of {group}, and no one else");

    let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for s in &in_group {
        assert!(text.contains(&s.surname), "{} is on the sheet", s.surname);
    }
    assert!(text.contains(&group));

    // Each pupil's photo is on their card: poppler lists one picture for each.
    let with_photo = in_group.iter().filter(|s| store.photo(&s.upi).unwrap().is_some()).count();
    assert!(with_photo > 0 && with_photo < in_group.len(), "the demo school has some of each");
    if let Ok(keep) = std::env::var("KEEP_SHEET") {
        std::fs::copy(&path, keep).unwrap();
    }
    let listed = Command::new("pdfimages").arg("-list").arg(&path).output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    let images: Vec<&str> = listed.lines().skip(2).collect();
    assert_eq!(images.len(), with_photo, "{listed}");
    assert!(images.iter().all(|line| line.split_whitespace().nth(2) == Some("image")), "{listed}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_sheet_for_a_group_with_no_pupils_is_refused() {
    let (sim, _dir, store) = imported(20).await;
    let empty = cards::cards_for(&store, &SheetGroup::Year("Year 3".into()), Utc::now());
    assert!(matches!(&empty, Err(CardError::EmptyGroup(g)) if g == "Year 3"), "{empty:?}");
    sim.shutdown().await;
}
