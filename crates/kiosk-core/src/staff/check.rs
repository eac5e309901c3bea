//! The configuration check (R5.5, R3.8): what will make writebacks fail, before they do.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::mis_capabilities::MisCapabilities;
use crate::settings::ReasonWriteback;
use crate::store::{Status, Store, StoreError};
use kiosk_model::ImportOutcome;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Problem,
    Warning,
    Ok,
}

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub title: String,
    pub detail: String,
}

/// Events waiting longer than this are reported.
pub const WAITING_TOO_LONG: Duration = Duration::minutes(30);

fn finding(severity: Severity, title: impl Into<String>, detail: impl Into<String>) -> Finding {
    Finding { severity, title: title.into(), detail: detail.into() }
}

/// Runs every check; problems first. `clock_wrong_by` is what the sync engine found of the
/// tablet's clock (R6.5).
pub fn run(
    store: &Store,
    capabilities: &MisCapabilities,
    now: DateTime<Utc>,
    clock_wrong_by: Option<i64>,
) -> Result<Vec<Finding>, StoreError> {
    let mut found = Vec::new();
    let data_dir = store.path().parent().unwrap_or(std::path::Path::new("."));
    if let Err(crate::connection::ConnectionError::TokenFile { .. }) =
        crate::connection::config(store, data_dir)
    {
        found.push(finding(
            Severity::Problem,
            "The Wonde token cannot be read",
            "Sign-ins are recorded, but nothing is written to the MIS until the kiosk is connected again (Settings, Wonde connection, or `kioskctl connect`).",
        ));
    }
    if let Some(minutes) = clock_wrong_by {
        let way = if minutes > 0 { "ahead" } else { "behind" };
        found.push(finding(
            Severity::Problem,
            format!("The tablet's clock is wrong by {} minutes", minutes.abs()),
            format!("It is {way} of Wonde's clock. Sign-ins are still recorded, but nothing is written to the MIS, expired or deleted until the clock is set right (check the tablet's date, time and time server)."),
        ));
    }
    let held = store.clock_held_events()?.len();
    if held > 0 {
        found.push(finding(
            Severity::Problem,
            match held {
                1 => "1 event was recorded while the tablet's clock was wrong".to_string(),
                n => format!("{n} events were recorded while the tablet's clock was wrong"),
            },
            "Nothing is written for them until staff confirm their time: open each one marked \"Clock was wrong\" in the writeback log and choose the time recorded or the time by Wonde's clock.",
        ));
    }
    let settings = match store.stored_settings() {
        Ok((settings, unknown)) => {
            if !unknown.is_empty() {
                found.push(finding(
                    Severity::Warning,
                    "The saved settings include some this version does not have",
                    format!(
                        "They are ignored: {}. Saving the settings in the staff area removes them.",
                        unknown.join(", ")
                    ),
                ));
            }
            settings
        }
        Err(e) => {
            let kept = if store.last_good_settings().is_some() {
                "The kiosk uses the last settings saved whole"
            } else {
                "The kiosk uses the default settings"
            };
            found.push(finding(
                Severity::Problem,
                "The settings are damaged",
                format!("{e}. {kept}, and writes nothing to the MIS until staff save the settings again (Settings)."),
            ));
            store.settings_or_default()
        }
    };
    let all_codes = store.attendance_codes()?;
    let codes: std::collections::BTreeSet<String> =
        all_codes.iter().map(|c| c.code.clone()).collect();
    let mut seen = std::collections::BTreeSet::new();
    let shared: std::collections::BTreeSet<&str> =
        all_codes.iter().filter(|c| !seen.insert(&c.code)).map(|c| c.code.as_str()).collect();
    for code in shared {
        found.push(finding(
            Severity::Problem,
            format!("The MIS has more than one attendance code {code}"),
            format!("Events that need {code} fail rather than write one at random. Ask the MIS administrator to keep one code {code}, then import again."),
        ));
    }
    let school = store.school()?;

    match &school {
        None => found.push(finding(
            Severity::Problem,
            "No roster imported",
            "Connect to Wonde and run an import.",
        )),
        Some(school) => {
            let mis = capabilities.lookup(&school.mis);
            if !school.allows_writeback || !mis.takes_marks() {
                found.push(finding(
                    Severity::Problem,
                    format!("{} takes no attendance marks through Wonde", school.mis),
                    "Sign-ins are recorded on the kiosk but nothing is written to the MIS.",
                ));
            }
            for group in settings.all_groups() {
                if group.comment_writeback && !mis.comment && mis.takes_marks() {
                    found.push(finding(
                        Severity::Warning,
                        format!("{}: comments are not written", group.name),
                        format!(
                            "{} cannot take comments; marks are written without them.",
                            mis.mis
                        ),
                    ));
                }
                if group.minutes_late_writeback && !mis.minutes_late && mis.takes_marks() {
                    found.push(finding(
                        Severity::Warning,
                        format!("{}: minutes late are not written", group.name),
                        format!("{} cannot take minutes late.", mis.mis),
                    ));
                }
                let early = group.early_leaver_code.is_some()
                    || group
                        .reasons
                        .iter()
                        .any(|r| matches!(r.writeback, ReasonWriteback::Code { .. }));
                if early && !mis.early_leaver_codes && mis.takes_marks() {
                    found.push(finding(
                        Severity::Warning,
                        format!("{}: early sign-outs are not written", group.name),
                        format!("{} takes no early-leaver codes.", mis.mis),
                    ));
                }
            }
        }
    }

    if !codes.is_empty() {
        for group in settings.all_groups() {
            for reason in &group.reasons {
                let reason_codes: Vec<&str> = match &reason.writeback {
                    ReasonWriteback::Code { code } => vec![code.as_str()],
                    ReasonWriteback::TimeBands { bands } => {
                        bands.iter().map(|b| b.code.as_str()).collect()
                    }
                    _ => vec![],
                };
                for code in reason_codes.into_iter().filter(|c| !codes.contains(*c)) {
                    found.push(finding(
                        Severity::Problem,
                        format!("Reason '{}' writes {code}, which the MIS does not have", reason.label),
                        format!("Events with this reason will fail. Pick one of the MIS's codes in group '{}'.", group.name),
                    ));
                }
            }
            for (what, code) in [
                ("late code", Some(&group.late_code)),
                ("unauthorised code", Some(&group.unauthorised_code)),
                ("early-leaver code", group.early_leaver_code.as_ref()),
            ] {
                if let Some(code) = code.filter(|c| !codes.contains(*c)) {
                    found.push(finding(
                        Severity::Problem,
                        format!("{}: the {what} {code} is not one of the MIS's codes", group.name),
                        "Events that need it will fail until it is changed.",
                    ));
                }
            }
        }
    }

    let local = |t: DateTime<Utc>| {
        t.with_timezone(&settings.time_zone).format("%H:%M on %-d %B %Y").to_string()
    };
    match store.last_good_import()? {
        None if school.is_some() => found.push(finding(
            Severity::Warning,
            "No successful import recorded",
            "Run an import from the Import page.",
        )),
        Some(started_at) => {
            match DateTime::parse_from_rfc3339(&started_at).map(|t| t.with_timezone(&Utc)) {
                Ok(at) if now - at > Duration::hours(26) => {
                    found.push(finding(
                        Severity::Warning,
                        "The roster is over a day old",
                        format!("The last successful import started at {}.", local(at)),
                    ));
                }
                Ok(at) => found.push(finding(
                    Severity::Ok,
                    "The roster is up to date",
                    format!("The last successful import started at {}.", local(at)),
                )),
                Err(_) => {}
            }
        }
        None => {}
    }
    let activity = store.writeback_activity()?;
    match activity.last_answer {
        Some((at, Some(status @ (401 | 403)))) => found.push(finding(
            Severity::Problem,
            "Wonde refused the kiosk's token",
            format!("Wonde answered HTTP {status} at {}. Nothing is written until the token is fixed: enter it again in Settings, Wonde connection, and test it. The waiting events are sent by themselves once it is accepted.", local(at)),
        )),
        Some((at, Some(200..=299))) => found.push(finding(Severity::Ok, "The token is accepted", format!("Wonde accepted a writeback at {}.", local(at)))),
        _ => {}
    }
    if let Some(at) = activity.last_written_at {
        found.push(finding(
            Severity::Ok,
            "Marks are reaching the MIS",
            format!("The last mark was written at {}.", local(at)),
        ));
    }
    if let Some(last) =
        store.import_runs(1)?.into_iter().next().filter(|r| r.outcome == ImportOutcome::Failed)
    {
        found.push(finding(
            Severity::Problem,
            "The last import failed",
            last.message.unwrap_or_default(),
        ));
    }

    if !super::pin_is_set(store)? {
        found.push(finding(
            Severity::Problem,
            "No staff PIN is set",
            "Until one is, the staff area stays shut. The school's IT sets it on the kiosk with `kioskctl pin set` (on the demo school, staff can choose it here).",
        ));
    }

    let old = now - WAITING_TOO_LONG;
    let waiting = store.pending_events()?.into_iter().filter(|e| e.recorded_at < old).count();
    if waiting > 0 {
        found.push(finding(
            Severity::Warning,
            format!("{waiting} events have waited over {} minutes", WAITING_TOO_LONG.num_minutes()),
            "The kiosk may be offline or Wonde may be refusing writes; see the Writeback log.",
        ));
    }
    let failed_today = store
        .status_counts(Some(kiosk_model::clock::school_date(now, settings.time_zone)))?
        [&Status::Failed];
    if failed_today > 0 {
        found.push(finding(
            Severity::Warning,
            format!("{failed_today} events failed today"),
            "Open the Writeback log filtered to Failed to see why and retry.",
        ));
    }
    if count(&found) == 0 {
        found.push(finding(
            Severity::Ok,
            "Everything looks right",
            "Writebacks should go through.",
        ));
    }
    found.sort_by_key(|f| f.severity);
    Ok(found)
}

/// How many problems and warnings: the badge on the Staff button.
pub fn count(findings: &[Finding]) -> usize {
    findings.iter().filter(|f| f.severity != Severity::Ok).count()
}
