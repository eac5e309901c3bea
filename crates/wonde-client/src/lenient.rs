//! Lenient readers for Wonde's scalars and wrappers. Scopes null fields out, numbers arrive as
//! strings and dates as PHP date objects or plain strings (WONDE.md §1): each reader accepts
//! every shape Wonde is known to send and turns anything else into `None`, never an error.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An included relation. Wonde wraps includes as `{data: ...}`; a bare object is read too.
#[derive(Debug, Clone)]
pub struct Related<T>(pub Option<T>);

impl<T> Default for Related<T> {
    fn default() -> Self {
        Related(None)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Related<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let inner = match value {
            Value::Null => return Ok(Related(None)),
            Value::Object(mut map) if map.contains_key("data") && map.len() <= 2 => {
                map.remove("data").unwrap_or(Value::Null)
            }
            other => other,
        };
        if inner.is_null() {
            return Ok(Related(None));
        }
        // A relation of the wrong shape is treated as absent: one odd include must not lose a page.
        Ok(Related(serde_json::from_value(inner).ok()))
    }
}

impl<T> Related<T> {
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T> Related<Vec<T>> {
    pub fn items(&self) -> &[T] {
        self.0.as_deref().unwrap_or(&[])
    }
}

/// A Wonde date: `{date: "2015-10-29 14:53:44.000000", timezone_type: 3, timezone: "UTC"}` or a
/// plain `"2015-10-29"` / `"2015-10-29 14:53:44"` / RFC 3339 string. Kept as the wall-clock time
/// Wonde wrote, with its zone name when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WondeDate {
    pub local: NaiveDateTime,
    pub timezone: Option<String>,
}

impl WondeDate {
    pub fn date(&self) -> NaiveDate {
        self.local.date()
    }

    /// The wall-clock time in the school's `zone`. [X] Which zone Wonde writes a date object in
    /// is unconfirmed: one that names no zone, or the school's own, is taken as written; one that
    /// names another (`UTC`) is converted, so a lesson at 13:00 BST written as 12:00 UTC is
    /// still in the afternoon, and a leaving day written as 23:00 UTC the evening before is
    /// still that day.
    pub fn in_zone(&self, zone: Tz) -> NaiveDateTime {
        match self.timezone.as_deref().and_then(|z| z.trim().parse::<Tz>().ok()) {
            Some(given) if given != zone => given
                .from_local_datetime(&self.local)
                .earliest()
                .map_or(self.local, |t| t.with_timezone(&zone).naive_local()),
            _ => self.local,
        }
    }

    pub fn parse_text(text: &str) -> Option<NaiveDateTime> {
        let text = text.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Some(t.naive_local());
        }
        for format in
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S"]
        {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Some(t);
            }
        }
        for format in ["%Y-%m-%d", "%d/%m/%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(text, format) {
                return Some(d.and_time(NaiveTime::MIN));
            }
        }
        None
    }
}

/// Reads a date in either shape; anything else is `None`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<WondeDate>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => {
            WondeDate::parse_text(&s).map(|local| WondeDate { local, timezone: None })
        }
        Value::Object(map) => {
            let local = map.get("date").and_then(Value::as_str).and_then(WondeDate::parse_text);
            let timezone = map.get("timezone").and_then(Value::as_str).map(str::to_string);
            local.map(|local| WondeDate { local, timezone })
        }
        _ => None,
    })
}

/// Reads a string; numbers become their decimal text (ids and years arrive both ways).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// Reads a boolean from `true`, `1`, `"true"`, `"yes"`, `"1"` and their opposites.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// Reads an integer from a number or a numeric string.
pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A reference that arrives as a bare id or as an included `{data: {id}}` object.
#[derive(Debug, Default, Clone)]
pub struct IdRef(pub Option<String>);

impl<'de> Deserialize<'de> for IdRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let inner = value.get("data").cloned().unwrap_or(value);
        Ok(IdRef(match inner {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(map) => map.get("id").and_then(|v| string(v.clone()).ok().flatten()),
            _ => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, zone: Option<&str>) -> WondeDate {
        WondeDate {
            local: WondeDate::parse_text(text).unwrap(),
            timezone: zone.map(str::to_string),
        }
    }

    #[test]
    fn a_date_object_in_utc_is_read_in_the_schools_zone_and_one_in_school_time_as_written() {
        let london = chrono_tz::Europe::London;
        let summer_lesson = at("2026-06-15 12:00:00.000000", Some("UTC"));
        assert_eq!(
            summer_lesson.in_zone(london).time(),
            NaiveTime::from_hms_opt(13, 0, 0).unwrap()
        );
        let leaving = at("2026-07-17 23:00:00.000000", Some("UTC"));
        assert_eq!(leaving.in_zone(london).date(), NaiveDate::from_ymd_opt(2026, 7, 18).unwrap());
        let winter = at("2026-11-23 09:05:00.000000", Some("UTC"));
        assert_eq!(winter.in_zone(london), winter.local, "GMT is UTC");
        for zone in [Some("Europe/London"), None, Some("not a zone")] {
            let written = at("2026-06-15 12:00:00.000000", zone);
            assert_eq!(written.in_zone(london), written.local, "{zone:?}");
        }
    }
}
