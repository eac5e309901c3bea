//! Finding a pupil by name on the kiosk (R2.1): an in-memory index of the roster, rebuilt after
//! each import, matched case- and accent-insensitively on forename, preferred name, surname,
//! "surname forename" and "forename surname".

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use kiosk_model::roster::Student;

/// Fewer letters than this show no names: a passer-by cannot browse the roster.
pub const MIN_QUERY_LETTERS: usize = 2;
/// The most results shown.
pub const MAX_RESULTS: usize = 8;

/// One result, with what tells same-name pupils apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub upi: String,
    pub name: String,
    pub year: Option<String>,
    pub registration_group: Option<String>,
}

impl From<&Student> for Hit {
    fn from(s: &Student) -> Self {
        Hit {
            upi: s.upi.clone(),
            name: s.display_name(),
            year: s.year.clone(),
            registration_group: s.registration_group.clone(),
        }
    }
}

struct Entry {
    hit: Hit,
    /// Folded ways of writing the name; a query matches the start of any of them.
    keys: Vec<String>,
    /// Folded "surname forename", for a stable alphabetical order.
    sort_key: String,
}

/// The roster, ready to search.
#[derive(Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

/// Lower case, accents and apostrophes removed, hyphens and runs of spaces as one space:
/// "Zoë O’Brien-Smith" and "zoe obrien smith" fold alike, as do "Yılmaz" and "Yilmaz".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c)
            || matches!(c, '\'' | '’' | '‘' | '`' | '.')
        {
            continue;
        }
        if c.is_whitespace() || c == '-' || c == '‐' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        // Letters that are not a base letter plus an accent, so NFD leaves them whole.
        match c {
            'ı' | 'İ' => out.push('i'),
            'ł' | 'Ł' => out.push('l'),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' => out.push('d'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.trim_end().to_string()
}

impl SearchIndex {
    pub fn build(students: &[Student]) -> Self {
        let mut entries: Vec<Entry> = students
            .iter()
            .filter(|s| !s.archived)
            .map(|s| {
                let forename = fold(&s.forename);
                let surname = fold(&s.surname);
                let mut keys =
                    vec![format!("{forename} {surname}"), format!("{surname} {forename}")];
                if let Some(preferred) =
                    s.preferred_forename.as_deref().map(fold).filter(|p| !p.is_empty())
                {
                    keys.push(format!("{preferred} {surname}"));
                }
                // Later parts of a name: "jones" finds "Smith-Jones", "mae" finds "Lily Mae".
                let parts: Vec<String> = keys
                    .iter()
                    .flat_map(|k| {
                        let words: Vec<&str> = k.split(' ').collect();
                        (1..words.len()).map(move |i| words[i..].join(" "))
                    })
                    .collect();
                keys.extend(parts);
                keys.sort();
                keys.dedup();
                Entry { sort_key: format!("{surname} {forename}"), hit: Hit::from(s), keys }
            })
            .collect();
        entries.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Pupils whose name starts with the query, alphabetically, at most [`MAX_RESULTS`].
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let query = fold(query);
        if query.chars().filter(|c| c.is_alphanumeric()).count() < MIN_QUERY_LETTERS {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|e| e.keys.iter().any(|k| k.starts_with(&query)))
            .take(MAX_RESULTS)
            .map(|e| e.hit.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupil(
        upi: &str,
        forename: &str,
        preferred: Option<&str>,
        surname: &str,
        year: &str,
        reg: &str,
    ) -> Student {
        Student {
            upi: upi.into(),
            wonde_id: upi.into(),
            mis_id: None,
            forename: forename.into(),
            preferred_forename: preferred.map(String::from),
            surname: surname.into(),
            year: Some(year.into()),
            registration_group: Some(reg.into()),
            admission_number: None,
            upn: None,
            archived: false,
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::build(&[
            pupil("1", "Zoë", None, "O'Brien", "9", "9B"),
            pupil("2", "Liam", None, "Smith-Jones", "7", "7A"),
            pupil("3", "Ava", None, "Smith-Jones", "12", "12C"),
            pupil("4", "Mohammed", Some("Mo"), "Khan", "8", "8D"),
            pupil("5", "Olivia", None, "Brown", "7", "7C"),
            pupil("6", "Olivia", None, "Brown", "10", "10A"),
        ])
    }

    fn names(hits: &[Hit]) -> Vec<String> {
        hits.iter().map(|h| h.name.clone()).collect()
    }

    #[test]
    fn no_names_are_shown_before_two_letters() {
        assert!(index().search("z").is_empty());
        assert!(index().search(" - ").is_empty());
        assert_eq!(names(&index().search("zo")), ["Zoë O'Brien"]);
    }

    #[test]
    fn accents_case_apostrophes_and_hyphens_do_not_matter() {
        for query in ["ZOE", "zoë o", "obrien", "o'bri", "O’Brien Zo"] {
            assert_eq!(names(&index().search(query)), ["Zoë O'Brien"], "{query}");
        }
        assert_eq!(index().search("smith-jones").len(), 2);
        assert_eq!(names(&index().search("jones li")), ["Liam Smith-Jones"]);
        let turkish = SearchIndex::build(&[pupil("7", "Ayşe", None, "Yılmaz", "9", "9B")]);
        assert_eq!(names(&turkish.search("ayse yilmaz")), ["Ayşe Yılmaz"], "dotless i");
    }

    #[test]
    fn preferred_names_find_the_pupil_and_are_shown() {
        assert_eq!(names(&index().search("mo kh")), ["Mo Khan"]);
        assert_eq!(names(&index().search("mohammed")), ["Mo Khan"]);
    }

    #[test]
    fn same_name_pupils_are_told_apart_by_year_and_registration_group() {
        let hits = index().search("olivia brown");
        assert_eq!(hits.len(), 2);
        let groups: Vec<_> = hits.iter().map(|h| h.registration_group.clone().unwrap()).collect();
        assert!(groups.contains(&"7C".to_string()) && groups.contains(&"10A".to_string()));
    }

    #[test]
    fn results_are_capped() {
        let many: Vec<Student> = (0..50)
            .map(|i| pupil(&i.to_string(), "Sam", None, &format!("Lee{i:02}"), "7", "7A"))
            .collect();
        assert_eq!(SearchIndex::build(&many).search("sam").len(), MAX_RESULTS);
    }
}
