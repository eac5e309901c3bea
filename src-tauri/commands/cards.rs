//! Cards (R7.1): the kiosk's scan lookup, and the staff area's sheet of QR cards and a pupil's
//! card reissued.

use serde::Serialize;
use tauri::{AppHandle, Runtime};

use super::{check_text, on_pool, StaffSession};
use crate::error::{Error, Result};
use kiosk_core::cards::{self, CardError, SheetGroup};
use kiosk_core::printing;
use kiosk_core::search::Hit;
use kiosk_model::clock::school_date;

/// The pupil a card names, and when they signed in late today if they already have.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardMatch {
    pub pupil: Hit,
    /// "09:12" in the school's time.
    pub late_today: Option<String>,
}

/// Looks up what a card reader typed (R7.1). Whatever was typed, a card that names no current
/// pupil is refused as `CARD_UNKNOWN` with the reason in the sentence.
#[tauri::command]
pub async fn card_lookup<R: Runtime>(app: AppHandle<R>, scanned: String) -> Result<CardMatch> {
    on_pool(app, move |state| {
        let settings = state.store.settings_or_default();
        let student = cards::find(&state.store, settings.card_field, &scanned)?;
        let tz = settings.time_zone;
        let today = school_date(state.clock.now(), tz);
        let late = cards::signed_in_late_on(&state.store, &student.upi, today)?;
        Ok(CardMatch {
            pupil: Hit::from(&student),
            late_today: late.map(|at| at.with_timezone(&tz).format("%H:%M").to_string()),
        })
    })
    .await
}

/// A sheet of cards saved, and printed when asked.
#[derive(Debug, Serialize)]
pub struct CardSheet {
    /// Its name in the exports folder.
    name: String,
    cards: usize,
    /// CUPS's id of the print job, when it was printed.
    job: Option<String>,
}

/// Makes the sheet of QR cards for a year or a registration group, issuing a card code to each
/// pupil who has none; saves it in the exports folder as a PDF and, with `print`, prints it.
#[tauri::command]
pub async fn staff_card_sheet<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    year: Option<String>,
    registration_group: Option<String>,
    print: bool,
) -> Result<CardSheet> {
    let group = match (year, registration_group) {
        (Some(year), None) => SheetGroup::Year(year),
        (None, Some(group)) => SheetGroup::Registration(group),
        _ => return Err(Error::invalid("Choose one year or one registration group.")),
    };
    let (SheetGroup::Year(text) | SheetGroup::Registration(text)) = &group;
    check_text("The group", text)?;
    on_pool(app, move |state| {
        let now = state.clock.now();
        let settings = state.store.settings_or_default();
        let school = state.store.school()?.map(|s| s.name).unwrap_or_default();
        let cards = cards::cards_for(&state.store, &group, now)?;
        let label = group.to_string();
        let pdf = cards::sheet_pdf(&school, &cards);
        let day = school_date(now, settings.time_zone);
        let name = format!("cards-{}-{day}.pdf", file_word(&label));
        state.exports.save(&name, &pdf, now)?;
        tracing::info!(cards = cards.len(), bytes = pdf.len(), "a sheet of cards saved");
        let job = if print {
            let title = format!("Cards {label}");
            Some(printing::print(settings.printer.as_deref(), &title, &pdf)?)
        } else {
            None
        };
        Ok(CardSheet { name, cards: cards.len(), job })
    })
    .await
}

/// A group's name as part of a file name: letters and digits, the rest as dashes.
fn file_word(label: &str) -> String {
    let word: String =
        label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    word.trim_matches('-').to_lowercase()
}

/// The pupil whose card was reissued.
#[derive(Debug, Serialize)]
pub struct Reissued {
    name: String,
}

/// Revokes a pupil's card and issues a new code: the lost card stops working, and the pupil's
/// next sheet carries the new one. The pupil is named by MIS id, as the people list names them.
#[tauri::command]
pub async fn staff_reissue_card<R: Runtime>(
    app: AppHandle<R>,
    _session: StaffSession,
    mis_id: String,
) -> Result<Reissued> {
    check_text("The pupil", &mis_id)?;
    on_pool(app, move |state| {
        let pupil = state.store.student_by_mis_id(&mis_id)?.ok_or(CardError::NoSuchPupil)?;
        let student = cards::reissue(&state.store, &pupil.upi, state.clock.now())?;
        tracing::info!(upi = student.upi, "a pupil's card reissued");
        Ok(Reissued { name: student.display_name() })
    })
    .await
}
