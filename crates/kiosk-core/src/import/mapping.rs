//! From Wonde's records to the kiosk's roster: who is current (R1.2), how years and groups
//! are named, and which contact links hold.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::store::{Contact, Employee, Group, GroupKind, Student, StudentContact};
use wonde_client::model::{ContactJson, EmployeeJson, GroupJson, StudentJson};

/// A student whose leaving date (a day in the school's `zone`) is before today has left (one
/// leaving today is still here).
pub fn student_has_left(s: &StudentJson, today: NaiveDate, zone: Tz) -> bool {
    s.education_details
        .get()
        .and_then(|e| e.leaving_date.as_ref())
        .is_some_and(|d| d.in_zone(zone).date() < today)
}

/// An employee who is not current, or whose employment ended before today, has left.
pub fn employee_has_left(e: &EmployeeJson, today: NaiveDate, zone: Tz) -> bool {
    let details = e.employment_details.get();
    details.and_then(|d| d.current) == Some(false)
        || details
            .and_then(|d| d.employment_end_date.as_ref())
            .is_some_and(|d| d.in_zone(zone).date() < today)
}

/// The key people are stored under: `upi` (stable across re-enrolment); the Wonde id when a
/// scope hides the `upi`.
fn key(upi: &Option<String>, id: &Option<String>) -> Option<String> {
    upi.clone().or_else(|| id.clone()).filter(|k| !k.trim().is_empty())
}

fn text(value: &Option<String>) -> String {
    value.as_deref().map(str::trim).unwrap_or_default().to_string()
}

/// The year as the rules match it, in normal form ("7", "12", "R", "N1"): of the group's code,
/// its name and the education details' NC year, the first that is a National Curriculum year,
/// else the first given. The year group's field names are [X].
fn year_of(s: &StudentJson) -> Option<String> {
    let group = s.year.get();
    let given: Vec<String> = [
        group.and_then(|g| g.code.clone()),
        group.and_then(|g| g.name.clone()),
        s.education_details.get().and_then(|e| e.current_nc_year.clone()),
    ]
    .into_iter()
    .flatten()
    .filter_map(|y| kiosk_model::year::normal_year(&y))
    .collect();
    let numbered = given.iter().find(|y| y.bytes().all(|b| b.is_ascii_digit()) || *y == "R");
    numbered.or(given.first()).cloned()
}

/// An identifier as a card reader types it: trimmed, none when blank.
fn identifier(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn registration_of(s: &StudentJson) -> Option<String> {
    let group = s.registration.get()?;
    group.name.clone().or_else(|| group.code.clone()).filter(|g| !g.trim().is_empty())
}

/// A current student. Wonde's `forename` is read as the name the student goes by and
/// `legal_forename` as the legal one ([X] reading): the kiosk searches both (R2.1).
pub fn student(s: &StudentJson) -> Option<Student> {
    let upi = key(&s.upi, &s.id)?;
    let shown = text(&s.forename);
    let legal =
        s.legal_forename.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string);
    let (forename, preferred_forename) = match legal {
        Some(legal) if !shown.is_empty() && legal != shown => (legal, Some(shown)),
        Some(legal) if shown.is_empty() => (legal, None),
        _ => (shown, None),
    };
    Some(Student {
        upi,
        wonde_id: s.id.clone()?,
        mis_id: s.mis_id.clone(),
        forename,
        preferred_forename,
        surname: s
            .surname
            .clone()
            .or_else(|| s.legal_surname.clone())
            .map(|n| n.trim().to_string())
            .unwrap_or_default(),
        year: year_of(s),
        registration_group: registration_of(s),
        admission_number: identifier(
            s.education_details.get().and_then(|e| e.admission_number.as_ref()),
        ),
        upn: identifier(s.education_details.get().and_then(|e| e.upn.as_ref())),
        archived: false,
    })
}

pub fn contact(c: &ContactJson) -> Option<Contact> {
    Some(Contact {
        upi: key(&c.upi, &c.id)?,
        wonde_id: c.id.clone()?,
        mis_id: c.mis_id.clone(),
        title: c.title.clone(),
        forename: text(&c.forename),
        surname: text(&c.surname),
    })
}

/// A current employee. One without a MIS id is left out: the store matches staff on MIS id
/// (R1.4, R1.5), so such a record could neither be excluded nor kept apart from CSV staff.
pub fn employee(e: &EmployeeJson) -> Option<Employee> {
    let email = e
        .contact_details
        .get()
        .and_then(|d| d.emails.as_ref())
        .and_then(|m| m.work.clone().or(m.primary.clone()).or(m.email.clone()));
    Some(Employee {
        upi: e.upi.clone(),
        wonde_id: e.id.clone(),
        mis_id: Some(e.mis_id.clone().filter(|m| !m.trim().is_empty())?),
        title: e.title.clone(),
        forename: text(&e.forename),
        surname: text(&e.surname),
        email,
        role: e.employment_details.get().and_then(|d| d.role_text.clone()),
    })
}

fn group_kind(kind: Option<&str>) -> GroupKind {
    let kind = kind.unwrap_or_default().to_ascii_uppercase();
    if kind.contains("YEAR") {
        GroupKind::Year
    } else if kind.contains("REG") || kind.contains("FORM") || kind.contains("TUTOR") {
        GroupKind::Registration
    } else {
        GroupKind::Other
    }
}

fn group(g: &GroupJson, kind: GroupKind) -> Option<Group> {
    Some(Group {
        wonde_id: g.id.clone()?,
        name: g.name.clone().or_else(|| g.code.clone()).or_else(|| g.description.clone())?,
        kind,
        code: g.code.clone(),
    })
}

/// The school's groups: `/groups`, plus every year and registration group the students name
/// (the `/groups` list may not carry a type, or may leave some out).
pub fn groups(listed: &[GroupJson], students: &[StudentJson]) -> Vec<Group> {
    let mut out: BTreeMap<String, Group> = BTreeMap::new();
    for g in listed {
        if let Some(g) = group(g, group_kind(g.kind.as_deref())) {
            out.insert(g.wonde_id.clone(), g);
        }
    }
    for s in students {
        for (g, kind) in
            [(s.year.get(), GroupKind::Year), (s.registration.get(), GroupKind::Registration)]
        {
            if let Some(g) = g.and_then(|g| group(g, kind)) {
                let entry = out.entry(g.wonde_id.clone()).or_insert(g);
                entry.kind = kind;
            }
        }
    }
    out.into_values().collect()
}

/// The contacts of the given students, with their relationship. A contact listed under a
/// student but missing from `/contacts` is taken from the student's include.
pub fn contacts_and_links(
    listed: &[ContactJson],
    students: &[(&StudentJson, &Student)],
) -> (Vec<Contact>, Vec<StudentContact>) {
    let mut contacts: HashMap<String, Contact> = HashMap::new();
    let mut by_id: HashMap<String, String> = HashMap::new();
    for c in listed.iter().filter_map(contact) {
        by_id.insert(c.wonde_id.clone(), c.upi.clone());
        contacts.insert(c.upi.clone(), c);
    }
    let mut links: BTreeMap<(String, String), StudentContact> = BTreeMap::new();
    for (json, student) in students {
        for c in json.contacts.items() {
            let upi = c.upi.clone().or_else(|| c.id.as_ref().and_then(|id| by_id.get(id).cloned()));
            let Some(upi) = upi.or_else(|| c.id.clone()) else { continue };
            if !contacts.contains_key(&upi) {
                if let Some(found) = contact(c) {
                    contacts.insert(upi.clone(), Contact { upi: upi.clone(), ..found });
                }
            }
            let relationship = c.relationship.clone().unwrap_or_default();
            links.insert(
                (student.upi.clone(), upi.clone()),
                StudentContact {
                    student_upi: student.upi.clone(),
                    contact_upi: upi,
                    relationship: relationship.text,
                    parental_responsibility: relationship.parental_responsibility,
                    priority: relationship.priority,
                },
            );
        }
    }
    let mut contacts: Vec<Contact> = contacts.into_values().collect();
    contacts.sort_by(|a, b| a.upi.cmp(&b.upi));
    (contacts, links.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> StudentJson {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_pupil_who_goes_by_another_name_keeps_both() {
        let s = student(&parse(r#"{"id":"A1","upi":"u1","forename":"Billy","legal_forename":"William","surname":"O'Brien",
            "year":{"data":{"id":"G7","name":"Year 7","code":null}},"registration":{"data":{"id":"R","name":"7A"}}}"#))
        .unwrap();
        assert_eq!(
            (s.forename.as_str(), s.preferred_forename.as_deref()),
            ("William", Some("Billy"))
        );
        assert_eq!((s.year.as_deref(), s.registration_group.as_deref()), (Some("7"), Some("7A")));
    }

    #[test]
    fn a_year_however_the_mis_writes_it_is_kept_in_one_form() {
        for (year, details, normal) in [
            (r#"{"code":"Y7","name":"Year 7"}"#, "null", Some("7")),
            (r#"{"code":"07","name":null}"#, "null", Some("7")),
            (r#"{"code":"KS3","name":"Year 8"}"#, "null", Some("8")),
            (r#"{"code":"YR","name":"Reception"}"#, "null", Some("R")),
            (r#"{"code":"N1","name":"Nursery 1"}"#, "null", Some("N1")),
            (r#"{"code":null,"name":null}"#, r#"{"current_nc_year":"12"}"#, Some("12")),
            (r#"{"code":" ","name":""}"#, "null", None),
        ] {
            let s = student(&parse(&format!(
                r#"{{"id":"A1","upi":"u1","forename":"A","surname":"B","year":{{"data":{year}}},"education_details":{{"data":{details}}}}}"#
            )))
            .unwrap();
            assert_eq!(s.year.as_deref(), normal, "{year} {details}");
        }
    }

    #[test]
    fn a_pupil_leaving_today_is_still_here_but_one_who_left_yesterday_is_not() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        let leaving = |d: &str| {
            parse(&format!(
                r#"{{"id":"A1","education_details":{{"data":{{"leaving_date":"{d}"}}}}}}"#
            ))
        };
        let london = chrono_tz::Europe::London;
        assert!(!student_has_left(&leaving("2026-01-10"), today, london));
        assert!(student_has_left(&leaving("2026-01-09"), today, london));
        // A summer leaving day written in UTC, the evening before: still that day in London.
        let summer = NaiveDate::from_ymd_opt(2026, 7, 18).unwrap();
        let in_utc = parse(
            r#"{"id":"A1","education_details":{"data":{"leaving_date":{"date":"2026-07-17 23:00:00.000000","timezone_type":3,"timezone":"UTC"}}}}"#,
        );
        assert!(!student_has_left(&in_utc, summer, london), "leaving today: still here");
    }

    #[test]
    fn staff_who_are_not_current_or_whose_contract_ended_have_left() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        let e = |details: &str| {
            serde_json::from_str::<EmployeeJson>(&format!(
                r#"{{"id":"E1","mis_id":"9","employment_details":{{"data":{details}}}}}"#
            ))
            .unwrap()
        };
        let london = chrono_tz::Europe::London;
        assert!(employee_has_left(&e(r#"{"current":false}"#), today, london));
        assert!(employee_has_left(
            &e(
                r#"{"current":true,"employment_end_date":{"date":"2025-12-19 00:00:00.000000","timezone":"Europe/London"}}"#
            ),
            today,
            london
        ));
        assert!(!employee_has_left(
            &e(r#"{"current":true,"employment_end_date":null}"#),
            today,
            london
        ));
    }
}
