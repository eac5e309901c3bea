//! What each MIS can take through Wonde (R3.9), shipped as data in `assets/mis_capabilities.csv`.
//!
//! The seeds disagree for some MIS; the table holds the cautious reading and says why in its
//! `note` column. The table is parsed and checked when the app starts.

use serde::{Deserialize, Deserializer, Serialize};

const BUILTIN: &str = include_str!("../../../assets/mis_capabilities.csv");

/// Why the capability table could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CapabilityError {
    #[error("MIS capability table row {row}: {message}")]
    BadRow { row: usize, message: String },
}

/// One MIS and the parts of a writeback it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisCapability {
    pub mis: String,
    #[serde(deserialize_with = "aliases", skip_serializing)]
    pub aliases: Vec<String>,
    #[serde(deserialize_with = "yes_no")]
    pub session_writeback: bool,
    #[serde(deserialize_with = "yes_no")]
    pub comment: bool,
    #[serde(deserialize_with = "yes_no")]
    pub minutes_late: bool,
    #[serde(deserialize_with = "yes_no")]
    pub early_leaver_codes: bool,
    /// Marks go to the first lesson of the session instead of the session (Arbor).
    #[serde(deserialize_with = "yes_no")]
    pub first_lesson_instead_of_session: bool,
    #[serde(deserialize_with = "yes_no")]
    pub read_only: bool,
    pub note: String,
}

impl MisCapability {
    /// The reading for a MIS the table does not know: a bare session mark, nothing more.
    pub fn unknown(mis: &str) -> Self {
        Self {
            mis: mis.to_string(),
            aliases: Vec::new(),
            session_writeback: true,
            comment: false,
            minutes_late: false,
            early_leaver_codes: false,
            first_lesson_instead_of_session: false,
            read_only: false,
            note: "Not in the shipped table: only the session mark is sent.".into(),
        }
    }

    /// Whether the MIS can take a mark at all, whichever way (session or first lesson).
    pub fn takes_marks(&self) -> bool {
        !self.read_only && (self.session_writeback || self.first_lesson_instead_of_session)
    }
}

/// The whole table.
#[derive(Debug, Clone)]
pub struct MisCapabilities(Vec<MisCapability>);

impl MisCapabilities {
    /// The table shipped with the app.
    pub fn builtin() -> Result<Self, CapabilityError> {
        Self::parse(BUILTIN)
    }

    /// Parses and checks a table in the shipped CSV format.
    pub fn parse(csv_text: &str) -> Result<Self, CapabilityError> {
        let mut rows = Vec::new();
        for (i, record) in csv::Reader::from_reader(csv_text.as_bytes()).deserialize().enumerate() {
            let row: MisCapability = record
                .map_err(|e| CapabilityError::BadRow { row: i + 1, message: e.to_string() })?;
            let bad =
                |message: &str| CapabilityError::BadRow { row: i + 1, message: message.into() };
            if row.mis.trim().is_empty() {
                return Err(bad("the MIS name is empty"));
            }
            if row.read_only
                && (row.session_writeback
                    || row.comment
                    || row.minutes_late
                    || row.early_leaver_codes)
            {
                return Err(bad("a read-only MIS cannot take any part of a writeback"));
            }
            if (row.comment || row.minutes_late) && !row.takes_marks() {
                return Err(bad("comment or minutes late without a mark to attach them to"));
            }
            rows.push(row);
        }
        Ok(Self(rows))
    }

    /// The row for a MIS name as Wonde reports it (case, spaces and aliases forgiven).
    pub fn lookup(&self, mis: &str) -> MisCapability {
        let key = squash(mis);
        self.0
            .iter()
            .find(|row| squash(&row.mis) == key || row.aliases.iter().any(|a| squash(a) == key))
            .cloned()
            .unwrap_or_else(|| MisCapability::unknown(mis))
    }

    pub fn rows(&self) -> &[MisCapability] {
        &self.0
    }
}

fn squash(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match String::deserialize(d)?.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(serde::de::Error::custom(format!("expected yes or no, found '{other}'"))),
    }
}

fn aliases<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(String::deserialize(d)?
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_covers_every_mis_the_seeds_name() {
        let table = MisCapabilities::builtin().expect("shipped table parses");
        for mis in [
            "Arbor",
            "Bromcom",
            "iSAMS",
            "SIMS",
            "PupilAsset",
            "Engage",
            "Facility",
            "Cloud School",
            "SchoolBase",
            "Integris",
            "ScholarPack",
            "WCBS",
        ] {
            assert_eq!(squash(&table.lookup(mis).mis), squash(mis), "{mis} is in the table");
        }
    }

    #[test]
    fn arbor_writes_to_the_first_lesson_and_takes_no_early_leaver_codes() {
        let arbor = MisCapabilities::builtin().unwrap().lookup("arbor");
        assert!(arbor.first_lesson_instead_of_session);
        assert!(!arbor.early_leaver_codes);
    }

    #[test]
    fn aliases_find_their_row_and_unknown_mis_get_a_bare_session_mark() {
        let table = MisCapabilities::builtin().unwrap();
        assert_eq!(table.lookup("RM Integris").mis, "Integris");
        let unknown = table.lookup("Brand New MIS");
        assert!(unknown.session_writeback && !unknown.comment && !unknown.minutes_late);
    }

    #[test]
    fn a_row_that_contradicts_itself_is_refused_with_its_row_number() {
        let text = "mis,aliases,session_writeback,comment,minutes_late,early_leaver_codes,first_lesson_instead_of_session,read_only,note\n\
                    Good,,yes,yes,yes,yes,no,no,\nBad,,yes,no,no,no,no,yes,\n";
        let err = MisCapabilities::parse(text).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("read-only"), "{err}");
        let text = text.replace("Bad,,yes,no,no,no,no,yes,", "Bad,,maybe,no,no,no,no,no,");
        assert!(MisCapabilities::parse(&text).unwrap_err().to_string().contains("yes or no"));
    }
}
