//! Wonde's JSON, read leniently. Scopes null fields out, numbers arrive as strings and dates as
//! either PHP date objects or plain strings (WONDE.md §1), so every field is an `Option` and the
//! scalar readers accept each shape Wonde is known to send. A field of an unexpected type becomes
//! `None` rather than failing the page; only a body that is not Wonde's envelope is an error.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub use super::lenient::{boolean, date, integer, string, IdRef, Related, WondeDate};

/// A list page: `{data: [...], meta: {pagination: {...}}}`. `meta` is absent for short lists.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub data: Option<Vec<T>>,
    #[serde(default)]
    pub meta: Option<Meta>,
}

/// A single object: `{data: {...}}`.
#[derive(Debug, Deserialize)]
pub struct One<T> {
    pub data: Option<T>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Pagination {
    #[serde(default, deserialize_with = "string")]
    pub next: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub previous: Option<String>,
    #[serde(default, deserialize_with = "boolean")]
    pub more: Option<bool>,
    /// A string in Wonde's docs example, a number in community fixtures: both are read.
    #[serde(default, deserialize_with = "integer")]
    pub per_page: Option<i64>,
    #[serde(default, deserialize_with = "integer")]
    pub current_page: Option<i64>,
}

/// The school (`GET /schools/{id}`).
#[derive(Debug, Default, Deserialize)]
pub struct SchoolJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub timezone: Option<String>,
    #[serde(default)]
    pub extended: Option<Extended>,
    #[serde(default)]
    pub region: Option<Region>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Extended {
    #[serde(default, deserialize_with = "boolean")]
    pub allows_writeback: Option<bool>,
    #[serde(default, deserialize_with = "boolean")]
    pub has_lesson_attendance: Option<bool>,
    #[serde(default, deserialize_with = "boolean")]
    pub has_timetables: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Region {
    #[serde(default, deserialize_with = "string")]
    pub domain: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub code: Option<String>,
}

/// A group as included (`year`, `registration`) or listed (`/groups`). Inner field names are
/// [X] in WONDE.md: `code`, `name` and `description` are all read.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct GroupJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub description: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "string")]
    pub kind: Option<String>,
}

/// A student (`/students`, `/students-leaver`).
#[derive(Debug, Default, Deserialize)]
pub struct StudentJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub upi: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub forename: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub surname: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub legal_forename: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub legal_surname: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub date_of_birth: Option<WondeDate>,
    #[serde(default, deserialize_with = "date")]
    pub updated_at: Option<WondeDate>,
    #[serde(default)]
    pub year: Related<GroupJson>,
    #[serde(default)]
    pub registration: Related<GroupJson>,
    #[serde(default)]
    pub contacts: Related<Vec<ContactJson>>,
    #[serde(default)]
    pub education_details: Related<EducationDetails>,
    #[serde(default)]
    pub photo: Related<crate::photo::PhotoJson>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct EducationDetails {
    #[serde(default, deserialize_with = "date")]
    pub admission_date: Option<WondeDate>,
    #[serde(default, deserialize_with = "date")]
    pub leaving_date: Option<WondeDate>,
    #[serde(default, deserialize_with = "string")]
    pub current_nc_year: Option<String>,
    /// Read for a card reader (R7.1): a string or a number, as the other ids.
    #[serde(default, deserialize_with = "string")]
    pub admission_number: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub upn: Option<String>,
}

/// A contact, listed or included under a student (then with `relationship`).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContactJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub upi: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub forename: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub surname: Option<String>,
    #[serde(default, deserialize_with = "relationship")]
    pub relationship: Option<Relationship>,
}

/// How a contact relates to a student. [X]: a nested object (`relationship`,
/// `parental_responsibility`, `priority`, ...) is assumed; a bare string is read as its text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub text: Option<String>,
    pub parental_responsibility: Option<bool>,
    pub priority: Option<i64>,
}

fn relationship<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Relationship>, D::Error> {
    let value = match Value::deserialize(d)? {
        Value::Object(mut map) if map.len() == 1 && map.contains_key("data") => {
            map.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    };
    Ok(match value {
        Value::String(s) => Some(Relationship { text: Some(s), ..Default::default() }),
        Value::Object(map) => {
            let text_of = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
            let flag = |k: &str| map.get(k).and_then(|v| boolean(v.clone()).ok().flatten());
            Some(Relationship {
                text: text_of("relationship")
                    .or_else(|| text_of("type"))
                    .or_else(|| text_of("name")),
                parental_responsibility: flag("parental_responsibility"),
                priority: map.get("priority").and_then(|v| integer(v.clone()).ok().flatten()),
            })
        }
        _ => None,
    })
}

/// An employee (`/employees?include=employment_details,contact_details`).
#[derive(Debug, Default, Deserialize)]
pub struct EmployeeJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub upi: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub forename: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub surname: Option<String>,
    #[serde(default)]
    pub employment_details: Related<EmploymentDetails>,
    #[serde(default)]
    pub contact_details: Related<ContactDetails>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct EmploymentDetails {
    #[serde(default, deserialize_with = "boolean")]
    pub current: Option<bool>,
    #[serde(default, deserialize_with = "boolean")]
    pub teaching_staff: Option<bool>,
    #[serde(default, deserialize_with = "date")]
    pub employment_start_date: Option<WondeDate>,
    #[serde(default, deserialize_with = "date")]
    pub employment_end_date: Option<WondeDate>,
    #[serde(default, deserialize_with = "string")]
    pub role_text: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ContactDetails {
    #[serde(default)]
    pub emails: Option<Emails>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Emails {
    #[serde(default, deserialize_with = "string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub primary: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub work: Option<String>,
}

/// An attendance code (`/attendance-codes`).
#[derive(Debug, Default, Deserialize)]
pub struct CodeJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub description: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "string")]
    pub kind: Option<String>,
}

/// One row of the deletions feed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DeletionJson {
    #[serde(default, rename = "type", deserialize_with = "string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub restored_at: Option<WondeDate>,
}

/// A session mark as listed by `GET /attendance/session`. The field list is [X] in WONDE.md:
/// the student may be `student_id` or an included `student`; the code may be an included
/// `attendance_code` object, an `attendance_code_id`, or a bare `code` letter.
#[derive(Debug, Default, Deserialize)]
pub struct SessionMarkJson {
    #[serde(default)]
    pub student_id: IdRef,
    #[serde(default)]
    pub student: IdRef,
    #[serde(default, deserialize_with = "date")]
    pub date: Option<WondeDate>,
    #[serde(default, deserialize_with = "string")]
    pub session: Option<String>,
    #[serde(default)]
    pub attendance_code: CodeRelation,
    #[serde(default, deserialize_with = "string")]
    pub attendance_code_id: Option<String>,
    #[serde(default, deserialize_with = "string")]
    pub code: Option<String>,
}

/// A mark's `attendance_code` either way Wonde may send it [X]: included (`{data: {id, code}}`),
/// or the bare id of a relation that was not included (Wonde's shape for every other relation).
#[derive(Debug, Default)]
pub struct CodeRelation {
    pub id: Option<String>,
    pub code: Option<String>,
}

impl<'de> Deserialize<'de> for CodeRelation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let inner = value.get("data").cloned().unwrap_or(value);
        let text = |v: Option<&Value>| v.cloned().and_then(|v| string(v).ok().flatten());
        Ok(match &inner {
            Value::String(_) | Value::Number(_) => {
                CodeRelation { id: text(Some(&inner)), code: None }
            }
            Value::Object(map) => {
                CodeRelation { id: text(map.get("id")), code: text(map.get("code")) }
            }
            _ => CodeRelation::default(),
        })
    }
}

/// A lesson with its class and the class's students (`include=class.students`).
#[derive(Debug, Default, Deserialize)]
pub struct LessonJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub start_at: Option<WondeDate>,
    #[serde(default)]
    pub class: Related<ClassJson>,
}

/// A student's classes (`students/{id}?include=classes`).
#[derive(Debug, Default, Deserialize)]
pub struct StudentClassesJson {
    #[serde(default)]
    pub classes: Related<Vec<IdRef>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ClassJson {
    #[serde(default, deserialize_with = "string")]
    pub id: Option<String>,
    #[serde(default)]
    pub students: Related<Vec<IdRef>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_arrive_as_php_objects_or_plain_strings() {
        let s: StudentJson = serde_json::from_str(
            r#"{"id":"A1","date_of_birth":{"date":"2011-03-04 00:00:00.000000","timezone_type":3,"timezone":"Europe/London"},
                "updated_at":"2024-01-02 10:11:12","education_details":{"data":{"leaving_date":"2025-07-18"}}}"#,
        )
        .unwrap();
        assert_eq!(s.date_of_birth.unwrap().date(), NaiveDate::from_ymd_opt(2011, 3, 4).unwrap());
        assert_eq!(s.updated_at.unwrap().local.format("%H:%M:%S").to_string(), "10:11:12");
        let leaving = s.education_details.get().unwrap().leaving_date.clone().unwrap();
        assert_eq!(leaving.date(), NaiveDate::from_ymd_opt(2025, 7, 18).unwrap());
    }

    #[test]
    fn per_page_is_a_string_or_a_number_and_meta_may_be_missing() {
        let p: Page<CodeJson> =
            serde_json::from_str(r#"{"data":[],"meta":{"pagination":{"next":null,"more":false,"per_page":"200","current_page":1}}}"#).unwrap();
        assert_eq!(p.meta.unwrap().pagination.unwrap().per_page, Some(200));
        let p: Page<CodeJson> = serde_json::from_str(r#"{"data":[{"id":7,"code":"L"}]}"#).unwrap();
        assert!(p.meta.is_none());
        assert_eq!(p.data.unwrap()[0].id.as_deref(), Some("7"));
    }

    #[test]
    fn fields_nulled_by_scopes_or_of_odd_types_are_simply_absent() {
        let s: StudentJson = serde_json::from_str(
            r#"{"id":"A1","forename":null,"surname":["x"],"year":{"data":null},"registration":7}"#,
        )
        .unwrap();
        assert!(s.forename.is_none() && s.surname.is_none());
        assert!(s.year.get().is_none() && s.registration.get().is_none());
    }

    #[test]
    fn a_relationship_is_an_object_or_a_bare_word() {
        let c: ContactJson = serde_json::from_str(
            r#"{"id":"C1","relationship":{"relationship":"Mother","parental_responsibility":"1","priority":"2"}}"#,
        )
        .unwrap();
        let r = c.relationship.unwrap();
        assert_eq!(
            (r.text.as_deref(), r.parental_responsibility, r.priority),
            (Some("Mother"), Some(true), Some(2))
        );
        let c: ContactJson = serde_json::from_str(r#"{"id":"C1","relationship":"Carer"}"#).unwrap();
        assert_eq!(c.relationship.unwrap().text.as_deref(), Some("Carer"));
    }
}
