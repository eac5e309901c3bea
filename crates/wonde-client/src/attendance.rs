//! Attendance: finding the first lesson of a session
//! (Arbor, R3.9), writing marks and reading how Wonde got on with them (R4).
//!
//! Wonde applies writes to the MIS asynchronously: a 200 to the POST means "accepted", and the
//! outcome is read later from `GET /writebacks/{id}`.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use super::http::{parse, LESSONS_PER_PAGE};
use super::model::{LessonJson, One, StudentClassesJson};
use super::status::{read_status, WritebackStatus};
use super::{WondeClient, WondeError};
use kiosk_model::Session;

/// One session mark to write (`POST /schools/{id}/attendance/session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub student_id: String,
    pub date: NaiveDate,
    pub session: Session,
    pub attendance_code_id: String,
    pub comment: Option<String>,
    pub minutes_late: Option<u32>,
}

/// One lesson mark to write (`POST /schools/{id}/attendance/lesson`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonRecord {
    pub lesson_id: String,
    pub student_id: String,
    pub attendance_code_id: String,
    pub comment: Option<String>,
    /// Sent as on session records: MIS clients in use send it on lesson records too (Wonde's
    /// own PHP client sends only the three ids, so whether every MIS keeps it is [X]).
    pub minutes_late: Option<u32>,
}

/// Wonde took a batch of marks: not yet written to the MIS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritebackAccepted {
    pub writeback_id: String,
    pub http_status: u16,
    /// The JSON that was sent (ids, codes, comments; never the token), for the attempt log (R4.7).
    pub sent_summary: String,
}

#[derive(Serialize)]
struct SessionJsonOut<'a> {
    student_id: &'a str,
    date: String,
    session: String,
    attendance_code_id: &'a str,
    // Optional fields are left out rather than sent empty, as Wonde's own clients do.
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes_late: Option<u32>,
}

#[derive(Serialize)]
struct LessonJsonOut<'a> {
    lesson_id: &'a str,
    student_id: &'a str,
    attendance_code_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes_late: Option<u32>,
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl WondeClient {
    /// The Wonde id of the student's first lesson in that session (Arbor takes lesson marks),
    /// if any. The session boundary is `pm_start`, the PM start time of the pupil's group,
    /// applied to the lesson's start in the school's zone (`WondeDate::in_zone`).
    pub async fn first_lesson(
        &self,
        student_id: &str,
        date: NaiveDate,
        session: Session,
        pm_start: NaiveTime,
    ) -> Result<Option<String>, WondeError> {
        let zone = self.resolved().await?.zone();
        let next_day = date + Duration::days(1);
        let query = [
            ("lessons_start_after", format!("{} 00:00:00", date.format("%Y-%m-%d"))),
            ("lessons_start_before", format!("{} 00:00:00", next_day.format("%Y-%m-%d"))),
            ("include", "class.students".to_string()),
            ("per_page", LESSONS_PER_PAGE.to_string()),
        ];
        let url = self.url(&self.school_path("lessons"), &query);
        let lessons: Vec<LessonJson> = self.get_all(url, 0, &mut |_| {}).await?;
        let in_session = |t: NaiveTime| match session {
            Session::AM => t < pm_start,
            Session::PM => t >= pm_start,
        };
        let in_session: Vec<_> = lessons
            .into_iter()
            .filter_map(|l| {
                let start = l.start_at.as_ref()?;
                Some((zone.map_or(start.local, |z| start.in_zone(z)), l))
            })
            .filter(|(start, _)| {
                start.date() == date
                    && in_session(start.time().with_nanosecond(0).unwrap_or(start.time()))
            })
            .collect();
        // Whether the nested `class.students` is honoured is [X]: a class listed without its
        // students is matched against the pupil's own classes instead.
        let own_classes = match in_session
            .iter()
            .any(|(_, l)| l.class.get().is_some_and(|c| c.students.get().is_none()))
        {
            true => Some(self.classes_of(student_id).await?),
            false => None,
        };
        let first = in_session
            .into_iter()
            .filter(|(_, l)| {
                l.class.get().is_some_and(|c| match c.students.get() {
                    Some(students) => students.iter().any(|s| s.0.as_deref() == Some(student_id)),
                    None => own_classes
                        .as_ref()
                        .is_some_and(|own| c.id.as_ref().is_some_and(|id| own.contains(id))),
                })
            })
            .min_by_key(|(start, _)| *start)
            .and_then(|(_, l)| l.id);
        Ok(first)
    }

    /// The Wonde ids of a student's classes (`students/{id}?include=classes` [S]). A student
    /// answered without them leaves the lesson unknown: no lesson is picked on a guess.
    async fn classes_of(&self, student_id: &str) -> Result<HashSet<String>, WondeError> {
        let path = self.school_path(&format!("students/{student_id}"));
        let url = self.url(&path, &[("include", "classes".to_string())]);
        let one: One<StudentClassesJson> = self.get_json(url).await?;
        let classes = one.data.and_then(|s| s.classes.0).ok_or_else(|| WondeError::Malformed {
            excerpt: "the pupil's lesson is unknown: Wonde listed the lessons' classes without \
                      their pupils, and the pupil without their classes"
                .into(),
        })?;
        Ok(classes.into_iter().filter_map(|c| c.0).collect())
    }

    /// Sends a batch of session marks. Accepted is not yet written: read
    /// [`WondeClient::writeback_status`] with the returned id.
    pub async fn write_session_marks(
        &self,
        records: &[SessionRecord],
    ) -> Result<WritebackAccepted, WondeError> {
        let rows: Vec<SessionJsonOut> = records
            .iter()
            .map(|r| SessionJsonOut {
                student_id: &r.student_id,
                date: r.date.format("%Y-%m-%d").to_string(),
                session: r.session.to_string(),
                attendance_code_id: &r.attendance_code_id,
                comment: non_empty(&r.comment),
                minutes_late: r.minutes_late.filter(|m| *m > 0),
            })
            .collect();
        self.post_writeback("attendance/session", json!({ "attendance": rows })).await
    }

    /// Sends a batch of lesson marks (MIS that take the first lesson instead of the session).
    pub async fn write_lesson_marks(
        &self,
        records: &[LessonRecord],
    ) -> Result<WritebackAccepted, WondeError> {
        let rows: Vec<LessonJsonOut> = records
            .iter()
            .map(|r| LessonJsonOut {
                lesson_id: &r.lesson_id,
                student_id: &r.student_id,
                attendance_code_id: &r.attendance_code_id,
                comment: non_empty(&r.comment),
                minutes_late: r.minutes_late.filter(|m| *m > 0),
            })
            .collect();
        self.post_writeback("attendance/lesson", json!({ "attendance": rows })).await
    }

    async fn post_writeback(
        &self,
        rest: &str,
        body: Value,
    ) -> Result<WritebackAccepted, WondeError> {
        self.resolved().await?;
        if body["attendance"].as_array().is_none_or(|a| a.is_empty()) {
            return Err(WondeError::Permanent {
                http_status: 0,
                message: "there were no marks to send".into(),
            });
        }
        let url = self.url(&self.school_path(rest), &[]);
        let answer = self.send(Method::POST, url, Some(&body)).await?.body;
        let value: Value = parse(&answer)?;
        // Readmes say the id is in the response ([C]); whether at the top or under `data` is [X].
        let id = ["writeback_id", "id"]
            .iter()
            .find_map(|k| value.get(*k).or_else(|| value.get("data").and_then(|d| d.get(*k))))
            .and_then(|v| {
                v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .filter(|id| is_writeback_id(id))
            .ok_or_else(|| {
                WondeError::malformed(&answer, "the writeback answer had no usable writeback_id")
            })?;
        Ok(WritebackAccepted { writeback_id: id, http_status: 200, sent_summary: body.to_string() })
    }

    /// How a writeback went (`GET /writebacks/{id}`, top level, not under the school).
    pub async fn writeback_status(
        &self,
        writeback_id: &str,
    ) -> Result<WritebackStatus, WondeError> {
        if !is_writeback_id(writeback_id) {
            let id = super::error::excerpt(writeback_id.as_bytes());
            return Err(WondeError::Permanent {
                http_status: 0,
                message: format!("'{id}' is not a writeback id"),
            });
        }
        self.resolved().await?;
        let url = self.url(&format!("writebacks/{writeback_id}"), &[]);
        let body = self.send(Method::GET, url, None).await?.body;
        let value: Value = parse(&body)?;
        read_status(&value)
            .ok_or_else(|| WondeError::malformed(&body, "the writeback status could not be read"))
    }
}

/// Whether Wonde's id for a writeback can be asked about: a short token of letters, digits, `-`
/// and `_`. Anything else in an answer is a fault of that answer, not a network failure later.
fn is_writeback_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
