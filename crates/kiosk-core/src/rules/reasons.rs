//! Turning the reason given with an event into a code and a comment (R2.4, R3.2, R3.3, R3.6).

use std::collections::BTreeSet;

use chrono::NaiveTime;

use super::ReasonGiven;
use crate::settings::{GroupRules, ReasonWriteback};

/// What a reason contributes to the decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedReason {
    /// A code the reason asks for; `None` leaves it to the time-based codes.
    pub code: Option<String>,
    pub dont_writeback: bool,
    /// The text to send as the comment (R3.6).
    pub comment: Option<String>,
}

/// The `CODE` of free text written as `CODE - words` (Sign In App's convention, R2.4).
pub fn code_prefix(text: &str) -> Option<&str> {
    let (code, words) = text.split_once(" - ")?;
    let code = code.trim();
    (!code.is_empty() && !code.contains(char::is_whitespace) && !words.trim().is_empty())
        .then_some(code)
}

pub(super) fn resolve(
    given: ReasonGiven,
    rules: &GroupRules,
    late: bool,
    time: NaiveTime,
    mis_codes: &BTreeSet<String>,
) -> ResolvedReason {
    let text = match given {
        ReasonGiven::None => return ResolvedReason::default(),
        ReasonGiven::Listed(text) | ReasonGiven::FreeText(text) => text.trim(),
    };
    let comment = (!text.is_empty()).then(|| text.to_string());
    // A listed reason that has since been removed from the settings is read like typed text.
    let configured = match given {
        ReasonGiven::Listed(label) => rules.reason(label, late),
        _ => None,
    };
    match configured.map(|r| &r.writeback) {
        Some(ReasonWriteback::Code { code }) => {
            ResolvedReason { code: Some(code.clone()), comment, ..Default::default() }
        }
        Some(ReasonWriteback::DontWriteback) => {
            ResolvedReason { dont_writeback: true, comment, ..Default::default() }
        }
        Some(ReasonWriteback::TimeBands { bands }) => {
            let code = bands.iter().rev().find(|b| b.from <= time).map(|b| b.code.clone());
            ResolvedReason { code, comment, ..Default::default() }
        }
        Some(ReasonWriteback::TimeBased) => ResolvedReason { comment, ..Default::default() },
        // Typed text honours a valid `CODE - words` prefix; anything else is only a comment.
        None => {
            let code = code_prefix(text).filter(|c| mis_codes.contains(*c)).map(String::from);
            ResolvedReason { code, comment, ..Default::default() }
        }
    }
}
