//! The simulated school's data, and how Wonde would render each record as JSON.
//!
//! The field names follow WONDE.md. Where it marks a shape [X], the simulator sends one of the
//! plausible readings and the client reads both; each choice is noted at the render function.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Everything a simulated school holds. Also the format of `wonde-sim --school FILE`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchoolData {
    pub id: String,
    pub name: String,
    #[serde(default = "london")]
    pub timezone: String,
    /// The regional domain the school object names (`region.domain`).
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default = "yes")]
    pub allows_writeback: bool,
    #[serde(default)]
    pub has_lesson_attendance: bool,
    #[serde(default)]
    pub groups: Vec<SimGroup>,
    #[serde(default)]
    pub students: Vec<SimStudent>,
    /// Served by `/students-leaver`.
    #[serde(default)]
    pub leavers: Vec<SimStudent>,
    #[serde(default)]
    pub contacts: Vec<SimContact>,
    #[serde(default)]
    pub employees: Vec<SimEmployee>,
    #[serde(default)]
    pub codes: Vec<SimCode>,
    #[serde(default)]
    pub lessons: Vec<SimLesson>,
    #[serde(default)]
    pub deletions: Vec<SimDeletion>,
}

fn london() -> String {
    "Europe/London".into()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimGroup {
    pub id: String,
    pub mis_id: String,
    pub name: String,
    pub code: String,
    /// "YEAR", "REGISTRATION", "HOUSE"... (the real enumeration is [X]).
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStudent {
    pub id: String,
    pub upi: String,
    pub mis_id: String,
    /// The name the student goes by (Wonde's `forename`).
    pub forename: String,
    pub legal_forename: String,
    pub surname: String,
    pub gender: String,
    pub date_of_birth: NaiveDate,
    /// Group ids.
    pub year_group: Option<String>,
    pub registration_group: Option<String>,
    #[serde(default)]
    pub contacts: Vec<SimLink>,
    pub admission_date: Option<NaiveDate>,
    #[serde(default)]
    pub leaving_date: Option<NaiveDate>,
    /// The photo's bytes as the MIS holds them (a generated PNG for the demo school; anything at
    /// all in a test).
    #[serde(default)]
    pub photo: Option<Vec<u8>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLink {
    pub contact_id: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    pub priority: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimContact {
    pub id: String,
    pub upi: String,
    pub mis_id: String,
    pub title: Option<String>,
    pub forename: String,
    pub surname: String,
    pub email: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimEmployee {
    pub id: String,
    pub upi: String,
    pub mis_id: String,
    pub title: Option<String>,
    pub forename: String,
    pub surname: String,
    pub email: Option<String>,
    pub role: Option<String>,
    pub teaching: bool,
    pub current: bool,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimCode {
    pub id: String,
    pub code: String,
    pub description: String,
    pub kind: String,
}

/// A timetabled lesson (Arbor takes marks on the first lesson of a session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLesson {
    pub id: String,
    pub class_id: String,
    pub class_name: String,
    pub student_ids: Vec<String>,
    /// School-local wall-clock times, as Wonde writes them.
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimDeletion {
    /// "student", "employee", "contact"...
    pub kind: String,
    pub id: String,
    pub mis_id: String,
    pub deleted_at: DateTime<Utc>,
}

/// The zone date objects are written in: the school's own, or (the other reading, [X]) UTC,
/// the school's times converted to it.
#[derive(Debug, Clone, Copy)]
pub enum Zone<'a> {
    School(&'a str),
    Utc { school: &'a str },
}

/// Wonde's PHP date object for a school time.
pub fn date_object(t: NaiveDateTime, zone: Zone) -> Value {
    let (t, name) = match zone {
        Zone::School(name) => (t, name),
        Zone::Utc { school } => {
            let utc = school.parse::<chrono_tz::Tz>().ok().and_then(|tz| {
                use chrono::TimeZone;
                tz.from_local_datetime(&t).earliest().map(|l| l.naive_utc())
            });
            (utc.unwrap_or(t), "UTC")
        }
    };
    json!({ "date": t.format("%Y-%m-%d %H:%M:%S%.6f").to_string(), "timezone_type": 3, "timezone": name })
}

fn day_object(d: NaiveDate, zone: Zone) -> Value {
    date_object(d.and_hms_opt(0, 0, 0).expect("midnight"), zone)
}

fn utc_object(t: DateTime<Utc>) -> Value {
    date_object(t.naive_utc(), Zone::School("UTC"))
}

impl SimGroup {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "mis_id": self.mis_id, "name": self.name, "code": self.code,
                "description": self.name, "type": self.kind })
    }
}

impl SimContact {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "upi": self.upi, "mis_id": self.mis_id, "title": self.title,
                "forename": self.forename, "surname": self.surname, "initials": initials(&self.forename),
                "contact_details": { "data": { "emails": { "email": self.email, "primary": self.email } } },
                "created_at": utc_object(self.updated_at), "updated_at": utc_object(self.updated_at) })
    }
}

impl SimCode {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "code": self.code, "description": self.description, "type": self.kind })
    }
}

fn initials(forename: &str) -> String {
    forename.chars().next().map(|c| c.to_string()).unwrap_or_default()
}

/// Lookups a page of students needs for its includes.
pub struct Lookups<'a> {
    pub school_id: &'a str,
    pub groups: HashMap<&'a str, &'a SimGroup>,
    pub contacts: HashMap<&'a str, &'a SimContact>,
    /// Each pupil's classes (id, name), from the timetable.
    pub classes: HashMap<&'a str, BTreeMap<&'a str, &'a str>>,
}

impl SchoolData {
    pub fn lookups(&self) -> Lookups<'_> {
        Lookups {
            school_id: &self.id,
            groups: self.groups.iter().map(|g| (g.id.as_str(), g)).collect(),
            contacts: self.contacts.iter().map(|c| (c.id.as_str(), c)).collect(),
            classes: self.lessons.iter().fold(HashMap::new(), |mut classes, l| {
                for student in &l.student_ids {
                    let of: &mut BTreeMap<&str, &str> =
                        classes.entry(student.as_str()).or_default();
                    of.insert(l.class_id.as_str(), l.class_name.as_str());
                }
                classes
            }),
        }
    }

    pub fn student(&self, id: &str) -> Option<&SimStudent> {
        self.students.iter().find(|s| s.id == id)
    }
}

impl SimStudent {
    /// A student with the includes asked for. Choices for [X] shapes: date of birth as a date
    /// object, admission and leaving dates as plain strings, year and registration as group
    /// objects, a contact's relationship as a nested object.
    pub fn to_json(&self, zone: Zone, includes: &[&str], lookups: &Lookups) -> Value {
        let mut v = json!({
            "id": self.id, "upi": self.upi, "mis_id": self.mis_id, "initials": initials(&self.forename),
            "title": null, "surname": self.surname, "forename": self.forename, "middle_names": null,
            "legal_surname": self.surname, "legal_forename": self.legal_forename, "gender": self.gender,
            "date_of_birth": day_object(self.date_of_birth, zone),
            "restored_at": null, "created_at": utc_object(self.updated_at), "updated_at": utc_object(self.updated_at),
        });
        let group = |id: &Option<String>| {
            let g = id.as_deref().and_then(|id| lookups.groups.get(id));
            json!({ "data": g.map(|g| g.to_json()) })
        };
        if includes.contains(&"year") {
            v["year"] = group(&self.year_group);
        }
        if includes.contains(&"registration") {
            v["registration"] = group(&self.registration_group);
        }
        if includes.contains(&"contacts") {
            let contacts: Vec<Value> = self
                .contacts
                .iter()
                .filter_map(|link| {
                    let mut c = lookups.contacts.get(link.contact_id.as_str())?.to_json();
                    c["relationship"] = json!({ "relationship": link.relationship,
                        "parental_responsibility": link.parental_responsibility, "priority": link.priority,
                        "lives_with_pupil": link.priority == 1 });
                    Some(c)
                })
                .collect();
            v["contacts"] = json!({ "data": contacts });
        }
        if includes.contains(&"classes") {
            let classes: Vec<Value> = lookups
                .classes
                .get(self.id.as_str())
                .into_iter()
                .flatten()
                .map(|(id, name)| json!({ "id": id, "name": name }))
                .collect();
            v["classes"] = json!({ "data": classes });
        }
        if includes.contains(&"photo") {
            v["photo"] =
                crate::photos::include(self.photo.as_deref(), lookups.school_id, &self.id, zone);
        }
        if includes.contains(&"education_details") {
            let year_code = self
                .year_group
                .as_deref()
                .and_then(|id| lookups.groups.get(id))
                .map(|g| g.code.clone());
            v["education_details"] = json!({ "data": {
                "admission_number": format!("{:0>6}", self.mis_id), "upn": format!("K{:0>12}", self.mis_id),
                "current_nc_year": year_code,
                "admission_date": self.admission_date.map(|d| day(d, zone)),
                "leaving_date": self.leaving_date.map(|d| day(d, zone)),
            } });
        }
        v
    }
}

/// A day as the school's records give it: a plain `Y-m-d` string, or a UTC date object under
/// the other reading.
fn day(d: NaiveDate, zone: Zone) -> Value {
    match zone {
        Zone::School(_) => json!(d.format("%Y-%m-%d").to_string()),
        Zone::Utc { .. } => day_object(d, zone),
    }
}

impl SimEmployee {
    /// Employment dates as date objects, as WONDE.md describes them.
    pub fn to_json(&self, zone: Zone, includes: &[&str]) -> Value {
        let mut v = json!({
            "id": self.id, "upi": self.upi, "mis_id": self.mis_id, "title": self.title,
            "initials": initials(&self.forename), "surname": self.surname, "forename": self.forename,
            "legal_surname": self.surname, "legal_forename": self.forename, "middle_names": null,
            "created_at": utc_object(self.updated_at), "updated_at": utc_object(self.updated_at),
        });
        if includes.contains(&"employment_details") {
            v["employment_details"] = json!({ "data": {
                "current": self.current, "teaching_staff": self.teaching,
                "employment_start_date": self.start_date.map(|d| day_object(d, zone)),
                "employment_end_date": self.end_date.map(|d| day_object(d, zone)),
                "role_text": self.role,
            } });
        }
        if includes.contains(&"contact_details") {
            v["contact_details"] =
                json!({ "data": { "emails": { "email": self.email, "work": self.email } } });
        }
        v
    }
}

impl SimLesson {
    pub fn to_json(&self, zone: Zone, includes: &[&str]) -> Value {
        let mut v = json!({
            "id": self.id, "room": null, "period": null, "employee_id": null,
            "period_instance_id": format!("PI{}", self.start_at.format("%Y%m%d%H%M")),
            "start_at": date_object(self.start_at, zone), "end_at": date_object(self.end_at, zone),
        });
        if includes.iter().any(|i| i.starts_with("class")) {
            let mut class = json!({ "id": self.class_id, "name": self.class_name });
            if includes.contains(&"class.students") {
                let students: Vec<Value> =
                    self.student_ids.iter().map(|id| json!({ "id": id })).collect();
                class["students"] = json!({ "data": students });
            }
            v["class"] = json!({ "data": class });
        }
        v
    }
}

impl SimDeletion {
    pub fn to_json(&self) -> Value {
        json!({ "type": self.kind, "id": self.id, "mis_id": self.mis_id,
                "deleted_at": utc_object(self.deleted_at), "restored_at": null })
    }
}
