//! How `kioskctl` prints what it reads.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;

use kiosk_core::report::LogRow;
use kiosk_core::store::{Event, Status, Store};

use crate::Failure;

pub fn json<T: Serialize + ?Sized>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON of plain data"));
}

pub fn status(store: &Store, now: DateTime<Utc>, as_json: bool) -> Result<(), Failure> {
    let counts = store.counts()?;
    let events = store.status_counts(None)?;
    let school = store.school()?;
    let last_import = store.import_runs(1)?.into_iter().next();
    let settings_problem = store.settings().err().map(|e| e.to_string());
    if as_json {
        let by_status: serde_json::Map<String, serde_json::Value> =
            events.iter().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect();
        json(&json!({
            "data_dir": store.path().parent().map(|p| p.display().to_string()),
            "school": school,
            "students": counts.students,
            "contacts": counts.contacts,
            "employees": counts.employees,
            "codes": counts.codes,
            "events": by_status,
            "last_import": last_import,
            "settings_problem": settings_problem,
            "checked_at": now,
        }));
        return Ok(());
    }
    match &school {
        Some(s) => println!("School:     {} ({})", s.name, s.mis),
        None => println!("School:     none imported yet"),
    }
    println!(
        "Roster:     {} students, {} contacts, {} employees, {} attendance codes",
        counts.students, counts.contacts, counts.employees, counts.codes
    );
    let summary: Vec<String> =
        events.iter().map(|(s, n)| format!("{n} {}", s.label().to_lowercase())).collect();
    println!("Events:     {}", summary.join(", "));
    match last_import {
        Some(run) => println!("Last import: {} at {}", run.outcome.as_str(), run.started_at),
        None => println!("Last import: never"),
    }
    if let Some(problem) = settings_problem {
        println!("Warning:    {problem}");
    }
    if events.get(&Status::Failed).copied().unwrap_or(0) > 0 {
        println!("Some events failed: see `kioskctl log --status failed`.");
    }
    Ok(())
}

pub fn log_table(events: &[Event], tz: Tz) {
    if events.is_empty() {
        println!("No events.");
        return;
    }
    println!(
        "{:<6} {:<8} {:<28} {:<15} {:<24} {:<3} {:<4} {:<12} CAUSE",
        "ID", "TIME", "PERSON", "TYPE", "REASON", "SES", "CODE", "STATUS"
    );
    for event in events {
        let row = LogRow::new(event, tz);
        println!(
            "{:<6} {:<8} {:<28} {:<15} {:<24} {:<3} {:<4} {:<12} {}",
            row.id,
            row.time,
            clip(&row.person, 28),
            row.kind,
            clip(&row.reason, 24),
            row.session,
            row.code,
            row.status,
            row.cause
        );
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).chain(std::iter::once('…')).collect()
    }
}
