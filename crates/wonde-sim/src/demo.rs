//! The demo school, generated from a seed: the same school every time, quick to make, with the
//! names a UK office meets (accents, apostrophes, hyphens, siblings, preferred names), years 7-13
//! with registration groups, parents and carers, staff (some left), leavers, and the DfE codes.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::data::*;

mod names;
use names::*;

/// How big a school to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub pupils: usize,
    pub contacts: usize,
    pub staff: usize,
}

/// The demo school: ~1,200 pupils, ~2,500 contacts, ~150 staff.
pub fn demo_school() -> SchoolData {
    generate_sized(2026, Size { pupils: 1200, contacts: 2500, staff: 150 })
}

/// A school of about `pupils` pupils with a contacts-per-pupil and staff ratio like the demo's.
pub fn generate(seed: u64, pupils: usize) -> SchoolData {
    generate_sized(seed, Size { pupils, contacts: pupils * 25 / 12, staff: (pupils / 8).max(5) })
}

/// The DfE attendance codes: letter, description, type (the real `type` vocabulary is [X]).
pub const DFE_CODES: &[(&str, &str, &str)] = &[
    ("/", "Present (AM)", "present"),
    ("\\", "Present (PM)", "present"),
    ("B", "Educated off site", "approved_educational_activity"),
    ("C", "Other authorised circumstances", "authorised"),
    ("D", "Dual registration", "not_counted"),
    ("E", "Excluded (no alternative provision)", "authorised"),
    ("F", "Extended family holiday (agreed)", "authorised"),
    ("G", "Family holiday (not agreed)", "unauthorised"),
    ("H", "Family holiday (agreed)", "authorised"),
    ("I", "Illness", "authorised"),
    ("J", "Interview", "approved_educational_activity"),
    ("L", "Late (before registers closed)", "late"),
    ("M", "Medical/dental appointment", "authorised"),
    ("N", "No reason yet provided", "unauthorised"),
    ("O", "Unauthorised absence", "unauthorised"),
    ("P", "Approved sporting activity", "approved_educational_activity"),
    ("R", "Religious observance", "authorised"),
    ("S", "Study leave", "authorised"),
    ("T", "Traveller absence", "authorised"),
    ("U", "Late (after registers closed)", "unauthorised"),
    ("V", "Educational visit or trip", "approved_educational_activity"),
    ("W", "Work experience", "approved_educational_activity"),
    ("X", "Not required to be in school", "not_counted"),
    ("Y", "Unable to attend due to exceptional circumstances", "not_counted"),
    ("Z", "Pupil not on roll", "not_counted"),
    ("#", "Planned whole-school closure", "not_counted"),
];

/// SplitMix64: tiny, fast and the same on every platform, which is all a demo school needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn upi(&mut self) -> String {
        format!("{:016x}{:016x}", self.next(), self.next())
    }
}

fn stamp() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 5, 0, 0).single().expect("a valid instant")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Registration groups per year: six forms in 7-11, four in the sixth form.
fn forms(year: u32) -> &'static [&'static str] {
    if year >= 12 {
        &["A", "B", "C", "D"]
    } else {
        &["A", "B", "C", "D", "E", "F"]
    }
}

/// A school of the given size from a seed.
pub fn generate_sized(seed: u64, size: Size) -> SchoolData {
    let mut rng = Rng(seed);
    let mut school = SchoolData {
        id: "A1930499544".into(),
        name: "Wonde Testing School".into(),
        timezone: "Europe/London".into(),
        domain: Some("api.wonde.com".into()),
        allows_writeback: true,
        has_lesson_attendance: false,
        groups: Vec::new(),
        students: Vec::new(),
        leavers: Vec::new(),
        contacts: Vec::new(),
        employees: Vec::new(),
        codes: DFE_CODES
            .iter()
            .enumerate()
            .map(|(i, (code, description, kind))| SimCode {
                id: format!("AC{:03}", i + 1),
                code: code.to_string(),
                description: description.to_string(),
                kind: kind.to_string(),
            })
            .collect(),
        lessons: Vec::new(),
        deletions: Vec::new(),
    };
    for year in 7..=13u32 {
        school.groups.push(SimGroup {
            id: format!("GY{year:02}"),
            mis_id: format!("{}", 100 + year),
            name: format!("Year {year}"),
            code: year.to_string(),
            kind: "YEAR".into(),
        });
        for form in forms(year) {
            school.groups.push(SimGroup {
                id: format!("GR{year:02}{form}"),
                mis_id: format!("{}{form}", 200 + year),
                name: format!("{year}{form}"),
                code: format!("{year}{form}"),
                kind: "REGISTRATION".into(),
            });
        }
    }
    let contact_ratio = size.contacts as f64 / size.pupils.max(1) as f64;
    let mut next_mis = 1000u64;
    while school.students.len() < size.pupils {
        let kids = match rng.below(100) {
            0..=79 => 1,
            80..=96 => 2,
            _ => 3,
        }
        .min(size.pupils - school.students.len());
        let surname = rng.pick(SURNAMES).to_string();
        let contacts = family_contacts(&mut rng, &mut school, &surname, kids, contact_ratio);
        for k in 0..kids {
            next_mis += 1;
            let span = if rng.chance(20) { 7 } else { 5 };
            let year = 7 + rng.below(span) as u32;
            let girl = rng.chance(50);
            // Twins sometimes share a forename with a cousin in another year: same-name pupils.
            let legal = if girl { rng.pick(GIRLS) } else { rng.pick(BOYS) };
            let preferred = PREFERRED
                .iter()
                .find(|(l, _)| *l == legal)
                .filter(|_| rng.chance(40))
                .map(|(_, p)| *p);
            let form = forms(year)[rng.below(forms(year).len())];
            let links = contacts
                .iter()
                .enumerate()
                .map(|(i, (id, relationship))| SimLink {
                    contact_id: id.clone(),
                    relationship: relationship.clone(),
                    parental_responsibility: i < 2 && relationship != "Grandparent",
                    priority: i as i64 + 1,
                })
                .collect();
            let born = day(2013 - (year as i32 - 7), 9, 1) + Duration::days(rng.below(365) as i64);
            school.students.push(SimStudent {
                id: format!("A{:09}", 100_000_000 + next_mis * 7 + k as u64),
                upi: rng.upi(),
                mis_id: next_mis.to_string(),
                forename: preferred.unwrap_or(legal).to_string(),
                legal_forename: legal.to_string(),
                surname: surname.clone(),
                gender: if girl { "FEMALE" } else { "MALE" }.into(),
                date_of_birth: born,
                year_group: Some(format!("GY{year:02}")),
                registration_group: Some(format!("GR{year:02}{form}")),
                contacts: links,
                admission_date: Some(day(2025 - (year as i32 - 7), 9, 3)),
                leaving_date: None,
                // One pupil in seven has no photo on record: the kiosk shows their initials.
                // (Seeded by the MIS id, not the generator: the rest of the school stays as it was.)
                photo: (next_mis % 7 != 3)
                    .then(|| crate::photos::portrait(next_mis.wrapping_mul(0x9E37_79B9_7F4A_7C15))),
                updated_at: stamp(),
            });
        }
    }
    // A pair of pupils with exactly the same name, in different forms.
    if school.students.len() >= 4 {
        let (a, b) = (school.students[0].clone(), school.students.len() - 1);
        school.students[b].forename = a.forename;
        school.students[b].legal_forename = a.legal_forename;
        school.students[b].surname = a.surname;
    }
    // About 2% have left: most already moved to the leavers list, a few still listed with a
    // leaving date in the past (the MIS has not caught up; the import must skip them).
    let leaving = size.pupils / 50;
    for i in 0..leaving {
        let at = 3 + i * (school.students.len() / leaving.max(1)).max(1) / 2;
        if at >= school.students.len() {
            break;
        }
        let mut student = school.students.remove(at);
        student.leaving_date = Some(day(2025, 7, 18) - Duration::days(i as i64));
        if i % 4 == 0 {
            school.students.insert(at, student);
        } else {
            school.leavers.push(student);
        }
    }
    make_staff(&mut rng, &mut school, size.staff);
    school
}

/// A family's adults: mother and/or father, sometimes a grandparent or carer.
fn family_contacts(
    rng: &mut Rng,
    school: &mut SchoolData,
    surname: &str,
    kids: usize,
    ratio: f64,
) -> Vec<(String, String)> {
    let wanted = ratio * kids as f64 * (0.7 + rng.below(60) as f64 / 100.0);
    let count = ((wanted.floor() as usize)
        + usize::from(rng.below(100) < ((wanted.fract() * 100.0) as usize)))
    .clamp(1, 5);
    let mut out = Vec::new();
    for i in 0..count {
        let (relationship, title, forename, own_surname) = match i {
            0 => ("Mother", "Mrs", rng.pick(ADULT_WOMEN), surname.to_string()),
            1 => ("Father", "Mr", rng.pick(ADULT_MEN), surname.to_string()),
            2 => ("Grandparent", "Mrs", rng.pick(ADULT_WOMEN), rng.pick(SURNAMES).to_string()),
            3 => ("Step-parent", "Mr", rng.pick(ADULT_MEN), rng.pick(SURNAMES).to_string()),
            _ => ("Carer", "Ms", rng.pick(ADULT_WOMEN), rng.pick(SURNAMES).to_string()),
        };
        let n = school.contacts.len() + 1;
        let id = format!("C{:09}", 200_000_000 + n);
        school.contacts.push(SimContact {
            id: id.clone(),
            upi: rng.upi(),
            mis_id: format!("{}", 50_000 + n),
            title: Some(title.into()),
            forename: forename.into(),
            surname: own_surname,
            email: Some(format!("parent{n}@example.org")),
            updated_at: stamp(),
        });
        out.push((id, relationship.to_string()));
    }
    out
}

fn make_staff(rng: &mut Rng, school: &mut SchoolData, staff: usize) {
    for n in 1..=staff {
        let woman = rng.chance(70);
        let forename = if woman { rng.pick(ADULT_WOMEN) } else { rng.pick(ADULT_MEN) };
        let surname = rng.pick(SURNAMES);
        // About one in twelve has left: some marked not current, some with an end date passed.
        let (current, end_date) = match n % 12 {
            0 => (false, Some(day(2025, 8, 31))),
            6 => (true, Some(day(2025, 12, 19) - Duration::days(200))),
            _ => (true, None),
        };
        let role = rng.pick(ROLES);
        let email: String = format!("{}.{}@school.example", forename, surname)
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '@')
            .collect();
        school.employees.push(SimEmployee {
            id: format!("E{:09}", 300_000_000 + n),
            upi: rng.upi(),
            mis_id: format!("{}", 9000 + n),
            title: Some(
                if woman {
                    if rng.chance(50) {
                        "Mrs"
                    } else {
                        "Ms"
                    }
                } else {
                    "Mr"
                }
                .into(),
            ),
            forename: forename.into(),
            surname: surname.into(),
            email: Some(email),
            role: Some(role.into()),
            teaching: role.contains("Teacher") || role.starts_with("Head"),
            current,
            start_date: Some(day(2010 + (n % 15) as i32, 9, 1)),
            end_date,
            updated_at: stamp(),
        });
    }
}

/// Timetables a registration lesson at 08:50 and an afternoon lesson at 13:10 for every
/// registration group on `date` (for MIS like Arbor that take lesson marks).
pub fn add_lessons(school: &mut SchoolData, date: NaiveDate) {
    school.has_lesson_attendance = true;
    let forms: Vec<SimGroup> =
        school.groups.iter().filter(|g| g.kind == "REGISTRATION").cloned().collect();
    for form in forms {
        let students: Vec<String> = school
            .students
            .iter()
            .filter(|s| s.registration_group.as_deref() == Some(&form.id))
            .map(|s| s.id.clone())
            .collect();
        for (slot, (h, m)) in [(8, 50), (13, 10)].into_iter().enumerate() {
            let start = date.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("a time"));
            school.lessons.push(SimLesson {
                id: format!("L{}{}{}", date.format("%Y%m%d"), form.code, slot),
                class_id: format!("CL{}", form.code),
                class_name: format!("{} registration", form.name),
                student_ids: students.clone(),
                start_at: start,
                end_at: start + Duration::minutes(50),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_school_is_the_same_every_time_and_about_the_promised_size() {
        let a = demo_school();
        let b = demo_school();
        assert_eq!(a.students, b.students);
        let pupils = a.students.len() + a.leavers.len();
        assert!((1150..=1250).contains(&pupils), "{pupils} pupils");
        assert!((2200..=2800).contains(&a.contacts.len()), "{} contacts", a.contacts.len());
        assert_eq!(a.employees.len(), 150);
        assert!(a.employees.iter().any(|e| !e.current));
        assert!(!a.leavers.is_empty() && a.students.iter().any(|s| s.leaving_date.is_some()));
        assert_eq!(a.codes.len(), 26);
    }

    #[test]
    fn the_demo_school_has_the_names_an_office_meets() {
        let s = demo_school();
        let names: Vec<String> =
            s.students.iter().map(|p| format!("{} {}", p.forename, p.surname)).collect();
        assert!(names.iter().any(|n| n.contains('\'')), "an apostrophe");
        assert!(names.iter().any(|n| n.contains('-')), "a hyphen");
        assert!(names.iter().any(|n| !n.is_ascii()), "an accent");
        assert!(s.students.iter().any(|p| p.forename != p.legal_forename), "a preferred name");
        let mut seen = std::collections::HashSet::new();
        assert!(names.iter().any(|n| !seen.insert(n.clone())), "two pupils with the same name");
    }
}
