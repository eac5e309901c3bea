//! What typed text may hold. Control characters break logs and CSV lines; Unicode's direction
//! controls (right-to-left overrides, isolates, marks) make a name read differently from what is
//! stored, so "Sam" can show as someone else in the log (L5). Neither is ever recorded.

/// Whether `c` cannot be recorded in typed text: a control character or a direction control.
pub fn unrecordable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_and_control_characters_are_refused_and_names_in_any_script_are_not() {
        for bad in ["Sam\u{202E}nhoJ", "\u{2067}Ali", "a\u{200F}b", "tab\there", "bell\u{7}"] {
            assert!(bad.chars().any(unrecordable), "{bad:?}");
        }
        for good in ["Zoë O'Brien", "Siobhán Ní Bhriain", "محمد", "李小龍", "क्षत्रिय\u{200D}"]
        {
            assert!(!good.chars().any(unrecordable), "{good}");
        }
    }
}
