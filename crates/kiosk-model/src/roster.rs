//! The roster as the MIS holds it (R1.1): the school, its pupils, their contacts, the staff,
//! the attendance codes and the groups. Plain records: the Wonde client reads them, the store
//! keeps them, the kiosk shows them.

use serde::{Deserialize, Serialize};

/// The school record (R1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRecord {
    pub wonde_id: String,
    pub name: String,
    pub mis: String,
    pub allows_writeback: bool,
    pub has_lesson_attendance: bool,
    pub domain: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    pub upi: String,
    pub wonde_id: String,
    pub mis_id: Option<String>,
    pub forename: String,
    pub preferred_forename: Option<String>,
    pub surname: String,
    pub year: Option<String>,
    pub registration_group: Option<String>,
    /// The school's admission number and the pupil's UPN, for a card reader (R7.1).
    #[serde(default)]
    pub admission_number: Option<String>,
    #[serde(default)]
    pub upn: Option<String>,
    #[serde(default)]
    pub archived: bool,
}

impl Student {
    /// The name shown on the kiosk and in the log: preferred forename first.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.preferred_forename.as_deref().unwrap_or(&self.forename), self.surname)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub upi: String,
    pub wonde_id: String,
    pub mis_id: Option<String>,
    pub title: Option<String>,
    pub forename: String,
    pub surname: String,
}

/// A contact's link to a student, with the relationship the MIS holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentContact {
    pub student_upi: String,
    pub contact_upi: String,
    pub relationship: Option<String>,
    pub parental_responsibility: Option<bool>,
    pub priority: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employee {
    pub upi: Option<String>,
    pub wonde_id: Option<String>,
    pub mis_id: Option<String>,
    pub title: Option<String>,
    pub forename: String,
    pub surname: String,
    pub email: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCode {
    pub wonde_id: String,
    pub code: String,
    pub description: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Year,
    Registration,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub wonde_id: String,
    pub name: String,
    pub kind: GroupKind,
    pub code: Option<String>,
}

/// What a card reader at the kiosk types, as the school chose it (R7.1). Whatever the choice,
/// the kiosk's own QR cards scan too, unless cards are off.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CardField {
    /// No card sign-in: a scan says to find the name instead.
    Off,
    AdmissionNumber,
    MisId,
    Upn,
    /// Only the kiosk's own QR cards.
    #[default]
    CardCode,
}

impl CardField {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A pupil's photo (R7.2): an image checked to be one, and the version Wonde gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentPhoto {
    pub student_upi: String,
    /// "image/png", "image/jpeg"...
    pub mime: String,
    pub bytes: Vec<u8>,
    pub version: String,
}
