//! The register the simulated MIS holds: the marks of earlier school days it starts with, and
//! `GET /attendance/session`, which lists them with the marks written since.
//!
//! Which filters Wonde honours on that list is [X] (`research/wonde-fidelity.md` §4). The plain
//! reading honours `student_id`, `date` and `session`; the other lists the whole register,
//! narrowed only by `updated_after`, as Wonde's generic delta filter [S].

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::json;

use super::data::SchoolData;
use super::routes::{changed, includes, paged, with_school};
use super::{Readings, SimMark, SimState};
use kiosk_model::Session;

/// `days` school days of marks before `now`'s date, oldest first: every pupil on roll present
/// at each session, a few late or absent, stamped as entered that afternoon.
pub(crate) fn history(school: &SchoolData, now: DateTime<Utc>, days: u32) -> Vec<SimMark> {
    let zone = school.timezone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::Europe::London);
    let mut date = now.with_timezone(&zone).date_naive();
    let mut dates = Vec::new();
    while dates.len() < days as usize {
        date -= Duration::days(1);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            dates.push(date);
        }
    }
    dates.reverse();
    let has = |letter: &str| school.codes.iter().any(|c| c.code == letter);
    let mut marks = Vec::new();
    for (day, date) in dates.into_iter().enumerate() {
        let entered = date.and_hms_opt(16, 0, 0).expect("4 pm").and_utc();
        for (n, student) in school.students.iter().enumerate() {
            for session in [Session::AM, Session::PM] {
                // One pupil in 25 late, one in 30 absent: a register, not a pattern to match.
                let spin = (n * 7 + day * 13 + session as usize * 3) % 150;
                let code = match (spin, session) {
                    (0..=5, _) => "L",
                    (6..=10, _) => "N",
                    (_, Session::AM) => "/",
                    (_, Session::PM) => "\\",
                };
                if !has(code) {
                    continue;
                }
                marks.push(SimMark {
                    student_id: student.id.clone(),
                    date,
                    session,
                    code: code.into(),
                    comment: None,
                    minutes_late: (code == "L").then_some(10),
                    lesson_id: None,
                    writes: 0,
                    updated_at: entered,
                });
            }
        }
    }
    marks
}

/// `GET /schools/{id}/attendance/session`: the register's session marks, each with its code id
/// and (on `include=attendance_code`, plain reading) the code.
pub(crate) async fn session_marks(
    State(state): State<Arc<SimState>>,
    uri: axum::http::Uri,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let honoured = state.readings == Readings::Plain;
    let wanted = |m: &&SimMark| {
        !honoured
            || (q.get("student_id").is_none_or(|s| *s == m.student_id)
                && q.get("date")
                    .is_none_or(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok() == Some(m.date))
                && q.get("session").is_none_or(|s| s.eq_ignore_ascii_case(&m.session.to_string())))
    };
    let current: Vec<SimMark> =
        state.marks.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
    // The history is in date order: a date it honours is found without reading the rest.
    let day = q.get("date").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let history = match day.filter(|_| honoured) {
        Some(day) => {
            let from = state.history.partition_point(|m| m.date < day);
            let to = state.history.partition_point(|m| m.date <= day);
            &state.history[from..to]
        }
        None => &state.history[..],
    };
    let rows: Vec<&SimMark> = history
        .iter()
        .chain(current.iter().filter(|m| m.lesson_id.is_none()))
        .filter(wanted)
        .filter(|m| changed(&q, m.updated_at))
        .collect();
    state.mark_pages.fetch_add(1, Ordering::SeqCst);
    let per_page = q.get("per_page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).max(1);
    let page = q.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).max(1);
    let last_page = page.saturating_mul(per_page) >= rows.len();
    if last_page && !honoured && !q.contains_key("updated_after") && !state.history.is_empty() {
        state.history_reads.fetch_add(1, Ordering::SeqCst);
    }
    let include_code = includes(&q).contains(&"attendance_code");
    with_school(&state, |s| {
        paged(&state, uri.path(), &q, &rows, |m| {
            let code = s.codes.iter().find(|c| c.code == m.code);
            let mut v = json!({ "student_id": m.student_id, "date": m.date.format("%Y-%m-%d").to_string(),
                "session": m.session.to_string(), "comment": m.comment, "minutes_late": m.minutes_late });
            if honoured {
                v["attendance_code_id"] = json!(code.map(|c| c.id.clone()));
                if include_code {
                    v["attendance_code"] = json!({ "data": code.map(|c| c.to_json()) });
                }
            } else {
                // The include not honoured: the relation is its bare id, as for every other.
                v["attendance_code"] = json!(code.map(|c| c.id.clone()));
            }
            v
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_is_school_days_before_today_for_every_pupil_at_both_sessions() {
        let school = crate::demo::generate(3, 40);
        // Monday 23 November 2026, morning.
        let now = "2026-11-23T09:00:00Z".parse().unwrap();
        let marks = history(&school, now, 5);
        let dates: std::collections::BTreeSet<NaiveDate> = marks.iter().map(|m| m.date).collect();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(
            dates.into_iter().collect::<Vec<_>>(),
            vec![day(16), day(17), day(18), day(19), day(20)]
        );
        assert_eq!(marks.len(), 5 * 2 * school.students.len());
        assert!(marks.iter().any(|m| m.code == "L") && marks.iter().any(|m| m.code == "N"));
        assert!(marks.iter().all(|m| m.updated_at < now));
    }
}
