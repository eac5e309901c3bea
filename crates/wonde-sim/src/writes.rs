//! Writebacks in the simulator, applied asynchronously like
//! Wonde's (a `writeback_id` at once, the outcome once the "MIS" has taken it).
//!
//! Validation follows WONDE.md §3: a request whose shape is wrong (no `attendance` array, a
//! session other than AM/PM, a date that is not YYYY-MM-DD, a missing id) is refused whole with a
//! Laravel-style 422, as is a batch in which no record names a known student and code; otherwise
//! the batch is accepted and unknown students or codes fail row by row in the writeback status.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Timelike};
use serde_json::{json, Map, Value};

use super::routes::{error, with_school};
use super::{Readings, SimMark, SimState};
use kiosk_model::Session;

pub(crate) struct Writeback {
    kind: &'static str,
    accepted_at: Instant,
    ready_at: Instant,
    applied: bool,
    rows: Vec<RowResult>,
}

#[derive(Clone)]
struct RowResult {
    index: usize,
    student_id: String,
    error: Option<String>,
    mark: Option<SimMark>,
}

type St = State<Arc<SimState>>;

pub(crate) async fn post_session(State(state): St, body: axum::body::Bytes) -> Response {
    accept(&state, &body, "session").await
}

pub(crate) async fn post_lesson(State(state): St, body: axum::body::Bytes) -> Response {
    accept(&state, &body, "lesson").await
}

fn invalid(errors: Map<String, Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "message": "The given data was invalid.", "errors": errors })),
    )
        .into_response()
}

async fn accept(state: &Arc<SimState>, body: &[u8], kind: &'static str) -> Response {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_json", "The request body is not JSON.");
    };
    let Some(records) = doc.get("attendance").and_then(Value::as_array).filter(|a| !a.is_empty())
    else {
        let mut errors = Map::new();
        errors.insert(
            "attendance".into(),
            json!(["The attendance field is required and must be a list."]),
        );
        return invalid(errors);
    };
    let mut shape_errors = Map::new();
    let mut rows = Vec::new();
    for (index, record) in records.iter().enumerate() {
        match check_record(state, kind, index, record) {
            Ok(row) => rows.push(row),
            Err((field, message)) => {
                shape_errors.insert(format!("attendance.{index}.{field}"), json!([message]));
            }
        }
    }
    if !shape_errors.is_empty() {
        return invalid(shape_errors);
    }
    if rows.iter().all(|r| r.error.is_some()) {
        let errors = rows
            .iter()
            .map(|r| (format!("attendance.{}", r.index), json!([r.error.clone()])))
            .collect();
        return invalid(errors);
    }
    let id = state.new_id("WB");
    let delay = *state.writeback_delay.lock().unwrap_or_else(|p| p.into_inner());
    let writeback = Writeback {
        kind,
        accepted_at: Instant::now(),
        ready_at: Instant::now() + delay,
        applied: false,
        rows,
    };
    state.writebacks.lock().unwrap_or_else(|p| p.into_inner()).insert(id.clone(), writeback);
    tracing::debug!(writeback_id = %id, kind, "simulated writeback accepted");
    if delay.is_zero() {
        apply(state, &id);
    } else {
        let state = state.clone();
        let id = id.clone();
        tokio::spawn(async move {
            state.pause(delay).await;
            apply(&state, &id);
        });
    }
    Json(json!({ "success": true, "writeback_id": id })).into_response()
}

/// The "MIS" takes the accepted rows.
fn apply(state: &SimState, id: &str) {
    let rows = {
        let mut writebacks = state.writebacks.lock().unwrap_or_else(|p| p.into_inner());
        let Some(wb) = writebacks.get_mut(id) else { return };
        if wb.applied {
            return;
        }
        wb.applied = true;
        wb.rows.clone()
    };
    for mut mark in rows.into_iter().filter_map(|r| r.mark) {
        mark.updated_at = state.clock.now();
        state.record_mark(mark);
    }
}

fn text<'a>(record: &'a Value, field: &str) -> Result<&'a str, (String, String)> {
    record
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| (field.to_string(), format!("The {field} field is required.")))
}

/// Checks one record's shape (an `Err` refuses the request) and whether the MIS can take it
/// (a row error, reported in the writeback status).
fn check_record(
    state: &SimState,
    kind: &str,
    index: usize,
    record: &Value,
) -> Result<RowResult, (String, String)> {
    let student_id = text(record, "student_id")?.to_string();
    let code_id = text(record, "attendance_code_id")?;
    let comment = record.get("comment").and_then(Value::as_str).map(str::to_string);
    let minutes_late = match record.get("minutes_late") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|m| *m <= 600).ok_or_else(|| {
            (
                "minutes_late".to_string(),
                "The minutes late must be a whole number of minutes.".to_string(),
            )
        })? as u32),
    };
    let (date, session, lesson_id) = if kind == "session" {
        let date = NaiveDate::parse_from_str(text(record, "date")?, "%Y-%m-%d").map_err(|_| {
            ("date".to_string(), "The date does not match the format Y-m-d.".to_string())
        })?;
        let session = match text(record, "session")? {
            "AM" => Session::AM,
            "PM" => Session::PM,
            _ => {
                return Err((
                    "session".into(),
                    "The selected session is invalid (AM or PM).".into(),
                ))
            }
        };
        (Some(date), Some(session), None)
    } else {
        (None, None, Some(text(record, "lesson_id")?.to_string()))
    };
    with_school(state, |s| {
        let code = s.codes.iter().find(|c| c.id == code_id);
        let lesson = lesson_id.as_ref().and_then(|id| s.lessons.iter().find(|l| &l.id == id));
        let problem = if s.student(&student_id).is_none() {
            Some(format!("Student {student_id} was not found in the MIS."))
        } else if code.is_none() {
            Some(format!("Attendance code {code_id} is not valid for this school."))
        } else if lesson_id.is_some() && lesson.is_none_or(|l| !l.student_ids.contains(&student_id))
        {
            Some(format!(
                "Lesson {} was not found for student {student_id}.",
                lesson_id.as_deref().unwrap_or_default()
            ))
        } else {
            None
        };
        let mark = match (&problem, code) {
            (None, Some(code)) => {
                let (date, session) = match lesson {
                    Some(l) => (
                        l.start_at.date(),
                        if l.start_at.hour() < 12 { Session::AM } else { Session::PM },
                    ),
                    None => (
                        date.expect("a session record has a date"),
                        session.expect("a session record has a session"),
                    ),
                };
                Some(SimMark {
                    student_id: student_id.clone(),
                    date,
                    session,
                    code: code.code.clone(),
                    comment,
                    minutes_late,
                    lesson_id: lesson_id.clone(),
                    writes: 0,
                    updated_at: state.clock.now(),
                })
            }
            _ => None,
        };
        Ok(RowResult { index, student_id: student_id.clone(), error: problem, mark })
    })
}

/// Under the other readings, how long a new writeback is unknown to the status endpoint.
const UNKNOWN_AT_FIRST: Duration = Duration::from_secs(1);

/// `GET /writebacks/{id}`: `pending` until the MIS has taken the rows, then `completed` with a
/// result per row (the real status vocabulary is [X]; the client reads several).
pub(crate) async fn writeback(State(state): St, Path(id): Path<String>) -> Response {
    let writebacks = state.writebacks.lock().unwrap_or_else(|p| p.into_inner());
    let Some(wb) = writebacks.get(&id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "Writeback not found.");
    };
    if let Some(word) = state.status_word.lock().unwrap_or_else(|p| p.into_inner()).clone() {
        return Json(json!({ "data": { "id": id, "type": wb.kind, "status": word } }))
            .into_response();
    }
    if state.readings == Readings::Other && wb.accepted_at.elapsed() < UNKNOWN_AT_FIRST {
        return error(StatusCode::NOT_FOUND, "not_found", "Writeback not found.");
    }
    if state.readings == Readings::Other && wb.applied && Instant::now() >= wb.ready_at {
        let errors: Vec<Value> = wb
            .rows
            .iter()
            .filter_map(|r| {
                r.error.as_ref().map(|e| json!({ "student_id": r.student_id, "message": e }))
            })
            .collect();
        return Json(json!({ "data": { "id": id, "status": "SUCCESS", "errors": errors } }))
            .into_response();
    }
    if !wb.applied || Instant::now() < wb.ready_at {
        return Json(json!({ "data": { "id": id, "type": wb.kind, "status": "pending" } }))
            .into_response();
    }
    let results: Vec<Value> = wb
        .rows
        .iter()
        .map(|r| json!({ "index": r.index, "student_id": r.student_id, "success": r.error.is_none(), "message": r.error }))
        .collect();
    let failed = wb.rows.iter().filter(|r| r.error.is_some()).count();
    Json(json!({ "data": { "id": id, "type": wb.kind, "status": "completed",
        "message": format!("{} written, {failed} failed", wb.rows.len() - failed), "results": results } }))
    .into_response()
}
