//! Year groups in one form. MIS year codes are free text per school ("Year 7", "Y7", "07",
//! "R", "N1"); the kiosk matches group rules on the normal form, so "12, 13" typed in the
//! settings selects the pupils whose MIS says "Year 12" or "Y13".

/// The normal form of a year: a National Curriculum year as its number ("Year 07", "Y7", "yr 7"
/// and "7" are all "7"); reception ("Reception", "YR", "R") as "R"; anything else (nursery
/// "N1", a school's own "KS5") trimmed and upper-cased. `None` for blank text.
pub fn normal_year(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let upper = trimmed.to_uppercase();
    if upper == "RECEPTION" {
        return Some("R".into());
    }
    for prefix in ["YEAR", "YR", "Y"] {
        if let Some(rest) = upper.strip_prefix(prefix) {
            let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '_');
            if let Some(number) = number(rest) {
                return Some(number);
            }
            if rest == "R" || rest == "RECEPTION" {
                return Some("R".into());
            }
        }
    }
    Some(number(&upper).unwrap_or(upper))
}

/// Whether two years are the same once both are in normal form.
pub fn same_year(a: &str, b: &str) -> bool {
    normal_year(a).is_some_and(|a| normal_year(b).is_some_and(|b| a == b))
}

fn number(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .map(|n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_schools_write_a_year_come_to_one_form() {
        for (given, normal) in [
            ("7", "7"),
            ("07", "7"),
            ("Year 7", "7"),
            ("year 07", "7"),
            ("Y7", "7"),
            ("y 12", "12"),
            ("Yr 13", "13"),
            ("Year-10", "10"),
            ("R", "R"),
            ("YR", "R"),
            ("Reception", "R"),
            ("Year R", "R"),
            ("N1", "N1"),
            ("n2", "N2"),
            ("KS5", "KS5"),
            ("  Year 9  ", "9"),
        ] {
            assert_eq!(normal_year(given).as_deref(), Some(normal), "{given:?}");
        }
        assert_eq!(normal_year("   "), None);
    }

    #[test]
    fn typed_years_match_the_mis_forms_and_nothing_else() {
        assert!(same_year("12", "Year 12"));
        assert!(same_year("Y13", "13"));
        assert!(same_year("r", "Reception"));
        assert!(!same_year("1", "12"));
        assert!(!same_year("N1", "1"));
        assert!(!same_year("", ""));
    }

    proptest::proptest! {
        #[test]
        fn the_normal_form_is_its_own_normal_form(text in "\\PC{0,12}") {
            if let Some(once) = normal_year(&text) {
                proptest::prop_assert_eq!(normal_year(&once), Some(once.clone()));
            }
        }
    }
}
