//! What Wonde says of a writeback (`GET /writebacks/{id}`): its fields are [X] in WONDE.md, so
//! every plausible shape is read, and a row names its record by student or index when it can.

use serde_json::Value;

/// How a writeback went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WritebackStatus {
    /// Wonde has not finished with it yet.
    Pending,
    /// Done. `rows` holds what Wonde reported per record; a record it did not mention was
    /// written (an empty list means the whole batch succeeded without per-row detail).
    Done { rows: Vec<RowOutcome> },
    /// The whole batch failed.
    Failed { message: String },
}

/// The outcome of one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// Position in the request's records, when Wonde gave one [X].
    pub index: Option<usize>,
    /// The student the row is about, when Wonde named one [X].
    pub student_id: Option<String>,
    pub ok: bool,
    pub message: Option<String>,
}

/// Reads a writeback status. Its fields are [X] in WONDE.md; this reads `status` (pending /
/// processing / completed / success / failed ...), an overall `message`, and per-row results from
/// `results`, `rows` or `records` (`index`, `success`/`ok`/`status`, `message`/`error`) or a list
/// of failed rows in `errors`.
pub fn read_status(value: &Value) -> Option<WritebackStatus> {
    let doc = value.get("data").filter(|d| d.is_object()).unwrap_or(value);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let status = text(doc.get("status")).map(|s| s.trim().to_ascii_lowercase());
    let message = text(doc.get("message")).or_else(|| text(doc.get("error")));
    let mut rows: Vec<RowOutcome> = Vec::new();
    for key in ["results", "rows", "records"] {
        for item in doc.get(key).and_then(Value::as_array).into_iter().flatten() {
            let ok = match (item.get("success").or_else(|| item.get("ok")), item.get("status")) {
                (Some(Value::Bool(b)), _) => *b,
                (_, Some(Value::String(s))) => matches!(
                    s.to_ascii_lowercase().as_str(),
                    "success" | "ok" | "completed" | "written" | "done"
                ),
                _ => false,
            };
            rows.push(RowOutcome {
                index: row_index(item),
                student_id: row_student(item),
                ok,
                message: text(item.get("message")).or_else(|| text(item.get("error"))),
            });
        }
    }
    for item in doc.get("errors").and_then(Value::as_array).into_iter().flatten() {
        let message = item.as_str().map(str::to_string).or_else(|| text(item.get("message")));
        rows.push(RowOutcome {
            index: row_index(item),
            student_id: row_student(item),
            ok: false,
            message,
        });
    }
    match status.as_deref() {
        Some(
            "pending" | "queued" | "processing" | "in_progress" | "in progress" | "running"
            | "waiting",
        ) => Some(WritebackStatus::Pending),
        Some("failed" | "failure" | "error") if rows.is_empty() => Some(WritebackStatus::Failed {
            message: message.unwrap_or_else(|| {
                "Wonde reported the writeback as failed, without a reason".into()
            }),
        }),
        Some(
            "failed" | "failure" | "error" | "success" | "succeeded" | "successful" | "completed"
            | "complete" | "done" | "processed" | "finished" | "partial",
        ) => Some(WritebackStatus::Done { rows }),
        None if !rows.is_empty() => Some(WritebackStatus::Done { rows }),
        _ => None,
    }
}

fn row_index(item: &Value) -> Option<usize> {
    item.get("index")
        .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        .map(|n| n as usize)
}

fn row_student(item: &Value) -> Option<String> {
    let id = item.get("student_id").or_else(|| item.get("student"))?;
    let id = id.get("data").and_then(|d| d.get("id")).unwrap_or(id);
    id.as_str().map(str::to_string).or_else(|| id.as_i64().map(|n| n.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_writeback_status_is_read_from_every_plausible_shape() {
        assert_eq!(
            read_status(&json!({"data": {"status": "pending"}})),
            Some(WritebackStatus::Pending)
        );
        assert_eq!(
            read_status(&json!({"status": "completed"})),
            Some(WritebackStatus::Done { rows: vec![] })
        );
        let done = read_status(&json!({"data": {"status": "completed", "results": [
            {"index": 0, "success": true}, {"index": 1, "success": false, "message": "unknown student"}]}}));
        assert_eq!(
            done,
            Some(WritebackStatus::Done {
                rows: vec![
                    RowOutcome { index: Some(0), student_id: None, ok: true, message: None },
                    RowOutcome {
                        index: Some(1),
                        student_id: None,
                        ok: false,
                        message: Some("unknown student".into())
                    },
                ]
            })
        );
        let failed = read_status(&json!({"status": "failed", "message": "MIS offline"}));
        assert_eq!(failed, Some(WritebackStatus::Failed { message: "MIS offline".into() }));
        let errors = read_status(
            &json!({"status": "success", "errors": [{"index": "2", "message": "bad code"}]}),
        );
        assert_eq!(
            errors,
            Some(WritebackStatus::Done {
                rows: vec![RowOutcome {
                    index: Some(2),
                    student_id: None,
                    ok: false,
                    message: Some("bad code".into())
                }]
            })
        );
        let by_student = read_status(&json!({"status": "SUCCESS", "errors": [
            {"student_id": "A7", "message": "register locked"}]}));
        assert_eq!(
            by_student,
            Some(WritebackStatus::Done {
                rows: vec![RowOutcome {
                    index: None,
                    student_id: Some("A7".into()),
                    ok: false,
                    message: Some("register locked".into())
                }]
            })
        );
        assert_eq!(read_status(&json!({"status": "mystery"})), None);
        assert_eq!(read_status(&json!([1, 2])), None);
    }
}
