//! Roster import (R1): the school, attendance codes, groups, students with their year,
//! registration group and contacts, and employees, from Wonde into the store.
//!
//! Everything is downloaded first, then swapped in with one transaction, so a failure part way
//! (the network, Wonde, a page that will not parse) leaves the previous roster in place and is
//! recorded as a failed run with a plain-words message (R1.3). Nightly runs are incremental
//! (`updated_after`, R1.6) with a full run now and then; staff can ask for a full run at any time.

pub mod employees_csv;
mod mapping;
mod photos;
pub mod schedule;

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::store::{Counts, Roster, RosterDelta, Store, StoreError};
use kiosk_model::clock::{school_date, Clock};
use kiosk_model::ImportOutcome;
use wonde_client::model::StudentJson;
use wonde_client::{ListQuery, WondeClient, WondeError};

const LAST_IMPORT_KEY: &str = "wonde.last_import_started_at";
const LAST_FULL_IMPORT_KEY: &str = "wonde.last_full_import_started_at";
/// Rows changed while the previous run was downloading, and clock skew between us and Wonde,
/// are covered by asking for a little more than strictly needed.
const OVERLAP: Duration = Duration::hours(1);

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Wonde(#[from] WondeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("No Wonde connection is set up: connect to the school first (kioskctl connect, or Settings in the staff area).")]
    NotConnected,
    #[error("{0}")]
    Invalid(String),
    /// A full run of the same school that would archive more than a fifth of its pupils or
    /// contacts at once: staff confirm it (`accept_large_archive`) or fix the approval (R1.2).
    #[error(
        "This full import would archive {pupils_leaving} of the school's {pupils} pupils and \
         {contacts_leaving} of its {contacts} contacts, more than a fifth at once, so the previous \
         roster was kept. If they really left, run it again and confirm; otherwise check the \
         school's Wonde approval."
    )]
    LargeArchive { pupils_leaving: usize, pupils: usize, contacts_leaving: usize, contacts: usize },
    #[error(
        "Wonde sent no attendance codes, so no mark could be written; the previous roster was \
         kept. Check that the school's Wonde approval includes attendance."
    )]
    NoCodes,
}

impl ImportError {
    /// The sentence the staff area shows for a failed run.
    pub fn plain_words(&self) -> String {
        match self {
            ImportError::Wonde(e @ WondeError::Permanent { http_status: 401 | 403, .. }) => {
                format!("The import could not start: {e}")
            }
            ImportError::Wonde(e) => {
                format!("The import stopped part way and the previous roster was kept. {e}")
            }
            ImportError::Store(e) => {
                format!("The import could not be saved and the previous roster was kept: {e}")
            }
            other => other.to_string(),
        }
    }

    /// What the log file may say of it (R6.4): no words of Wonde's, which can name pupils.
    pub fn for_log(&self) -> String {
        match self {
            ImportError::Wonde(e) => e.for_log(),
            ImportError::Invalid(_) => "invalid".into(),
            other => other.to_string(),
        }
    }
}

/// What part of an import is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    School,
    Codes,
    Groups,
    Students,
    Leavers,
    Contacts,
    Employees,
    Deletions,
    Saving,
    Done,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::School => "school",
            Stage::Codes => "attendance codes",
            Stage::Groups => "groups",
            Stage::Students => "students",
            Stage::Leavers => "leavers",
            Stage::Contacts => "contacts",
            Stage::Employees => "staff",
            Stage::Deletions => "deletions",
            Stage::Saving => "saving",
            Stage::Done => "done",
        })
    }
}

/// Progress of a run: `done` rows of a stage so far (`total` when known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: Option<usize>,
}

/// How to run an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// A full run even if an incremental one would do.
    pub full: bool,
    /// A nightly run is full when the last full run is older than this (Wonde recommends
    /// periodic full syncs alongside deltas).
    pub full_every: Duration,
    /// Tries of a page that failed transiently before the run fails.
    pub retries: u32,
    /// Staff have confirmed a full run that archives many pupils or contacts at once.
    pub accept_large_archive: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self { full: false, full_every: Duration::days(7), retries: 2, accept_large_archive: false }
    }
}

/// What a successful run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub run_id: i64,
    pub full: bool,
    /// The roster after the run.
    pub counts: Counts,
    pub students_changed: usize,
    pub leavers_skipped: usize,
    pub staff_leavers_skipped: usize,
    /// Photos left out: not an image, too large, or not reachable (R7.2).
    pub photos_skipped: usize,
}

/// Runs one import and records it in the log of runs, whatever happens.
pub async fn run_import(
    client: &WondeClient,
    store: &Store,
    clock: &dyn Clock,
    options: &ImportOptions,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<ImportSummary, ImportError> {
    let started = clock.now();
    let since = incremental_since(store, options, started)?;
    let full = since.is_none();
    let run_id = store.begin_import_run(full, started)?;
    tracing::info!(run_id, full, "roster import started");
    let result = download_and_save(client, store, clock, options, since, run_id, progress).await;
    let finished = clock.now();
    match &result {
        Ok(summary) => {
            store.set_value(LAST_IMPORT_KEY, &started.to_rfc3339())?;
            if full {
                store.set_value(LAST_FULL_IMPORT_KEY, &started.to_rfc3339())?;
            }
            store.record_import_counts(run_id, &summary.counts)?;
            let c = &summary.counts;
            let message = format!(
                "{} import: {} students, {} contacts, {} staff, {} attendance codes.",
                if full { "Full" } else { "Incremental" },
                c.students,
                c.contacts,
                c.employees,
                c.codes
            );
            store.finish_import_run(run_id, ImportOutcome::Succeeded, &message, finished)?;
            tracing::info!(
                run_id,
                students = c.students,
                contacts = c.contacts,
                employees = c.employees,
                "roster import finished"
            );
            progress(Progress { stage: Stage::Done, done: 1, total: Some(1) });
        }
        Err(e) => {
            store.finish_import_run(run_id, ImportOutcome::Failed, &e.plain_words(), finished)?;
            tracing::warn!(run_id, error = %e.for_log(), "roster import failed; the previous roster is kept");
        }
    }
    result
}

/// More than this share of the school's current pupils (or contacts) missing from one full
/// download is a download gone wrong (a scope withdrawn, the wrong region), not people who left.
const MOST_A_FULL_RUN_MAY_ARCHIVE: f64 = 0.2;

/// Refuses, before anything is saved, a full roster that brings no attendance codes, or one of
/// the same school that would archive more than a fifth of its pupils or contacts unless staff
/// confirmed it (R1.2, R1.5). A kiosk moving to another school (from the demo school, say)
/// replaces its roster as it should.
fn refuse_a_suspicious_full_roster(
    store: &Store,
    roster: &Roster,
    options: &ImportOptions,
) -> Result<(), ImportError> {
    if roster.codes.is_empty() {
        return Err(ImportError::NoCodes);
    }
    let same_school = match (store.school()?, &roster.school) {
        (Some(before), Some(now)) => before.wonde_id == now.wonde_id,
        _ => false,
    };
    if !same_school || options.accept_large_archive {
        return Ok(());
    }
    let pupils_kept: HashSet<&str> = roster.students.iter().map(|s| s.upi.as_str()).collect();
    let pupils = store.students()?;
    let pupils_leaving = pupils.iter().filter(|s| !pupils_kept.contains(s.upi.as_str())).count();
    let contacts_kept: HashSet<&str> = roster.contacts.iter().map(|c| c.upi.as_str()).collect();
    let contacts = store.contact_upis()?;
    let contacts_leaving =
        contacts.iter().filter(|id| !contacts_kept.contains(id.as_str())).count();
    let too_many =
        |leaving: usize, of: usize| leaving as f64 > of as f64 * MOST_A_FULL_RUN_MAY_ARCHIVE;
    if too_many(pupils_leaving, pupils.len()) || too_many(contacts_leaving, contacts.len()) {
        return Err(ImportError::LargeArchive {
            pupils_leaving,
            pupils: pupils.len(),
            contacts_leaving,
            contacts: contacts.len(),
        });
    }
    Ok(())
}

/// `None` for a full run; else the instant to ask for changes after.
fn incremental_since(
    store: &Store,
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ImportError> {
    if options.full {
        return Ok(None);
    }
    let read = |key| -> Result<Option<DateTime<Utc>>, ImportError> {
        Ok(store
            .value(key)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    };
    let (Some(last), Some(last_full)) = (read(LAST_IMPORT_KEY)?, read(LAST_FULL_IMPORT_KEY)?)
    else {
        return Ok(None);
    };
    if now - last_full > options.full_every || store.school()?.is_none() {
        return Ok(None);
    }
    Ok(Some(last - OVERLAP))
}

async fn download_and_save(
    client: &WondeClient,
    store: &Store,
    clock: &dyn Clock,
    options: &ImportOptions,
    since: Option<DateTime<Utc>>,
    run_id: i64,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<ImportSummary, ImportError> {
    let step = |stage: Stage| move |done: usize| progress(Progress { stage, done, total: None });
    progress(Progress { stage: Stage::School, done: 0, total: Some(1) });
    let school = client.school().await?;
    let tz = store.settings_or_default().time_zone;
    let today = school_date(clock.now(), tz);
    progress(Progress { stage: Stage::Codes, done: 0, total: None });
    let codes = client.attendance_codes().await?;
    let whole = ListQuery { updated_after: None, retries: options.retries };
    let changed = ListQuery { updated_after: since, retries: options.retries };
    let listed_groups = client.groups(&whole, &mut step(Stage::Groups)).await?;
    let photos_on = store.settings_or_default().photos_enabled;
    let students_json = client.students(&changed, photos_on, &mut step(Stage::Students)).await?;
    let contacts_json = client.contacts(&changed, &mut step(Stage::Contacts)).await?;
    let employees_json = client.employees(&changed, &mut step(Stage::Employees)).await?;

    let (current, gone): (Vec<&StudentJson>, Vec<&StudentJson>) =
        students_json.iter().partition(|s| !mapping::student_has_left(s, today, tz));
    let students: Vec<(&StudentJson, crate::store::Student)> =
        current.iter().filter_map(|s| mapping::student(s).map(|st| (*s, st))).collect();
    let pairs: Vec<(&StudentJson, &crate::store::Student)> =
        students.iter().map(|(j, s)| (*j, s)).collect();
    let (contacts, links) = mapping::contacts_and_links(&contacts_json, &pairs);
    let (staff_current, staff_gone): (Vec<_>, Vec<_>) =
        employees_json.iter().partition(|e| !mapping::employee_has_left(e, today, tz));
    let employees: Vec<_> = staff_current.iter().filter_map(|e| mapping::employee(e)).collect();
    let groups = mapping::groups(&listed_groups, &students_json);
    let photos = if photos_on {
        photos::gather(client, &store.photo_versions()?, &students).await
    } else {
        store.forget_photos()?;
        photos::Photos::default()
    };
    let photos_skipped = photos.skipped;
    let summary = |counts| ImportSummary {
        run_id,
        full: since.is_none(),
        counts,
        students_changed: students.len(),
        leavers_skipped: gone.len(),
        staff_leavers_skipped: staff_gone.len(),
        photos_skipped,
    };
    let Some(since) = since else {
        progress(Progress { stage: Stage::Saving, done: 0, total: Some(1) });
        let roster = Roster {
            school: Some(school.to_record()),
            students: students.iter().map(|(_, s)| s.clone()).collect(),
            contacts,
            links,
            employees,
            codes,
            groups,
            photos: photos.changed,
            photos_removed: photos.removed,
        };
        if roster.students.is_empty() && !students_json.is_empty() {
            return Err(ImportError::Invalid(
                "Wonde listed students but none could be read; the previous roster was kept."
                    .into(),
            ));
        }
        refuse_a_suspicious_full_roster(store, &roster, options)?;
        // Earlier students missing from this download (left, deleted) are archived by the store.
        return Ok(summary(store.replace_roster(&roster, clock.now())?));
    };
    let leavers = client.student_leavers(&changed, &mut step(Stage::Leavers)).await?;
    let deletions = client
        .deletions(
            &ListQuery { updated_after: Some(since), retries: options.retries },
            &mut step(Stage::Deletions),
        )
        .await?;
    progress(Progress { stage: Stage::Saving, done: 0, total: Some(1) });
    let deleted = |kind: &str| -> Vec<String> {
        deletions
            .iter()
            .filter(|d| {
                d.restored_at.is_none()
                    && d.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(kind))
            })
            .filter_map(|d| d.id.clone())
            .collect()
    };
    let upi_of = |s: &&StudentJson| s.upi.clone().or_else(|| s.id.clone());
    let delta = RosterDelta {
        school: Some(school.to_record()),
        codes: Some(codes),
        groups: Some(groups),
        students: students.iter().map(|(_, s)| s.clone()).collect(),
        links,
        contacts,
        employees,
        archive_student_upis: gone
            .iter()
            .chain(leavers.iter().collect::<Vec<_>>().iter())
            .filter_map(upi_of)
            .collect(),
        archive_student_ids: deleted("student"),
        archive_employee_mis_ids: staff_gone.iter().filter_map(|e| e.mis_id.clone()).collect(),
        archive_employee_ids: deleted("employee"),
        archive_contact_ids: deleted("contact"),
        photos: photos.changed,
        photos_removed: photos.removed,
    };
    Ok(summary(store.merge_roster(&delta, clock.now())?))
}
