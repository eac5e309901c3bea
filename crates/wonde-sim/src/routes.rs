//! The simulator's read endpoints, its middleware (faults, latency, the token) and Wonde's
//! list envelope.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Value};

use super::data::SchoolData;
use super::faults::{ConnHandle, Fault};
use super::{register, writes, SimState};

type Q = Query<BTreeMap<String, String>>;
type St = State<Arc<SimState>>;

/// Wonde's default page size, and the largest it is assumed to allow.
const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 200;

pub(crate) fn router(state: Arc<SimState>) -> Router {
    // Every path that names a school answers 404 for any other school, as Wonde does for a
    // school that has not approved access.
    let school_routes = Router::new()
        .route("/v1.0/schools/{school}", get(school))
        .route("/v1.0/meta/schools/{school}", get(meta))
        .route("/v1.0/schools/{school}/attendance-codes", get(school_codes))
        .route("/v1.0/schools/{school}/students", get(students))
        .route("/v1.0/schools/{school}/students/{id}", get(one_student))
        .route("/v1.0/schools/{school}/students/{id}/photo", get(student_photo))
        .route("/v1.0/schools/{school}/students-leaver", get(leavers))
        .route("/v1.0/schools/{school}/contacts", get(contacts))
        .route("/v1.0/schools/{school}/employees", get(employees))
        .route("/v1.0/schools/{school}/groups", get(groups))
        .route("/v1.0/schools/{school}/deletions", get(deletions))
        .route("/v1.0/schools/{school}/lessons", get(lessons))
        .route(
            "/v1.0/schools/{school}/attendance/session",
            get(register::session_marks).post(writes::post_session),
        )
        .route("/v1.0/schools/{school}/attendance/lesson", axum::routing::post(writes::post_lesson))
        .route_layer(middleware::from_fn_with_state(state.clone(), known_school));
    Router::new()
        .merge(school_routes)
        .route("/v1.0/attendance-codes", get(global_codes))
        .route("/v1.0/writebacks/{id}", get(writes::writeback))
        .fallback(|| async {
            error(StatusCode::NOT_FOUND, "not_found", "The requested resource was not found.")
        })
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(middleware::from_fn_with_state(state.clone(), dated))
        .with_state(state)
}

/// A Wonde-shaped error body.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

/// Every answer is dated by the simulator's clock, as a real server dates its answers by its
/// own: the kiosk reads Wonde's time from it.
async fn dated(State(state): St, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let now = state.clock.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(value) = HeaderValue::from_str(&now) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

/// Faults, latency and the token, in the order a real network and API would apply them.
async fn gate(
    State(state): St,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
    next: Next,
) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    if state.faults.offline() {
        conn.cut_after(0);
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    state.pause(state.faults.latency()).await;
    let fault = state.faults.next_fault();
    match fault {
        Some(Fault::ServerError(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return error(status, "server_error", "Server Error");
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            let mut r =
                error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "Too Many Attempts.");
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return r;
        }
        Some(Fault::Hang) => {
            state.pause(state.faults.hang_for()).await;
            return error(StatusCode::GATEWAY_TIMEOUT, "timeout", "Gateway Timeout");
        }
        Some(Fault::Reset) => {
            conn.cut_after(0);
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Some(Fault::Unauthorized) => return unauthenticated(),
        _ => {}
    }
    if state.faults.revoked() || !authorised(&request, &state.token) {
        return unauthenticated();
    }
    let response = next.run(request).await;
    match fault {
        Some(Fault::Malformed) => {
            let mut r = (
                StatusCode::OK,
                "{\"data\": [{\"id\": \"A1\", \"forename\": \"Zo<html>Bad gateway",
            )
                .into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Some(Fault::Truncated) => {
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            // Past the headers and half the body when there is a body worth cutting; else
            // inside the headers. Either way the client sees the answer stop early.
            conn.cut_after(if bytes.len() >= 1000 { 400 + bytes.len() / 2 } else { 20 });
            Response::from_parts(parts, Body::from(bytes))
        }
        Some(Fault::Stall) => {
            conn.stall();
            response
        }
        _ => response,
    }
}

fn authorised(request: &Request, token: &str) -> bool {
    let Some(value) = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let given = parts.next().unwrap_or_default().trim();
    scheme.eq_ignore_ascii_case("bearer") && given == token
}

fn unauthenticated() -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, "unauthenticated", "Unauthenticated.");
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// Answers 404 unless the path names the simulated school.
async fn known_school(
    State(state): St,
    Path(params): Path<BTreeMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    let known = with_school(&state, |s| params.get("school") == Some(&s.id));
    if !known {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "School not found or access not approved.",
        );
    }
    next.run(request).await
}

pub(crate) fn with_school<T>(state: &SimState, f: impl FnOnce(&SchoolData) -> T) -> T {
    f(&state.school.read().unwrap_or_else(|p| p.into_inner()))
}

pub(crate) fn includes(q: &BTreeMap<String, String>) -> Vec<&str> {
    q.get("include")
        .map(|i| i.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// `updated_after` / `updated_before`, read as UTC `YYYY-MM-DD HH:MM:SS` (or a date).
pub(crate) fn instant(q: &BTreeMap<String, String>, key: &str) -> Option<DateTime<Utc>> {
    let text = q.get(key)?;
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .map(|t| t.and_utc())
}

pub(crate) fn changed(q: &BTreeMap<String, String>, at: DateTime<Utc>) -> bool {
    instant(q, "updated_after").is_none_or(|after| at > after)
        && instant(q, "updated_before").is_none_or(|before| at < before)
}

/// One page of `items` in Wonde's envelope, rendering only the rows on the page. Like Wonde,
/// a short list asked for without `per_page` comes back with no pagination block.
pub(crate) fn paged<T>(
    state: &SimState,
    path: &str,
    q: &BTreeMap<String, String>,
    items: &[T],
    render: impl Fn(&T) -> Value,
) -> Response {
    let asked = q.get("per_page").and_then(|p| p.parse::<usize>().ok());
    let per_page = asked.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE);
    let page = q.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).max(1);
    let start = (page - 1).saturating_mul(per_page).min(items.len());
    let end = (start + per_page).min(items.len());
    let data: Vec<Value> = items[start..end].iter().map(render).collect();
    if asked.is_none() && items.len() <= per_page {
        return Json(json!({ "data": data })).into_response();
    }
    let link = |to: usize| {
        let mut params = q.clone();
        params.insert("page".into(), to.to_string());
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        format!("{}{path}?{query}", state.base_url.trim_end_matches("/v1.0"))
    };
    let more = end < items.len();
    Json(json!({
        "data": data,
        "meta": { "pagination": {
            "next": if more { Value::from(link(page + 1)) } else { Value::Null },
            "previous": if page > 1 { Value::from(link(page - 1)) } else { Value::Null },
            "more": more,
            // A string, as in Wonde's docs example (the client also reads a number).
            "per_page": per_page.to_string(),
            "current_page": page,
        } }
    }))
    .into_response()
}

async fn school(State(state): St) -> Response {
    with_school(&state, |s| {
        Json(json!({ "data": {
            "id": s.id, "name": s.name, "establishment_number": "4000", "urn": 100000, "phase_of_education": "SECONDARY",
            "la_code": "999", "timezone": s.timezone, "mis": state.mis,
            "address": { "address_line_1": "1 School Lane", "address_town": "Exampleton", "address_postcode": "EX1 1AA" },
            "extended": { "allows_writeback": s.allows_writeback, "has_timetables": !s.lessons.is_empty(),
                          "has_lesson_attendance": s.has_lesson_attendance, "audit_approved_at": null },
            "region": { "code": "GBR", "domain": s.domain.clone().unwrap_or_else(|| "api.wonde.com".into()),
                        "school_url": format!("https://{}/v1.0/schools/{}", s.domain.as_deref().unwrap_or("api.wonde.com"), s.id),
                        "identifiers": { "la_code": "999", "establishment_number": "4000", "urn": 100000 } },
        } }))
        .into_response()
    })
}

async fn meta() -> Response {
    Json(json!({ "data": { "online": true, "approved": true, "audited": true, "custom_attendance_codes": true } })).into_response()
}

async fn global_codes(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    with_school(&state, |s| paged(&state, uri.path(), &q, &s.codes, |c| c.to_json()))
}

async fn school_codes(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    with_school(&state, |s| paged(&state, uri.path(), &q, &s.codes, |c| c.to_json()))
}

async fn students(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    list_students(&state, uri.path(), &q, false)
}

async fn leavers(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    list_students(&state, uri.path(), &q, true)
}

fn list_students(
    state: &SimState,
    path: &str,
    q: &BTreeMap<String, String>,
    leavers: bool,
) -> Response {
    let incl = includes(q);
    with_school(state, |s| {
        let lookups = s.lookups();
        let source = if leavers { &s.leavers } else { &s.students };
        let rows: Vec<_> = source.iter().filter(|st| changed(q, st.updated_at)).collect();
        paged(state, path, q, &rows, |st| st.to_json(state.zone(&s.timezone), &incl, &lookups))
    })
}

async fn one_student(
    State(state): St,
    Path((_school, id)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let incl = includes(&q);
    with_school(&state, |s| match s.student(&id) {
        Some(st) => {
            Json(json!({ "data": st.to_json(state.zone(&s.timezone), &incl, &s.lookups()) }))
                .into_response()
        }
        None => error(StatusCode::NOT_FOUND, "not_found", "Student not found."),
    })
}

/// A pupil's photo, where the other reading's `photo` include points.
async fn student_photo(State(state): St, Path((_school, id)): Path<(String, String)>) -> Response {
    with_school(&state, |s| match s.student(&id).and_then(|st| st.photo.clone()) {
        Some(bytes) => ([(axum::http::header::CONTENT_TYPE, "image/png")], bytes).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found", "Photo not found."),
    })
}

async fn contacts(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    with_school(&state, |s| {
        let rows: Vec<_> = s.contacts.iter().filter(|c| changed(&q, c.updated_at)).collect();
        paged(&state, uri.path(), &q, &rows, |c| c.to_json())
    })
}

async fn employees(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    let incl = includes(&q);
    with_school(&state, |s| {
        let rows: Vec<_> = s.employees.iter().filter(|e| changed(&q, e.updated_at)).collect();
        paged(&state, uri.path(), &q, &rows, |e| e.to_json(state.zone(&s.timezone), &incl))
    })
}

async fn groups(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    with_school(&state, |s| paged(&state, uri.path(), &q, &s.groups, |g| g.to_json()))
}

async fn deletions(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    with_school(&state, |s| {
        let kind = q.get("type");
        let rows: Vec<_> = s
            .deletions
            .iter()
            .filter(|d| {
                changed(&q, d.deleted_at) && kind.is_none_or(|k| k.eq_ignore_ascii_case(&d.kind))
            })
            .collect();
        paged(&state, uri.path(), &q, &rows, |d| d.to_json())
    })
}

async fn lessons(State(state): St, uri: axum::http::Uri, Query(q): Q) -> Response {
    let mut incl = includes(&q);
    // Whether a nested include (`class.students`) is honoured on lessons is [X]: the other
    // reading includes the class without its students.
    if state.readings == super::Readings::Other {
        incl = incl.into_iter().filter_map(|i| i.split('.').next()).collect();
    }
    let after = instant(&q, "lessons_start_after").map(|t| t.naive_utc());
    let before = instant(&q, "lessons_start_before").map(|t| t.naive_utc());
    with_school(&state, |s| {
        let rows: Vec<_> = s
            .lessons
            .iter()
            .filter(|l| {
                after.is_none_or(|a| l.start_at >= a) && before.is_none_or(|b| l.start_at < b)
            })
            .collect();
        paged(&state, uri.path(), &q, &rows, |l| l.to_json(state.zone(&s.timezone), &incl))
    })
}
