//! Pupils' photos (R7.2) from the simulator into a real store, under either reading of Wonde's
//! `photo` include (inline base64 or an address to fetch: `WONDE_SIM_READINGS`): kept as checked
//! images, fetched again only when their hash changes, gone when the pupil leaves or the school
//! turns photos off; a photo that is not an image or is 40 MB is left out and the import completes.

mod common;

use chrono::NaiveDate;

use kiosk_core::import::{run_import, ImportOptions, ImportSummary};
use kiosk_core::store::Store;
use kiosk_model::clock::SystemClock;

use common::{client, simulator};

async fn import(sim: &wonde_sim::Simulator, store: &Store) -> ImportSummary {
    let options = ImportOptions { full: true, retries: 0, ..Default::default() };
    run_import(&client(sim), store, &SystemClock, &options, &|_| {})
        .await
        .expect("the import completes")
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    (dir, store)
}

#[tokio::test]
async fn the_demo_pupils_photos_are_kept_as_the_mis_holds_them_and_those_without_have_none() {
    let sim = simulator(60).await;
    let (_dir, store) = store();
    import(&sim, &store).await;
    let pupils = sim.read_school(|s| s.students.clone());
    let current: Vec<_> = pupils
        .iter()
        .filter(|p| store.students().unwrap().iter().any(|s| s.upi == p.upi))
        .collect();
    let with = current.iter().filter(|p| p.photo.is_some()).count();
    assert!(
        with > 0 && with < current.len(),
        "some pupils have photos, some not: {with} of {}",
        current.len()
    );
    for p in &current {
        let kept = store.photo(&p.upi).unwrap();
        match &p.photo {
            Some(bytes) => {
                assert_eq!(kept, Some(("image/png".to_string(), bytes.clone())), "{}", p.id)
            }
            None => assert_eq!(kept, None, "{}", p.id),
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_changed_photo_replaces_the_old_one_and_a_leavers_photo_is_gone_after_the_next_import() {
    let sim = simulator(40).await;
    let (dir, store) = store();
    import(&sim, &store).await;
    let current = store.students().unwrap();
    let with_photo: Vec<_> = sim.read_school(|s| {
        s.students
            .iter()
            .filter(|p| p.photo.is_some() && current.iter().any(|c| c.upi == p.upi))
            .cloned()
            .collect()
    });
    let (changing, leaving) = (&with_photo[0], &with_photo[1]);
    let before = store.photo(&leaving.upi).unwrap().unwrap().1;

    let new = sim.read_school(|s| {
        s.students
            .iter()
            .find(|p| p.photo.is_some() && p.id != changing.id && p.photo != changing.photo)
            .unwrap()
            .photo
            .clone()
    });
    sim.change_student(&changing.id, |s| s.photo = new.clone());
    sim.add_leaver(&leaving.id, NaiveDate::from_ymd_opt(2025, 12, 19).unwrap());
    import(&sim, &store).await;
    assert_eq!(store.photo(&changing.upi).unwrap().map(|(_, b)| b), new);
    assert_eq!(store.photo(&leaving.upi).unwrap(), None);
    // Not even in the file's free pages: secure_delete overwrote it.
    let file = std::fs::read(dir.path().join("kiosk.sqlite3")).unwrap();
    assert!(
        !file.windows(before.len()).any(|w| w == before.as_slice()),
        "the leaver's photo is still in the file"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_photo_that_is_not_an_image_or_is_40_mb_is_left_out_and_the_import_completes() {
    let sim = simulator(30).await;
    let (_dir, store) = store();
    let current: Vec<_> = sim.read_school(|s| {
        s.students
            .iter()
            .filter(|p| p.leaving_date.is_none())
            .map(|p| (p.id.clone(), p.upi.clone()))
            .collect()
    });
    let (html, huge) = (&current[0], &current[1]);
    sim.change_student(&html.0, |s| s.photo = Some(b"<html>Access denied</html>".to_vec()));
    sim.change_student(&huge.0, |s| {
        s.photo = Some([b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0u8; 40 << 20]].concat())
    });
    let summary = import(&sim, &store).await;
    assert_eq!(summary.photos_skipped, 2);
    assert!(summary.counts.students > 20, "every pupil imported");
    assert_eq!(store.photo(&html.1).unwrap(), None);
    assert_eq!(store.photo(&huge.1).unwrap(), None);
    assert!(store.student(&html.1).unwrap().is_some_and(|s| !s.archived));
    sim.shutdown().await;
}

#[tokio::test]
async fn photos_turned_off_are_neither_fetched_nor_kept() {
    let sim = simulator(30).await;
    let (_dir, store) = store();
    import(&sim, &store).await;
    assert!(!store.photo_versions().unwrap().is_empty());
    let mut settings = store.settings_or_default();
    settings.photos_enabled = false;
    store.save_settings(&settings).unwrap();
    import(&sim, &store).await;
    assert!(store.photo_versions().unwrap().is_empty());
    sim.shutdown().await;
}
