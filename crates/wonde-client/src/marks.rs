//! Reading the marks the MIS holds (R3.4, R4.10), whichever filters Wonde honours.
//!
//! Which filters `GET /attendance/session` takes is [X] (`research/wonde-fidelity.md` §4).
//! `student_id`, `date` and `session` are sent, and every row is checked against them: the
//! first row of another date or pupil ends the read at once ("filter not honoured"), instead
//! of paging through the school's whole history on every read. From then on this client keeps
//! its own copy of the register from the date asked for on: the history is read once, within
//! `WondeConfig::register_pages`, and after that only what changed since (`updated_after`,
//! Wonde's generic delta filter [S]), timed by Wonde's own clock (the `Date` of its answer),
//! not the tablet's. `updated_after` alone would miss a mark entered days before its date
//! (a planned `M`), which is why the history is read first.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{DateTime, NaiveDate, Utc};

use super::lenient::WondeDate;
use super::model::{CodeRelation, SessionMarkJson};
use super::{WondeClient, WondeError};
use kiosk_model::Session;

/// Marks by (student id, session), as code letters.
pub type SessionMarks = HashMap<(String, Session), String>;

/// How long before the last read began a delta read starts again. Whether `updated_after` is
/// when Wonde saw the change or when the MIS made it is [X]; a change Wonde picks up from the
/// MIS this much later than it was made is still seen.
const DELTA_OVERLAP: chrono::Duration = chrono::Duration::minutes(15);

/// What this client has learnt of the `attendance/session` filters, and its copy of the
/// register once it has found them ignored.
#[derive(Default)]
pub(crate) struct MarkReads {
    filters_ignored: bool,
    copy: Option<RegisterCopy>,
}

/// The register from `from` on, by (student id, date, session).
struct RegisterCopy {
    from: NaiveDate,
    marks: HashMap<(String, NaiveDate, Session), String>,
    /// Wonde's time when the last read began; `None` (no `Date` on its answer) reads the
    /// history again next time.
    as_of: Option<DateTime<Utc>>,
}

/// A row's pupil, date and session, and its code as sent.
struct Row {
    student: String,
    date: NaiveDate,
    session: Session,
    code: CodeRelation,
    letter: Option<String>,
}

impl WondeClient {
    /// The code letter (e.g. "M") the MIS holds for a student's session, if any (R3.4).
    pub async fn session_mark(
        &self,
        student_id: &str,
        date: NaiveDate,
        session: Session,
    ) -> Result<Option<String>, WondeError> {
        let mut marks = self.marks_of(date, Some((student_id, session))).await?;
        Ok(marks.remove(&(student_id.to_string(), session)))
    }

    /// Every session mark the MIS holds for a date: one paged read instead of one request per
    /// student when a backlog is written (R4.9).
    pub async fn session_marks_on(&self, date: NaiveDate) -> Result<SessionMarks, WondeError> {
        self.marks_of(date, None).await
    }

    /// Whether this client has found Wonde ignoring the attendance filters, and so reads the
    /// register by what changed. (Not yet shown in the configuration check.)
    pub async fn attendance_filters_ignored(&self) -> bool {
        self.inner.mark_reads.lock().await.filters_ignored
    }

    async fn marks_of(
        &self,
        date: NaiveDate,
        only: Option<(&str, Session)>,
    ) -> Result<SessionMarks, WondeError> {
        let zone = self.resolved().await?.zone();
        // Held for the whole read: two callers never both page through the history.
        let mut reads = self.inner.mark_reads.lock().await;
        if !reads.filters_ignored {
            let mut query = vec![("date", date.format("%Y-%m-%d").to_string())];
            if let Some((student_id, session)) = only {
                query.push(("student_id", student_id.to_string()));
                query.push(("session", session.to_string()));
            }
            let mut rows = Vec::new();
            let mut ignored = false;
            let mut keep = |row: Option<Row>| {
                let Some(row) = row else { return ControlFlow::Continue(()) };
                if row.date != date
                    || only.is_some_and(|(id, s)| id != row.student || s != row.session)
                {
                    ignored = true;
                    return ControlFlow::Break(());
                }
                rows.push(row);
                ControlFlow::Continue(())
            };
            self.read_register(&query, zone, &mut keep).await?;
            if !ignored {
                return self.letters(rows).await.map(|marks| {
                    marks.into_iter().map(|((s, _, session), l)| ((s, session), l)).collect()
                });
            }
            tracing::warn!(
                "Wonde lists other dates or pupils than the attendance filters ask for: the \
                 register is read once and then by what changed"
            );
            reads.filters_ignored = true;
        }
        self.refresh_copy(&mut reads, date, zone).await?;
        let copy = reads.copy.as_ref().expect("refreshed");
        Ok(copy
            .marks
            .iter()
            .filter(|((s, d, session), _)| {
                *d == date && only.is_none_or(|(id, wanted)| id == s && wanted == *session)
            })
            .map(|((s, _, session), l)| ((s.clone(), *session), l.clone()))
            .collect())
    }

    /// Brings the copy of the register up to date: the whole history when there is no copy
    /// from `date` on (or no time to read changes from), else what changed since the last read.
    async fn refresh_copy(
        &self,
        reads: &mut MarkReads,
        date: NaiveDate,
        zone: Option<chrono_tz::Tz>,
    ) -> Result<(), WondeError> {
        let since = reads.copy.as_ref().filter(|c| c.from <= date).and_then(|c| c.as_of);
        let from = match (&reads.copy, since) {
            (Some(copy), Some(_)) => copy.from,
            _ => date,
        };
        let mut query = Vec::new();
        if let Some(since) = since {
            query.push(("updated_after", updated_after(since - DELTA_OVERLAP, zone)));
        }
        let limit = self.inner.config.register_pages;
        let mut rows = Vec::new();
        let mut pages = 0;
        let mut keep = |row: Option<Row>| {
            match row {
                Some(row) if row.date >= from => rows.push(row),
                Some(_) => {}
                None => {
                    pages += 1;
                    if pages > limit {
                        return ControlFlow::Break(());
                    }
                }
            }
            ControlFlow::Continue(())
        };
        let dated = self.read_register(&query, zone, &mut keep).await?;
        if pages > limit {
            return Err(WondeError::Malformed {
                excerpt: format!(
                    "the current marks are unknown: Wonde ignores the attendance filters and its \
                     register runs past {limit} pages"
                ),
            });
        }
        let letters = self.letters(rows).await?;
        match (&mut reads.copy, since) {
            (Some(copy), Some(_)) => {
                copy.marks.extend(letters);
                copy.as_of = dated;
            }
            _ => reads.copy = Some(RegisterCopy { from, marks: letters, as_of: dated }),
        }
        Ok(())
    }

    /// Pages `attendance/session` with `query`, handing each readable row to `each` and
    /// `None` after each page. Returns Wonde's time on the first page.
    async fn read_register(
        &self,
        query: &[(&str, String)],
        zone: Option<chrono_tz::Tz>,
        each: &mut (dyn FnMut(Option<Row>) -> ControlFlow<()> + Send),
    ) -> Result<Option<DateTime<Utc>>, WondeError> {
        let in_zone = |d: &WondeDate| zone.map_or(d.local, |z| d.in_zone(z));
        let mut query = query.to_vec();
        query.push(("include", "attendance_code".to_string()));
        query.push(("per_page", super::MAX_PER_PAGE.to_string()));
        let url = self.url(&self.school_path("attendance/session"), &query);
        self.each_page(url, 0, &mut |page: Vec<SessionMarkJson>| {
            for mark in page {
                let student = mark.student_id.0.clone().or(mark.student.0.clone());
                let session =
                    mark.session.as_deref().and_then(|s| match s.to_ascii_uppercase().as_str() {
                        "AM" => Some(Session::AM),
                        "PM" => Some(Session::PM),
                        _ => None,
                    });
                let (Some(student), Some(session), Some(date)) =
                    (student, session, mark.date.as_ref().map(|d| in_zone(d).date()))
                else {
                    continue;
                };
                let letter = mark.attendance_code.code.clone().or(mark.code);
                let code = CodeRelation {
                    id: mark.attendance_code_id.or(mark.attendance_code.id),
                    code: None,
                };
                if each(Some(Row { student, date, session, code, letter })).is_break() {
                    return ControlFlow::Break(());
                }
            }
            each(None)
        })
        .await
    }

    /// The rows' code letters, by (student, date, session); later rows win, as a Wonde that
    /// lists history gives the newest mark last.
    async fn letters(
        &self,
        rows: Vec<Row>,
    ) -> Result<HashMap<(String, NaiveDate, Session), String>, WondeError> {
        let codes = match rows.iter().any(|r| r.letter.is_none()) {
            true => self.codes_cached().await?,
            false => Vec::new(),
        };
        let mut letters = HashMap::new();
        for row in rows {
            let letter = row.letter.or_else(|| {
                let id = row.code.id.as_ref()?;
                codes.iter().find(|c| &c.wonde_id == id).map(|c| c.code.clone())
            });
            // A mark whose code cannot be told is unknown, never "no mark": taking it for none
            // could write over a protected code (R3.4, R4.10).
            let Some(letter) = letter else {
                return Err(WondeError::Malformed {
                    excerpt: format!(
                        "the current mark is unknown: a {} mark of {} has code {}, which is not \
                         among the school's codes",
                        row.session,
                        row.date,
                        row.code
                            .id
                            .as_deref()
                            .map_or("(none)".into(), |id| super::error::excerpt(id.as_bytes()))
                    ),
                });
            };
            letters.insert((row.student, row.date, row.session), letter);
        }
        Ok(letters)
    }
}

/// `updated_after` for an instant. Whether Wonde reads it in UTC or the school's time is [X]:
/// the earlier of the two wall clocks is sent, so either way nothing after the instant is missed.
fn updated_after(at: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> String {
    let utc = at.naive_utc();
    let local = zone.map_or(utc, |z| at.with_timezone(&z).naive_local());
    utc.min(local).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updated_after_is_the_earlier_wall_clock_of_utc_and_the_school_zone() {
        let summer: DateTime<Utc> = "2026-06-10T09:30:00Z".parse().unwrap();
        assert_eq!(updated_after(summer, Some(chrono_tz::Europe::London)), "2026-06-10 09:30:00");
        assert_eq!(
            updated_after(summer, Some(chrono_tz::America::New_York)),
            "2026-06-10 05:30:00"
        );
        assert_eq!(updated_after(summer, None), "2026-06-10 09:30:00");
    }
}
