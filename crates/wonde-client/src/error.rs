//! What can go wrong talking to Wonde, sorted by what the caller should do about it (R4.6).

use std::time::Duration;

/// One error type for everything the Wonde client does. The sync engine retries
/// [`WondeError::Transient`] with backoff, fails an event at once on [`WondeError::Permanent`],
/// and treats [`WondeError::Malformed`] as a fault of Wonde's answer.
///
/// No variant ever carries the token: messages are built from status codes, Wonde's own error
/// text and reqwest's error (which names the URL, never the headers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WondeError {
    /// Worth trying again later: no network, a timeout, a dropped connection, HTTP 5xx, 429.
    #[error("Wonde could not be reached just now: {message}")]
    Transient { message: String, retry_after: Option<Duration>, http_status: Option<u16> },
    /// Trying again will not help until someone changes something (token, permissions, data).
    #[error("Wonde refused the request (HTTP {http_status}): {message}")]
    Permanent { http_status: u16, message: String },
    /// Wonde answered, but not with anything we could read.
    #[error("Wonde sent an answer the kiosk could not read: {excerpt}")]
    Malformed { excerpt: String },
}

impl WondeError {
    pub fn is_transient(&self) -> bool {
        matches!(self, WondeError::Transient { .. })
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            WondeError::Transient { http_status, .. } => *http_status,
            WondeError::Permanent { http_status, .. } => Some(*http_status),
            WondeError::Malformed { .. } => None,
        }
    }

    /// How long Wonde asked us to wait (429 / 503 with `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WondeError::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// What the log file may say of this error (R6.4): its kind, HTTP status and size, never
    /// Wonde's words or an excerpt of its answer, which can name pupils. The whole sentence
    /// goes to the attempt or import record staff read, and to the debug log.
    pub fn for_log(&self) -> String {
        match self {
            WondeError::Transient { http_status: Some(status), .. } => {
                format!("transient, HTTP {status}")
            }
            // No answer at all: the words are the kiosk's own (timed out, could not connect).
            WondeError::Transient { message, .. } => format!("transient: {message}"),
            WondeError::Permanent { http_status, .. } => format!("refused, HTTP {http_status}"),
            WondeError::Malformed { excerpt } => {
                format!("unreadable answer ({} characters of it withheld)", excerpt.chars().count())
            }
        }
    }

    /// Whether the token was refused (401/403): the staff area says "check the Wonde token".
    pub fn is_auth(&self) -> bool {
        matches!(self.http_status(), Some(401 | 403)) && !self.is_transient()
    }

    pub(crate) fn malformed(body: &[u8], why: impl std::fmt::Display) -> Self {
        // The parser's reason quotes the offending value whole (a 400 KB string, say); the
        // message is kept in the attempt log and shown to staff, so both parts are cut short.
        let why = excerpt(why.to_string().as_bytes());
        WondeError::Malformed { excerpt: format!("{why}; the answer began: {}", excerpt(body)) }
    }

    pub(crate) fn transport(e: &reqwest::Error) -> Self {
        // reqwest's text names the URL (no secrets in it: the token travels in a header).
        let what = if e.is_timeout() {
            "the request timed out"
        } else if e.is_connect() {
            "could not connect"
        } else if e.is_body() || e.is_decode() {
            "the connection dropped while the answer was arriving"
        } else {
            "the connection failed"
        };
        WondeError::Transient {
            message: format!("{what} ({})", e.without_url_text()),
            retry_after: None,
            http_status: None,
        }
    }

    /// Classifies a non-success HTTP answer.
    pub(crate) fn from_status(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        let wonde_says = wonde_message(body);
        match status {
            401 => WondeError::Permanent {
                http_status: status,
                message: "the Wonde token was not accepted: it may be mistyped, expired or revoked. Enter the token again in the staff area (Settings, Wonde connection).".into(),
            },
            403 => WondeError::Permanent {
                http_status: status,
                message: format!(
                    "the Wonde token is not allowed to do this: ask the school to grant the kiosk's Wonde app access (and attendance write permission){}",
                    wonde_says.map(|m| format!(" ({m})")).unwrap_or_default()
                ),
            },
            404 => WondeError::Permanent {
                http_status: status,
                message: wonde_says.unwrap_or_else(|| "Wonde does not know this school or record; check the school id".into()),
            },
            408 | 425 | 429 | 500..=599 => WondeError::Transient {
                message: match status {
                    429 => "Wonde asked us to slow down".to_string(),
                    _ => format!("Wonde had a problem (HTTP {status}){}", wonde_says.map(|m| format!(": {m}")).unwrap_or_default()),
                },
                retry_after,
                http_status: Some(status),
            },
            _ => WondeError::Permanent {
                http_status: status,
                message: wonde_says.unwrap_or_else(|| format!("HTTP {status}, with no explanation from Wonde")),
            },
        }
    }
}

trait WithoutUrlText {
    fn without_url_text(&self) -> String;
}

impl WithoutUrlText for reqwest::Error {
    fn without_url_text(&self) -> String {
        // The root cause is the useful part ("connection refused", "operation timed out").
        let mut source: &dyn std::error::Error = self;
        while let Some(next) = source.source() {
            source = next;
        }
        source.to_string()
    }
}

/// A short, printable start of a body, for messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let cleaned: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX).collect();
    if text.chars().count() > MAX || body.len() > MAX * 4 {
        format!("{cleaned}…")
    } else {
        cleaned
    }
}

/// Wonde's explanation from an error body. Its exact 422 shape is [X] in WONDE.md, so every
/// plausible one is read: Laravel's `{message, errors: {field: [msg]}}`, `{error, error_description}`,
/// `{errors: [msg | {message}]}`, or a bare string.
pub(crate) fn wonde_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut parts: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !parts.iter().any(|p| p == s) {
            parts.push(s.to_string());
        }
    };
    match &value {
        serde_json::Value::String(s) => push(s),
        serde_json::Value::Object(map) => {
            for key in ["message", "error_description", "error"] {
                if let Some(s) = map.get(key).and_then(|v| v.as_str()) {
                    push(s);
                }
            }
            match map.get("errors") {
                Some(serde_json::Value::Object(fields)) => {
                    for (field, msgs) in fields {
                        for msg in msgs
                            .as_array()
                            .map(|a| a.iter().collect())
                            .unwrap_or_else(|| vec![msgs])
                        {
                            if let Some(m) = msg.as_str() {
                                push(&format!("{field}: {m}"));
                            }
                        }
                    }
                }
                Some(serde_json::Value::Array(items)) => {
                    for item in items {
                        if let Some(m) =
                            item.as_str().or_else(|| item.get("message").and_then(|m| m.as_str()))
                        {
                            push(m);
                        }
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    let joined = parts.join("; ");
    (!joined.is_empty()).then(|| joined.chars().take(500).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_hears_an_errors_kind_and_size_never_wondes_words() {
        let named = br#"{"data":[{"id":"A1","forename":"Zebedee","surname":"Quillfeather"#;
        let errors = [
            WondeError::malformed(named, "EOF while parsing"),
            WondeError::from_status(500, None, br#"{"message":"Zebedee Quillfeather is locked"}"#),
            WondeError::from_status(422, None, br#"{"message":"Zebedee Quillfeather is locked"}"#),
        ];
        for e in errors {
            assert!(e.to_string().contains("Zebedee"), "staff still read it: {e}");
            assert!(!e.for_log().contains("Zebedee"), "{}", e.for_log());
        }
    }

    #[test]
    fn validation_messages_are_read_from_every_plausible_shape() {
        let laravel = br#"{"message":"The given data was invalid.","errors":{"attendance.0.session":["The session must be AM or PM."]}}"#;
        assert_eq!(
            wonde_message(laravel).unwrap(),
            "The given data was invalid.; attendance.0.session: The session must be AM or PM."
        );
        assert_eq!(
            wonde_message(br#"{"error":"invalid_request","error_description":"bad date"}"#)
                .unwrap(),
            "bad date; invalid_request"
        );
        assert_eq!(
            wonde_message(br#"{"errors":[{"message":"unknown student"}]}"#).unwrap(),
            "unknown student"
        );
        assert_eq!(wonde_message(b"not json"), None);
    }

    #[test]
    fn too_many_requests_and_server_errors_are_worth_retrying() {
        let e = WondeError::from_status(429, Some(Duration::from_secs(7)), b"");
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(WondeError::from_status(503, None, b"").is_transient());
        assert!(!WondeError::from_status(422, None, b"{}").is_transient());
        assert!(WondeError::from_status(401, None, b"").to_string().contains("token"));
    }

    #[test]
    fn an_excerpt_is_short_and_printable() {
        let long = vec![b'x'; 10_000];
        assert!(excerpt(&long).chars().count() <= 121);
        assert_eq!(excerpt(b"a\nb"), "a b");
    }
}
