//! The transport under the Wonde client: pacing, one request, classification of the answer, and
//! the pager that follows `meta.pagination.next` to the end.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, DATE, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::model::Page;
use super::{WondeClient, WondeError};

/// Rows per page. Wonde sets a maximum per endpoint without publishing it ([X] in WONDE.md);
/// community clients use 200 for people without errors, so 200 is assumed safe.
pub const MAX_PER_PAGE: u32 = 200;
/// Lessons are heavier (class and students included): community clients use 100.
pub const LESSONS_PER_PAGE: u32 = 100;
/// A runaway `next` chain is cut here rather than looping for ever.
const MAX_PAGES: usize = 10_000;
/// Wonde's own page links are a few hundred characters. A longer one is not a link but a fault
/// of the answer, and past 64 KB it could not even be sent (it would look like a network failure
/// and be retried for ever).
const MAX_LINK_LEN: usize = 4096;

/// A 2xx answer: its body, and the time the server wrote on it (`Date`), which is Wonde's clock
/// and not the tablet's.
pub(crate) struct Answer {
    pub(crate) body: Vec<u8>,
    pub(crate) dated: Option<DateTime<Utc>>,
}

impl WondeClient {
    /// Waits for this client's turn: at most one request per `min_request_interval`, so a
    /// backlog or a full import stays polite however many callers share the client (R4.9).
    async fn pace(&self) {
        let interval = self.inner.config.min_request_interval;
        if interval.is_zero() {
            return;
        }
        // The lock is held while waiting: callers queue in order, each a full interval apart.
        let mut next = self.inner.next_slot.lock().await;
        if let Some(at) = *next {
            tokio::time::sleep_until(at.into()).await;
        }
        *next = Some(Instant::now() + interval);
    }

    /// Sends one request and returns the body of a 2xx answer; anything else is classified.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, WondeError> {
        // No token (its file was lost): refused as Wonde would, without asking it.
        if self.inner.config.token.expose().is_empty() {
            return Err(WondeError::Permanent {
                http_status: 401,
                message: "the kiosk has no Wonde token: connect it to the school again".into(),
            });
        }
        self.pace().await;
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .bearer_auth(self.inner.config.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let result = request.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(%method, path = url.path(), error = %e, "Wonde request failed");
                return Err(WondeError::transport(&e));
            }
        };
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let dated = response
            .headers()
            .get(DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&Utc));
        if let Some(dated) = dated {
            *self.inner.wonde_time.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((dated, Instant::now()));
        }
        let body = response.bytes().await.map_err(|e| WondeError::transport(&e))?;
        tracing::debug!(%method, path = url.path(), status, ms = started.elapsed().as_millis() as u64, "Wonde answered");
        if (200..300).contains(&status) {
            Ok(Answer { body: body.to_vec(), dated })
        } else {
            Err(WondeError::from_status(status, retry_after, &body))
        }
    }

    /// GETs a URL and reads its JSON.
    pub(crate) async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, WondeError> {
        self.get_dated(url).await.map(|(value, _)| value)
    }

    async fn get_dated<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<(T, Option<DateTime<Utc>>), WondeError> {
        let answer = self.send(Method::GET, url, None).await?;
        Ok((parse(&answer.body)?, answer.dated))
    }

    /// Every row of a list endpoint, following `meta.pagination.next` verbatim (as Wonde's own
    /// clients do) until it is empty. `on_page` hears the running row count after each page.
    /// A transient failure of one page is retried up to `retries` times (honouring Retry-After)
    /// without starting again from the first page.
    pub(crate) async fn get_all<T: DeserializeOwned + Send>(
        &self,
        url: Url,
        retries: u32,
        on_page: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<T>, WondeError> {
        let mut rows = Vec::new();
        self.each_page(url, retries, &mut |page: Vec<T>| {
            rows.extend(page);
            on_page(rows.len());
            ControlFlow::Continue(())
        })
        .await?;
        Ok(rows)
    }

    /// A list endpoint page by page, as [`WondeClient::get_all`], each page's rows handed to
    /// `each`, which may end the read there. Returns the server's time on the first page.
    pub(crate) async fn each_page<T: DeserializeOwned>(
        &self,
        url: Url,
        retries: u32,
        each: &mut (dyn FnMut(Vec<T>) -> ControlFlow<()> + Send),
    ) -> Result<Option<DateTime<Utc>>, WondeError> {
        let mut first_dated = None;
        let mut next = Some(url);
        let mut seen = HashSet::new();
        while let Some(url) = next.take() {
            if !seen.insert(url.to_string()) || seen.len() > MAX_PAGES {
                return Err(WondeError::Malformed {
                    excerpt: format!("the page links of {} go round in a circle", url.path()),
                });
            }
            let path = url.path().to_string();
            let (page, dated): (Page<T>, _) = self.get_retrying(url, retries).await?;
            if seen.len() == 1 {
                first_dated = dated;
            }
            let data = page.data.ok_or_else(|| WondeError::Malformed {
                excerpt: "a list page without `data`".into(),
            })?;
            if each(data).is_break() {
                break;
            }
            let pagination = page.meta.and_then(|m| m.pagination);
            let more = pagination.as_ref().and_then(|p| p.more) == Some(true);
            let link = pagination.and_then(|p| p.next).filter(|n| !n.trim().is_empty());
            match link {
                Some(link) => next = Some(self.same_host(&link)?),
                // Ending here would take part of a list for all of it (a full import would
                // archive everyone not yet read).
                None if more => {
                    return Err(WondeError::Malformed {
                        excerpt: format!(
                            "a page of {path} says there is more but gives no next page"
                        ),
                    })
                }
                None => {}
            }
        }
        Ok(first_dated)
    }

    async fn get_retrying<T: DeserializeOwned>(
        &self,
        url: Url,
        retries: u32,
    ) -> Result<(T, Option<DateTime<Utc>>), WondeError> {
        let mut attempt = 0;
        loop {
            match self.get_dated(url.clone()).await {
                Err(e) if e.is_transient() && attempt < retries => {
                    attempt += 1;
                    let wait = e
                        .retry_after()
                        .unwrap_or(Duration::from_millis(250 * 2u64.pow(attempt)))
                        .min(Duration::from_secs(60));
                    tracing::info!(
                        path = url.path(),
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying a Wonde page"
                    );
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    /// A `next` link as a URL on the host we already talk to. Links are followed as Wonde gives
    /// them, but the token is only ever sent to the host the school resolved to: a link naming
    /// another host keeps its path and query and is sent to ours.
    fn same_host(&self, link: &str) -> Result<Url, WondeError> {
        let base = self.base();
        let mut url = match Url::parse(link) {
            Ok(u) => u,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                base.join(link).map_err(|e| bad_link(link, e))?
            }
            Err(e) => return Err(bad_link(link, e)),
        };
        if url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            url.set_scheme(base.scheme()).ok();
            url.set_host(base.host_str()).map_err(|e| bad_link(link, e))?;
            url.set_port(base.port()).ok();
        }
        if url.as_str().len() > MAX_LINK_LEN {
            return Err(bad_link(link, format!("{} characters long", url.as_str().len())));
        }
        Ok(url)
    }
}

fn bad_link(link: &str, e: impl std::fmt::Display) -> WondeError {
    WondeError::Malformed {
        excerpt: format!(
            "a page link that is not a URL ({e}): {}",
            super::error::excerpt(link.as_bytes())
        ),
    }
}

/// Parses a JSON body; a body that is not the expected JSON is `Malformed`, never a panic.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, WondeError> {
    serde_json::from_slice(body).map_err(|e| WondeError::malformed(body, e))
}

/// `Retry-After` in seconds or as an HTTP date.
/// The longest a `Retry-After` is honoured: an answer asking for a day must not park the
/// morning's marks until midnight.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match text.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(text).ok()?;
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or_default()
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "12".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(12)));
        h.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, "86400".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER), "a day is bounded");
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
