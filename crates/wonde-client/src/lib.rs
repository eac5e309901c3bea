//! The Wonde API client (R1, R3.4, R4): reads the school's roster and attendance marks, writes
//! marks back, and reads the outcome of those writes.
//!
//! Facts about the API, and which are unconfirmed ([X]), are in `shared/WONDE.md`; where this
//! code picks one reading of an [X] fact, a comment at that spot says which. The client never
//! retries writes on its own: the sync engine decides (R4.6), using [`WondeError`]'s kinds.

mod attendance;
mod error;
mod http;
mod lenient;
mod marks;
pub mod model;
pub mod photo;
mod roster;
mod status;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use reqwest::Url;

pub use attendance::{LessonRecord, SessionRecord, WritebackAccepted};
pub use error::WondeError;
pub use http::MAX_PER_PAGE;
pub use marks::SessionMarks;
pub use roster::ListQuery;
pub use status::{read_status, RowOutcome, WritebackStatus};

use kiosk_model::roster::{AttendanceCode, SchoolRecord};

/// Wonde's production API (UK and rest of world). Regional schools are moved to their own
/// domain once `GET /schools/{id}` names it.
pub const DEFAULT_BASE_URL: &str = "https://api.wonde.com/v1.0";
/// The environment variable that points the kiosk at another Wonde (e.g. the simulator).
pub const BASE_URL_ENV: &str = "WONDE_API_URL";

/// The base URL to use when none is configured: `WONDE_API_URL`, else production.
pub fn base_url_from_env() -> String {
    match std::env::var(BASE_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        Some(url) => {
            // Said where it can be seen: an address set in the environment wins over any other.
            tracing::warn!(%url, "{BASE_URL_ENV} is set: Wonde is reached at this address");
            url
        }
        None => DEFAULT_BASE_URL.to_string(),
    }
}

/// A Wonde API token. It prints as `***` everywhere (Debug, Display, logs, errors); only
/// [`Token::expose`] gives the text, for the Authorization header and the token file (R6.1).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Self {
        Token(s.into().trim().to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the staff area may show: the last four characters of a long token, else nothing.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() >= 16 {
            format!("••••••••{}", chars[chars.len() - 4..].iter().collect::<String>())
        } else {
            "••••••••".to_string()
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How to reach one school through Wonde.
#[derive(Debug, Clone)]
pub struct WondeConfig {
    pub base_url: String,
    pub school_id: String,
    pub token: Token,
    /// Applies to every request, connecting included.
    pub timeout: std::time::Duration,
    /// The polite gap between two requests of this client (0 = none, for tests and the demo).
    pub min_request_interval: std::time::Duration,
    /// The most pages a read of the school's whole register may take, when Wonde ignores the
    /// attendance filters; past it the current marks are unknown and nothing is written.
    pub register_pages: usize,
}

impl WondeConfig {
    /// A configuration with the production defaults: `WONDE_API_URL` or Wonde's URL, a 30 s
    /// timeout (large pages are slow, WONDE.md §4) and at most ten requests a second (Wonde
    /// publishes no rate limit, so we stay well clear of any plausible one).
    pub fn new(school_id: impl Into<String>, token: Token) -> Self {
        Self {
            base_url: base_url_from_env(),
            school_id: school_id.into().trim().to_string(),
            token,
            timeout: Duration::from_secs(30),
            min_request_interval: Duration::from_millis(100),
            // A large school's year: 1,500 pupils, two sessions, 190 days, 200 rows a page.
            register_pages: 3_000,
        }
    }
}

/// What the kiosk needs to know of the school (R1.1, R3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolInfo {
    pub id: String,
    pub name: String,
    /// The MIS's name as Wonde spells it ("SIMS", "Arbor", ...).
    pub mis: String,
    pub allows_writeback: bool,
    pub has_lesson_attendance: bool,
    /// The regional API domain Wonde named, if any.
    pub domain: Option<String>,
    pub timezone: Option<String>,
}

impl SchoolInfo {
    /// The school's zone as Wonde names it, if it names one this client knows.
    pub fn zone(&self) -> Option<chrono_tz::Tz> {
        self.timezone.as_deref().and_then(|z| z.trim().parse().ok())
    }

    pub fn to_record(&self) -> SchoolRecord {
        SchoolRecord {
            wonde_id: self.id.clone(),
            name: self.name.clone(),
            mis: self.mis.clone(),
            allows_writeback: self.allows_writeback,
            has_lesson_attendance: self.has_lesson_attendance,
            domain: self.domain.clone(),
        }
    }
}

/// The client. Cheap to clone (one shared connection pool, pacing and cache).
#[derive(Clone)]
pub struct WondeClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: WondeConfig,
    /// Where requests go: the configured base until the school names its regional domain.
    base: RwLock<Url>,
    school: tokio::sync::OnceCell<SchoolInfo>,
    codes: tokio::sync::OnceCell<Vec<AttendanceCode>>,
    next_slot: tokio::sync::Mutex<Option<Instant>>,
    mark_reads: tokio::sync::Mutex<marks::MarkReads>,
    /// The `Date` of Wonde's latest answer, and when it arrived.
    wonde_time: std::sync::Mutex<Option<(chrono::DateTime<chrono::Utc>, Instant)>>,
}

impl fmt::Debug for WondeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WondeClient")
            .field("base", &self.base().as_str())
            .field("school_id", &self.inner.config.school_id)
            .finish()
    }
}

impl WondeClient {
    pub fn new(config: WondeConfig) -> Result<Self, WondeError> {
        let base = parse_base(&config.base_url)?;
        if !is_school_id(&config.school_id) {
            return Err(WondeError::Permanent {
                http_status: 400,
                message: "that is not a Wonde school id (like A1930499544)".into(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("reception-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WondeError::Permanent {
                http_status: 0,
                message: format!("the HTTP client could not start: {e}"),
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                config,
                base: RwLock::new(base),
                school: tokio::sync::OnceCell::new(),
                codes: tokio::sync::OnceCell::new(),
                next_slot: tokio::sync::Mutex::new(None),
                mark_reads: tokio::sync::Mutex::default(),
                wonde_time: std::sync::Mutex::new(None),
            }),
        })
    }

    /// Wonde's clock as its latest answer gave it (the `Date` header), and when that answer
    /// arrived: what the kiosk checks its own clock against (R6.5).
    pub fn wonde_time(&self) -> Option<(chrono::DateTime<chrono::Utc>, Instant)> {
        *self.inner.wonde_time.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn school_id(&self) -> &str {
        &self.inner.config.school_id
    }

    pub(crate) fn base(&self) -> Url {
        self.inner.base.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// A URL under the base for a path like `schools/A1/students`.
    pub(crate) fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.base().join(path).expect("a relative API path joins onto the base URL");
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    pub(crate) fn school_path(&self, rest: &str) -> String {
        format!("schools/{}/{rest}", self.inner.config.school_id)
    }

    /// Reads the school (`GET /schools/{id}`) and moves later requests to the regional domain
    /// it names. A loopback base (the simulator, tests) keeps its host.
    pub async fn school(&self) -> Result<SchoolInfo, WondeError> {
        let url = self.url(&format!("schools/{}", self.inner.config.school_id), &[]);
        let one: model::One<model::SchoolJson> = self.get_json(url).await?;
        let json = one.data.ok_or_else(|| WondeError::Malformed {
            excerpt: "the school answer had no `data`".into(),
        })?;
        let extended = json.extended.unwrap_or_default();
        let domain = json.region.and_then(|r| r.domain).filter(|d| !d.trim().is_empty());
        let info = SchoolInfo {
            id: json.id.unwrap_or_else(|| self.inner.config.school_id.clone()),
            name: json.name.unwrap_or_else(|| "(unnamed school)".into()),
            mis: json.mis.unwrap_or_default(),
            // Absent means the scope hides it; writing is then not assumed to be allowed.
            allows_writeback: extended.allows_writeback.unwrap_or(false),
            has_lesson_attendance: extended.has_lesson_attendance.unwrap_or(false),
            domain: domain.clone(),
            timezone: json.timezone,
        };
        if let Some(domain) = domain {
            self.move_to_domain(&domain);
        }
        let _ = self.inner.school.set(info.clone());
        Ok(info)
    }

    /// The school, read once per client: every school-scoped call resolves it first, so URLs
    /// are built on the right regional domain (a wrong one returns no data, not an error).
    pub(crate) async fn resolved(&self) -> Result<SchoolInfo, WondeError> {
        if let Some(info) = self.inner.school.get() {
            return Ok(info.clone());
        }
        self.school().await
    }

    fn move_to_domain(&self, domain: &str) {
        let mut base = self.inner.base.write().unwrap_or_else(|p| p.into_inner());
        let domain = domain.trim().trim_start_matches("https://").trim_end_matches('/');
        if is_loopback(&base) || base.host_str() == Some(domain) {
            return;
        }
        if !is_wonde_domain(domain) {
            tracing::warn!("the school names a regional domain that is not Wonde's: staying put");
            return;
        }
        if base.set_host(Some(domain)).is_ok() {
            // A regional domain is always Wonde's own HTTPS service.
            let _ = base.set_scheme("https");
            let _ = base.set_port(None);
            tracing::info!(domain, "using the school's regional Wonde domain");
        }
    }

    /// The school's attendance codes (R1.1, R3.8): the school's own list (custom codes), falling
    /// back to Wonde's global list when the school has none or the endpoint is missing.
    pub async fn attendance_codes(&self) -> Result<Vec<AttendanceCode>, WondeError> {
        self.resolved().await?;
        let school_url = self.url(&self.school_path("attendance-codes"), &per_page(MAX_PER_PAGE));
        let rows = match self.get_all::<model::CodeJson>(school_url, 0, &mut |_| {}).await {
            Ok(rows) if !rows.is_empty() => rows,
            Ok(_) | Err(WondeError::Permanent { http_status: 404, .. }) => {
                let global = self.url("attendance-codes", &per_page(MAX_PER_PAGE));
                self.get_all::<model::CodeJson>(global, 0, &mut |_| {}).await?
            }
            Err(e) => return Err(e),
        };
        let codes: Vec<AttendanceCode> = rows
            .into_iter()
            .filter_map(|c| {
                Some(AttendanceCode {
                    wonde_id: c.id?,
                    code: c.code?.trim().to_string(),
                    description: c.description,
                    kind: c.kind,
                })
            })
            .collect();
        let _ = self.inner.codes.set(codes.clone());
        Ok(codes)
    }

    /// The codes, read once per client (for turning a mark's code id into its letter).
    pub(crate) async fn codes_cached(&self) -> Result<Vec<AttendanceCode>, WondeError> {
        match self.inner.codes.get() {
            Some(codes) => Ok(codes.clone()),
            None => self.attendance_codes().await,
        }
    }
}

/// Whether text can be a Wonde school id (`A1930499544`): letters and digits, at most 32. It
/// goes into every URL path, so nothing else is let through.
pub fn is_school_id(text: &str) -> bool {
    (1..=32).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether text can be a Wonde token: a long random string, 20 to 512 characters of the
/// alphabets tokens are written in (hex, base64, base64url). It is sent as a header, so nothing
/// else is let through; a short date or word pasted by mistake is refused before it is saved.
pub fn is_token(text: &str) -> bool {
    (20..=512).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
}

pub(crate) fn per_page(n: u32) -> Vec<(&'static str, String)> {
    vec![("per_page", n.to_string())]
}

fn parse_base(text: &str) -> Result<Url, WondeError> {
    let trimmed = text.trim().trim_end_matches('/');
    let url = Url::parse(&format!("{trimmed}/")).map_err(|e| WondeError::Permanent {
        http_status: 0,
        message: format!("'{trimmed}' is not a usable Wonde address: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(WondeError::Permanent {
            http_status: 0,
            message: format!("'{trimmed}' is not an http(s) address"),
        });
    }
    // The token travels with every request: in the clear only to this machine (the simulator).
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(WondeError::Permanent {
            http_status: 0,
            message: format!("'{trimmed}' is not https: the token is only sent over https"),
        });
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether a regional domain a school names is one of Wonde's own (`*.wonde.com`): the token
/// is never sent to another host on the strength of an answer.
fn is_wonde_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    !domain.is_empty()
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && (domain == "wonde.com" || domain.ends_with(".wonde.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> WondeClient {
        WondeClient::new(WondeConfig {
            base_url: base.into(),
            ..WondeConfig::new("A123", Token::new("secret-token-123456"))
        })
        .unwrap()
    }

    #[test]
    fn the_token_never_shows_in_debug_or_display() {
        let config = WondeConfig::new("A123", Token::new("secret-token-123456"));
        assert!(!format!("{config:?}").contains("secret"));
        assert_eq!(format!("{}", config.token), "***");
        assert!(!format!("{:?}", client("https://api.wonde.com/v1.0")).contains("secret"));
        assert_eq!(config.token.masked(), "••••••••3456");
    }

    #[test]
    fn a_regional_school_moves_to_its_domain_but_the_simulator_keeps_its_host() {
        let c = client("https://api.wonde.com/v1.0");
        c.move_to_domain("api-ap-southeast-2.wonde.com");
        assert_eq!(
            c.url("schools/A123", &[]).as_str(),
            "https://api-ap-southeast-2.wonde.com/v1.0/schools/A123"
        );
        let sim = client("http://127.0.0.1:4000/v1.0/");
        sim.move_to_domain("api.wonde.com");
        assert_eq!(
            sim.url("schools/A123", &[]).as_str(),
            "http://127.0.0.1:4000/v1.0/schools/A123"
        );
    }

    #[test]
    fn the_token_goes_only_over_https_and_only_to_wondes_own_domains() {
        for plain in ["http://api.wonde.com/v1.0", "http://192.168.1.20/v1.0"] {
            let config =
                WondeConfig { base_url: plain.into(), ..WondeConfig::new("A123", Token::new("t")) };
            assert!(WondeClient::new(config).is_err(), "{plain}");
        }
        for local in
            ["http://127.0.0.1:4000/v1.0", "http://localhost:4000/v1.0", "http://[::1]:4000/v1.0"]
        {
            let config =
                WondeConfig { base_url: local.into(), ..WondeConfig::new("A123", Token::new("t")) };
            assert!(WondeClient::new(config).is_ok(), "{local}");
        }
        let c = client("https://api.wonde.com/v1.0");
        for elsewhere in
            ["evil.example.com", "api.wonde.com.evil.example", "wonde.com@evil.example", ""]
        {
            c.move_to_domain(elsewhere);
            assert_eq!(c.url("schools/A123", &[]).host_str(), Some("api.wonde.com"), "{elsewhere}");
        }
    }

    #[test]
    fn a_school_id_with_odd_characters_is_refused() {
        let config = WondeConfig::new("A1/../x", Token::new("t"));
        assert!(WondeClient::new(config).is_err());
    }
}
