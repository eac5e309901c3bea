//! Cards at the kiosk (R7.1): a scan looked up by the identifier the school chose, or by the
//! kiosk's own card code; the codes themselves (random, so a lost card reveals nothing about its
//! pupil); and the sheet of QR cards for those who have none (`sheet.rs`).

mod sheet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::store::{EventFilter, Store, StoreError};
use kiosk_model::roster::{CardField, Student};
use kiosk_model::year::normal_year;
use kiosk_model::EventKind;

pub use sheet::{sheet_pdf, SheetCard};

/// Longer than any identifier a card carries: a longer burst is not a card.
pub const MAX_SCAN: usize = 64;
/// Letters and digits no one misreads for another (no 0/O, 1/I): a code can be typed by hand.
const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// 12 characters of 32: 60 bits, not guessable at a kiosk.
const CODE_LEN: usize = 12;

/// Why a scan found no pupil, or a sheet was not made.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("Cards are not used at this kiosk. Please find your name instead.")]
    Off,
    #[error("The card could not be read. Please scan it again, or find your name instead.")]
    Unreadable,
    #[error("This card is not known to the kiosk. Please find your name instead.")]
    Unknown,
    #[error("This card has been replaced by a new one. Please use the new card, or find your name instead.")]
    Replaced,
    #[error("No pupil is in {0} at the moment.")]
    EmptyGroup(String),
    #[error("There is no such pupil at the school now.")]
    NoSuchPupil,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new random card code.
pub fn new_code() -> String {
    // 256 is a multiple of 32, so every letter is as likely.
    (0..CODE_LEN).map(|_| CODE_ALPHABET[usize::from(rand::random::<u8>() % 32)] as char).collect()
}

/// What a reader typed, as it is looked up: trimmed; empty, over-long or not printable ASCII (a
/// reader unplugged mid-card, keys mashed at speed, another device's noise) is unreadable.
pub fn read_scan(scanned: &str) -> Result<&str, CardError> {
    let text = scanned.trim();
    let printable = text.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if text.is_empty() || text.len() > MAX_SCAN || !printable {
        return Err(CardError::Unreadable);
    }
    Ok(text)
}

/// The current pupil a scan names: by the school's `field`, else by the kiosk's own code.
pub fn find(store: &Store, field: CardField, scanned: &str) -> Result<Student, CardError> {
    if field == CardField::Off {
        return Err(CardError::Off);
    }
    let text = read_scan(scanned)?;
    for by in [field, CardField::CardCode] {
        if let Some(student) = store.student_by_card(by, text)? {
            return Ok(student);
        }
    }
    Err(if store.card_code_revoked(text)? { CardError::Replaced } else { CardError::Unknown })
}

/// When the pupil first signed in late on `day`, if they did: a second scan says so rather than
/// record them twice.
pub fn signed_in_late_on(
    store: &Store,
    upi: &str,
    day: NaiveDate,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let filter =
        EventFilter { date: Some(day), kind: Some(EventKind::LateSignIn), ..Default::default() };
    let events = store.events(&filter)?;
    Ok(events.iter().filter(|e| e.student_upi.as_deref() == Some(upi)).map(|e| e.occurred_at).min())
}

/// Which pupils a sheet of cards is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetGroup {
    /// A year, in any form the school writes it ("Year 7", "7").
    Year(String),
    Registration(String),
}

impl SheetGroup {
    fn holds(&self, s: &Student) -> bool {
        match self {
            Self::Year(year) => {
                let want = normal_year(year);
                want.is_some() && s.year.as_deref().and_then(normal_year) == want
            }
            Self::Registration(group) => {
                s.registration_group.as_deref().map(str::trim) == Some(group.trim())
            }
        }
    }
}

/// "Year 7", "7B": the group as the sheet and its file are named.
impl std::fmt::Display for SheetGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = match self {
            Self::Year(year) => match normal_year(year) {
                Some(y) if y.bytes().all(|b| b.is_ascii_digit()) => format!("Year {y}"),
                _ => year.trim().to_string(),
            },
            Self::Registration(group) => group.trim().to_string(),
        };
        f.write_str(&label)
    }
}

/// The cards of a group's current pupils, by surname: each pupil's current code, issued now for
/// those who have none (one transaction), and their photo unless photos are off.
pub fn cards_for(
    store: &Store,
    group: &SheetGroup,
    now: DateTime<Utc>,
) -> Result<Vec<SheetCard>, CardError> {
    let pupils: Vec<Student> = store.students()?.into_iter().filter(|s| group.holds(s)).collect();
    if pupils.is_empty() {
        return Err(CardError::EmptyGroup(group.to_string()));
    }
    let upis: Vec<String> = pupils.iter().map(|s| s.upi.clone()).collect();
    let codes = store.card_codes(&upis, now, &mut new_code)?;
    let photos_on = store.settings_or_default().photos_enabled;
    let photos = upis
        .iter()
        .map(|upi| Ok(if photos_on { store.photo(upi)?.map(|(_, bytes)| bytes) } else { None }))
        .collect::<Result<Vec<_>, CardError>>()?;
    Ok(pupils
        .into_iter()
        .zip(codes)
        .zip(photos)
        .map(|((s, code), photo)| SheetCard {
            name: s.display_name(),
            group: [
                s.year.as_deref().map(|y| SheetGroup::Year(y.into()).to_string()),
                s.registration_group,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            code,
            photo,
        })
        .collect())
}

/// Revokes a pupil's card code and issues a new one: their old card stops working.
pub fn reissue(store: &Store, upi: &str, now: DateTime<Utc>) -> Result<Student, CardError> {
    store.reissue_card_code(upi, now, &mut new_code)?.ok_or(CardError::NoSuchPupil)?;
    store.student(upi)?.ok_or(CardError::NoSuchPupil)
}
