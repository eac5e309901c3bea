//! A little over 400 lines on purpose: the settings, their defaults and their one validation read
//! best together.
//!
//! The school's settings: attendance rules per group of students, reasons, switches (R3, R5.3).
//!
//! Settings are plain data with defaults from Sign In App's published example. They are always
//! validated as a whole before they are stored, so a bad value is refused with a sentence and the
//! previous settings stay in force.

use std::collections::BTreeSet;

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use kiosk_model::roster::CardField;

/// Why a settings change was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{0}")]
    Invalid(String),
    #[error("the settings could not be read: {0}")]
    Malformed(String),
    #[error("there is no setting called '{0}'")]
    UnknownKey(String),
}

/// Everything the school configures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The zone every time-based decision is made in (R3.7).
    pub time_zone: Tz,
    /// Master switch for writing marks to the MIS.
    pub writeback_enabled: bool,
    /// R2.3: a roster record must be picked.
    pub student_exact_match: bool,
    /// R2.4: only configured reasons can be picked.
    pub reason_exact_match: bool,
    /// Rules for students that no other group selects.
    pub default_group: GroupRules,
    /// Groups chosen by year and/or registration group; the first that matches a student wins.
    pub groups: Vec<GroupRules>,
    /// Local time of the nightly import (R1.3).
    #[serde(with = "hhmm")]
    pub import_time: NaiveTime,
    /// Days personal data is kept (R6.2).
    pub retention_days: u32,
    /// Full screen and undecorated (R2.5); off for development.
    pub kiosk_mode: bool,
    /// Seconds without a touch before the kiosk goes home and forgets what was typed (R2.5).
    pub inactivity_seconds: u32,
    /// The CUPS queue the staff area prints on (L7, R5.6); none set, nothing is printed.
    pub printer: Option<String>,
    /// What the school's card readers type (R7.1).
    pub card_field: CardField,
    /// Pupils' photos on the check screen (R7.2); off, none is fetched or kept.
    pub photos_enabled: bool,
}

/// The attendance rules of one group of students (R3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupRules {
    pub name: String,
    /// Year groups this group selects (e.g. "12", "13"); empty = any year.
    pub years: Vec<String>,
    /// Registration groups this group selects; empty = any.
    pub registration_groups: Vec<String>,
    #[serde(with = "hhmm")]
    pub am_late: NaiveTime,
    #[serde(with = "hhmm")]
    pub am_unauthorised: NaiveTime,
    #[serde(with = "hhmm")]
    pub pm_start: NaiveTime,
    #[serde(with = "hhmm")]
    pub pm_late: NaiveTime,
    #[serde(with = "hhmm")]
    pub pm_unauthorised: NaiveTime,
    pub present_writeback: bool,
    pub late_code: String,
    pub unauthorised_code: String,
    pub present_am_code: String,
    pub present_pm_code: String,
    pub early_leaver_code: Option<String>,
    pub reasons: Vec<Reason>,
    pub protected_codes: Vec<String>,
    pub comment_writeback: bool,
    pub minutes_late_writeback: bool,
}

/// A reason offered on the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub label: String,
    pub used_for: ReasonUse,
    pub writeback: ReasonWriteback,
}

/// Which flow offers a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonUse {
    LateSignIn,
    EarlySignOut,
    Both,
}

/// What a reason writes (R3.2, R3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ReasonWriteback {
    /// The group's time-based codes decide, as if no reason were given.
    TimeBased,
    /// This code, whatever the time.
    Code { code: String },
    /// Nothing is written for events with this reason.
    DontWriteback,
    /// The code of the band the event's local time falls in (Custr's time-based codes). Before the
    /// first band the group's time-based codes decide.
    TimeBands { bands: Vec<TimeBand> },
}

/// From `from` (local time) until the next band, `code` is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBand {
    #[serde(with = "hhmm")]
    pub from: NaiveTime,
    pub code: String,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a valid time of day")
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::Europe::London,
            writeback_enabled: true,
            student_exact_match: true,
            reason_exact_match: true,
            default_group: GroupRules::default(),
            groups: Vec::new(),
            import_time: hm(2, 0),
            retention_days: 60,
            kiosk_mode: true,
            inactivity_seconds: 45,
            printer: None,
            card_field: CardField::default(),
            photos_enabled: true,
        }
    }
}

impl Default for GroupRules {
    fn default() -> Self {
        Self {
            name: "Everyone".into(),
            years: Vec::new(),
            registration_groups: Vec::new(),
            am_late: hm(9, 0),
            am_unauthorised: hm(9, 20),
            pm_start: hm(12, 0),
            pm_late: hm(13, 0),
            pm_unauthorised: hm(13, 15),
            present_writeback: false,
            late_code: "L".into(),
            unauthorised_code: "U".into(),
            present_am_code: "/".into(),
            present_pm_code: "\\".into(),
            early_leaver_code: None,
            reasons: Vec::new(),
            protected_codes: vec!["/".into(), "\\".into(), "M".into()],
            comment_writeback: true,
            minutes_late_writeback: true,
        }
    }
}

impl GroupRules {
    /// Whether this group selects a student of the given year and registration group.
    /// Years compare in their normal form ("12" selects "Year 12" and "Y12").
    pub fn selects(&self, year: Option<&str>, registration_group: Option<&str>) -> bool {
        let matches = |list: &[String], value: Option<&str>, same: fn(&str, &str) -> bool| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| same(x, v)))
        };
        matches(&self.years, year, kiosk_model::year::same_year)
            && matches(&self.registration_groups, registration_group, |a, b| {
                a.trim().eq_ignore_ascii_case(b.trim())
            })
    }

    /// Every attendance code these rules may write: what the configuration check verifies (R3.8).
    pub fn codes_used(&self) -> BTreeSet<&str> {
        let mut codes: BTreeSet<&str> = [
            &self.late_code,
            &self.unauthorised_code,
            &self.present_am_code,
            &self.present_pm_code,
        ]
        .into_iter()
        .map(String::as_str)
        .collect();
        codes.extend(self.early_leaver_code.as_deref());
        for reason in &self.reasons {
            match &reason.writeback {
                ReasonWriteback::Code { code } => {
                    codes.insert(code);
                }
                ReasonWriteback::TimeBands { bands } => {
                    codes.extend(bands.iter().map(|b| b.code.as_str()))
                }
                ReasonWriteback::TimeBased | ReasonWriteback::DontWriteback => {}
            }
        }
        codes
    }

    /// The reason with this label offered for the given use, if any.
    /// The reasons offered for a late sign-in (`late`) or an early sign-out, in their order.
    pub fn reasons_for(&self, late: bool) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(move |r| self.reason(&r.label, late).is_some())
    }

    pub fn reason(&self, label: &str, late: bool) -> Option<&Reason> {
        self.reasons.iter().find(|r| {
            r.label.eq_ignore_ascii_case(label.trim())
                && match r.used_for {
                    ReasonUse::Both => true,
                    ReasonUse::LateSignIn => late,
                    ReasonUse::EarlySignOut => !late,
                }
        })
    }
}

impl Settings {
    /// The rules for a student: the first group that selects them, else the default group.
    pub fn rules_for(&self, year: Option<&str>, registration_group: Option<&str>) -> &GroupRules {
        self.groups
            .iter()
            .find(|g| g.selects(year, registration_group))
            .unwrap_or(&self.default_group)
    }

    /// Every group, the default last.
    pub fn all_groups(&self) -> impl Iterator<Item = &GroupRules> {
        self.groups.iter().chain(std::iter::once(&self.default_group))
    }

    /// Refuses settings a school office could not have meant, with a sentence saying what to fix.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let fail = |msg: String| Err(SettingsError::Invalid(msg));
        if !(1..=3650).contains(&self.retention_days) {
            return fail("Keep data for between 1 and 3650 days.".into());
        }
        if !(5..=600).contains(&self.inactivity_seconds) {
            return fail(
                "The kiosk should go home after between 5 and 600 seconds without a touch.".into(),
            );
        }
        if let Some(printer) = &self.printer {
            check_printer(printer)?;
        }
        let mut names = BTreeSet::new();
        for group in self.all_groups() {
            check_text("A group name", &group.name, 60)?;
            if !names.insert(group.name.to_lowercase()) {
                return fail(format!(
                    "Two groups are called '{}'; give each its own name.",
                    group.name
                ));
            }
            group.validate()?;
        }
        for group in &self.groups {
            if group.years.is_empty() && group.registration_groups.is_empty() {
                return fail(format!(
                    "Group '{}' selects no year or registration group; choose at least one.",
                    group.name
                ));
            }
        }
        Ok(())
    }

    /// The settings as pretty JSON: the export format and the stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("settings serialise")
    }

    /// Parses and validates settings from JSON someone gave (the staff area, an export being
    /// imported): a setting this version does not have is refused, as it is most likely a typo.
    pub fn from_json(text: &str) -> Result<Self, SettingsError> {
        let (settings, unknown) = Self::parse(text)?;
        match unknown.into_iter().next() {
            Some(key) => Err(SettingsError::UnknownKey(key)),
            None => Ok(settings),
        }
    }

    /// Parses and validates the stored settings, which a newer or older version of the kiosk
    /// may have written: settings this version does not have are left out and named, so the
    /// configuration check can say so, instead of the whole document being unreadable.
    pub fn from_stored(text: &str) -> Result<(Self, Vec<String>), SettingsError> {
        Self::parse(text)
    }

    fn parse(text: &str) -> Result<(Self, Vec<String>), SettingsError> {
        // Windows editors save UTF-8 with a byte-order mark; it is not part of the document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // The parser's message quotes the offending value whole, however long it is.
        let malformed = |e: serde_json::Error| {
            SettingsError::Malformed(e.to_string().chars().take(200).collect())
        };
        let document: serde_json::Value = serde_json::from_str(text).map_err(malformed)?;
        // Serde would also read a bare list as the settings in field order (`[]` = every
        // default): only a document with named settings is one.
        if !document.is_object() {
            return Err(SettingsError::Malformed(
                "the settings must be a JSON object of named settings, as exported".into(),
            ));
        }
        let mut unknown = Vec::new();
        let settings = serde_ignored::deserialize(document, |path| {
            unknown.push(path.to_string().chars().take(80).collect())
        })
        .map_err(malformed)?;
        Self::validate(&settings)?;
        Ok((settings, unknown))
    }

    /// A copy with one setting changed. `key` is a dotted path into the JSON form
    /// (`default_group.am_late`, `groups.0.late_code`); `value` is JSON, or a plain string.
    pub fn with(&self, key: &str, value: &str) -> Result<Self, SettingsError> {
        let mut doc = serde_json::to_value(self).expect("settings serialise");
        let mut slot = &mut doc;
        for part in key.split('.') {
            slot = match slot {
                serde_json::Value::Object(map) => map.get_mut(part),
                serde_json::Value::Array(items) => {
                    part.parse::<usize>().ok().and_then(|i| items.get_mut(i))
                }
                _ => None,
            }
            .ok_or_else(|| SettingsError::UnknownKey(key.to_string()))?;
        }
        *slot = serde_json::from_str(value)
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        let changed: Settings = serde_json::from_value(doc).map_err(|e| {
            SettingsError::Invalid(format!("'{value}' is not a valid value for {key}: {e}"))
        })?;
        changed.validate()?;
        Ok(changed)
    }
}

impl GroupRules {
    fn validate(&self) -> Result<(), SettingsError> {
        let name = &self.name;
        let times = [
            ("AM late time", self.am_late),
            ("AM unauthorised time", self.am_unauthorised),
            ("PM start time", self.pm_start),
            ("PM late time", self.pm_late),
            ("PM unauthorised time", self.pm_unauthorised),
        ];
        for pair in times.windows(2) {
            if pair[0].1 > pair[1].1 {
                return Err(SettingsError::Invalid(format!(
                    "In group '{name}' the {} ({}) is after the {} ({}).",
                    pair[0].0,
                    pair[0].1.format("%H:%M"),
                    pair[1].0,
                    pair[1].1.format("%H:%M")
                )));
            }
        }
        for code in
            self.codes_used().into_iter().chain(self.protected_codes.iter().map(String::as_str))
        {
            check_code(name, code)?;
        }
        let mut labels = BTreeSet::new();
        for reason in &self.reasons {
            check_text("A reason", &reason.label, 80)?;
            if !labels.insert(reason.label.to_lowercase()) {
                return Err(SettingsError::Invalid(format!(
                    "Group '{name}' has the reason '{}' twice.",
                    reason.label
                )));
            }
            if let ReasonWriteback::TimeBands { bands } = &reason.writeback {
                if bands.is_empty() || bands.windows(2).any(|w| w[0].from >= w[1].from) {
                    return Err(SettingsError::Invalid(format!(
                        "The time bands of reason '{}' must be in time order, at least one.",
                        reason.label
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A CUPS queue name as `lpadmin` allows them: up to 127 printable ASCII characters, none of
/// space, `/`, `\\`, `#`, quotes or `?`; not starting with `-` either, which `lp` would read as
/// one of its options.
fn check_printer(name: &str) -> Result<(), SettingsError> {
    let allowed =
        |c: char| c.is_ascii_graphic() && !matches!(c, '/' | '\\' | '#' | '\'' | '"' | '?');
    if name.is_empty() || name.len() > 127 || name.starts_with('-') || !name.chars().all(allowed) {
        return Err(SettingsError::Invalid(
            "The printer is CUPS's name for it (as `lpstat -p` lists it): letters, digits, dashes \
             and underscores, no spaces. Leave it empty for no printer."
                .into(),
        ));
    }
    Ok(())
}

fn check_text(what: &str, text: &str, max: usize) -> Result<(), SettingsError> {
    if text.trim().is_empty()
        || text.chars().count() > max
        || text.chars().any(kiosk_model::text::unrecordable)
    {
        return Err(SettingsError::Invalid(format!(
            "{what} must be 1 to {max} characters of plain text ('{}').",
            text.chars().take(max).collect::<String>()
        )));
    }
    Ok(())
}

fn check_code(group: &str, code: &str) -> Result<(), SettingsError> {
    if code.is_empty()
        || code.chars().count() > 8
        || code.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        // Quoted short: the refused text may be anything, of any length.
        let shown: String =
            code.chars().take(12).map(|c| if c.is_control() { ' ' } else { c }).collect();
        let more = if code.chars().count() > 12 { "…" } else { "" };
        return Err(SettingsError::Invalid(format!(
            "In group '{group}' '{shown}{more}' is not an attendance code (1 to 8 characters, no spaces)."
        )));
    }
    Ok(())
}

/// Times of day as "HH:MM", the way a school writes them.
mod hhmm {
    use chrono::NaiveTime;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
            .map_err(|_| D::Error::custom(format!("'{text}' is not a time like 09:05")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printer_is_a_cups_queue_name_or_none() {
        let with = |printer: &str| Settings::default().with("printer", printer);
        for good in ["KioskPDF", "Office_Laser-2", "reception@office"] {
            assert_eq!(with(good).unwrap().printer.as_deref(), Some(good));
        }
        assert_eq!(with("null").unwrap().printer, None);
        let long = "P".repeat(128);
        for bad in ["\"\"", "Office Laser", "../lp", "a/b", "-oraw", "#1", "Zoë", long.as_str()] {
            assert!(with(bad).is_err(), "{bad} is refused");
        }
    }
}
