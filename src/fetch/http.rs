//! Getting a feed's bytes over HTTP, within limits, politely.
//!
//! One client serves the whole run: a user agent naming digest, rustls,
//! gzip and brotli, connect, read and total timeouts, a few redirects and
//! only to http or https, loops refused. Requests are conditional when the
//! feed's validators are known, so an unchanged feed costs a 304 and no
//! body. At most `concurrency` requests run at once, and at most `per_host`
//! to one host. A 429 or 503 with Retry-After is retried after the wait if
//! the run's budget for waiting allows it. The body is read in chunks and
//! abandoned as soon as it passes the size limit, so a compression bomb
//! never fills memory. Article pages and `robots.txt` files go through the
//! same client, slots and limits as feeds, asking for HTML or text instead;
//! once a site's page times out, its other pages are not tried in that run.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{StatusCode, header, redirect};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use super::state::Validator;
use crate::config::{Limits, Site};

/// Longest single Retry-After wait honoured.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// Attempts of one request, counting retries after Retry-After.
const MAX_ATTEMPTS: usize = 3;

/// Why a feed could not be fetched. Each variant reads as the cause in
/// "source X: <cause>".
#[derive(Debug)]
pub enum FetchError {
    /// The server answered with an error status.
    Status(u16, String),
    /// No complete answer within the time allowed.
    Timeout(Duration),
    /// The body was larger than the limit.
    TooLarge(u64),
    /// Redirects looped, went on too long, or left http(s).
    Redirect(String),
    /// Connecting, TLS or reading failed.
    Network(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(code, reason) => write!(f, "HTTP {code} {reason}"),
            FetchError::Timeout(limit) => {
                write!(
                    f,
                    "timed out: no complete answer within {}s",
                    limit.as_secs()
                )
            }
            FetchError::TooLarge(limit) => {
                write!(
                    f,
                    "body larger than the limit of {limit} bytes (max_body_bytes)"
                )
            }
            FetchError::Redirect(why) | FetchError::Network(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// What a request is for, which decides what it asks the server for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A feed: RSS, Atom or JSON Feed.
    Feed,
    /// An article's web page.
    Page,
    /// A site's `robots.txt`.
    Robots,
}

impl Wanted {
    /// The Accept header of the request.
    fn accept(self) -> &'static str {
        match self {
            Wanted::Feed => ACCEPT_FEED,
            Wanted::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
            Wanted::Robots => "text/plain, */*;q=0.1",
        }
    }
}

/// What a server answered.
#[derive(Debug)]
pub enum Answer {
    /// A body.
    Fresh(Box<Fetched>),
    /// 304: the feed has not changed since the validators were given.
    NotModified,
}

/// A body and what came with it.
#[derive(Debug)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: Url,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Content-Location` header: the document's base, when given.
    pub content_location: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
    /// The validators to send next time.
    pub validator: Validator,
    /// Why the body stopped early, when the connection broke mid-way.
    pub cut_off: Option<String>,
}

/// The HTTP client of one run.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    all: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    per_host: usize,
    retry_budget: Arc<Mutex<Duration>>,
    /// Hosts whose article pages timed out in this run, with why: their
    /// other pages are not tried.
    failing_hosts: Arc<Mutex<HashMap<String, String>>>,
}

impl Http {
    /// A client with the site's timeouts and limits; `user_agent` names digest.
    pub fn new(user_agent: &str, site: &Site) -> anyhow::Result<Http> {
        let max_redirects = site.max_redirects;
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(site.connect_timeout)
            .read_timeout(site.read_timeout)
            .redirect(redirect::Policy::custom(move |a| {
                follow_redirect(a, max_redirects)
            }))
            .build()?;
        Ok(Http {
            client,
            all: Arc::new(Semaphore::new(site.concurrency)),
            hosts: Arc::default(),
            per_host: site.per_host,
            retry_budget: Arc::new(Mutex::new(site.retry_budget)),
            failing_hosts: Arc::default(),
        })
    }

    /// Gets the feed at `url`: conditionally when `validator` is given,
    /// retrying after Retry-After within the run's budget.
    pub async fn get(
        &self,
        url: &Url,
        limits: Limits,
        validator: Option<&Validator>,
    ) -> Result<Answer, FetchError> {
        self.get_wanted(url, Wanted::Feed, limits, validator).await
    }

    /// Gets `url` as `get` does, asking for what `wanted` names.
    pub async fn get_wanted(
        &self,
        url: &Url,
        wanted: Wanted,
        limits: Limits,
        validator: Option<&Validator>,
    ) -> Result<Answer, FetchError> {
        let mut attempt = 1;
        loop {
            let permits = self.permits(url).await;
            if wanted == Wanted::Page {
                self.still_answering(url)?;
            }
            let response = self
                .send(url, wanted, limits, validator)
                .await
                .map_err(|e| self.note_failure(url, wanted, e))?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                if validator.is_none_or(Validator::is_empty) {
                    let why = "Not Modified, to a request that was not conditional".to_string();
                    return Err(FetchError::Status(304, why));
                }
                return Ok(Answer::NotModified);
            }
            if status.is_success() {
                return self
                    .read(response, limits)
                    .await
                    .map(|f| Answer::Fresh(Box::new(f)))
                    .map_err(|e| self.note_failure(url, wanted, e));
            }
            if let Some(refused) = unfollowed_redirect(&response) {
                return Err(refused);
            }
            let refusal = FetchError::Status(
                status.as_u16(),
                status.canonical_reason().unwrap_or("").into(),
            );
            if !matches!(status.as_u16(), 429 | 503) {
                return Err(refusal);
            }
            let wait = retry_after(response.headers());
            match wait
                .filter(|_| attempt < MAX_ATTEMPTS)
                .map(|w| self.spend(w))
            {
                Some(Ok(wait)) => {
                    drop(permits);
                    tracing::debug!("{url}: {refusal}; retrying in {}s", wait.as_secs());
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Some(Err(why)) => {
                    let reason = status.canonical_reason().unwrap_or("");
                    return Err(FetchError::Status(
                        status.as_u16(),
                        format!("{reason}: {why}"),
                    ));
                }
                None => return Err(refusal),
            }
        }
    }

    /// Waits for a free slot overall and on the URL's host.
    async fn permits(&self, url: &Url) -> (OwnedSemaphorePermit, OwnedSemaphorePermit) {
        let host = host_key(url);
        let host_slots = Arc::clone(
            self.hosts
                .lock()
                .expect("host table")
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host))),
        );
        let on_host = host_slots
            .acquire_owned()
            .await
            .expect("semaphore is never closed");
        let overall = Arc::clone(&self.all)
            .acquire_owned()
            .await
            .expect("semaphore is never closed");
        (on_host, overall)
    }

    async fn send(
        &self,
        url: &Url,
        wanted: Wanted,
        limits: Limits,
        validator: Option<&Validator>,
    ) -> Result<reqwest::Response, FetchError> {
        let mut request = self
            .client
            .get(url.clone())
            .timeout(limits.timeout)
            .header(header::ACCEPT, wanted.accept());
        if let Some(validator) = validator {
            if let Some(etag) = &validator.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(date) = &validator.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, date);
            }
        }
        request.send().await.map_err(|e| describe(e, limits))
    }

    /// Reads the body in chunks, stopping at the size limit.
    async fn read(
        &self,
        mut response: reqwest::Response,
        limits: Limits,
    ) -> Result<Fetched, FetchError> {
        if response
            .content_length()
            .is_some_and(|length| length > limits.max_body_bytes)
        {
            return Err(FetchError::TooLarge(limits.max_body_bytes));
        }
        let headers = response.headers();
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let mut fetched = Fetched {
            url: response.url().clone(),
            content_type: text(header::CONTENT_TYPE),
            content_location: text(header::CONTENT_LOCATION),
            body: Vec::new(),
            validator: Validator {
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
            },
            cut_off: None,
        };
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (fetched.body.len() + chunk.len()) as u64 > limits.max_body_bytes {
                        return Err(FetchError::TooLarge(limits.max_body_bytes));
                    }
                    fetched.body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(fetched),
                Err(e) if !e.is_timeout() && !fetched.body.is_empty() => {
                    fetched.cut_off = Some(format!(
                        "the connection broke after {} bytes",
                        fetched.body.len()
                    ));
                    return Ok(fetched);
                }
                Err(e) => return Err(describe(e, limits)),
            }
        }
    }

    /// Refuses a page of a host that already failed to answer one in this
    /// run: waiting out its timeout again would only slow the run down.
    fn still_answering(&self, url: &Url) -> Result<(), FetchError> {
        let failing = self.failing_hosts.lock().expect("failing hosts");
        match failing.get(&host_key(url)) {
            Some(why) => Err(FetchError::Network(format!(
                "not tried, as another page of this site failed in this run ({why})"
            ))),
            None => Ok(()),
        }
    }

    /// Remembers a host whose page timed out (a page that fails otherwise
    /// says nothing of the site's other pages).
    fn note_failure(&self, url: &Url, wanted: Wanted, error: FetchError) -> FetchError {
        if wanted == Wanted::Page && matches!(error, FetchError::Timeout(_)) {
            let mut failing = self.failing_hosts.lock().expect("failing hosts");
            failing
                .entry(host_key(url))
                .or_insert_with(|| error.to_string());
        }
        error
    }

    /// Takes `wait` from the run's budget for Retry-After, or says why not.
    fn spend(&self, wait: Duration) -> Result<Duration, String> {
        let mut budget = self.retry_budget.lock().expect("retry budget");
        if wait > MAX_RETRY_WAIT || wait > *budget {
            let left = budget.as_secs();
            return Err(format!(
                "the server asks to retry after {}s, longer than this run waits ({left}s left)",
                wait.as_secs()
            ));
        }
        *budget -= wait;
        Ok(wait)
    }
}

/// What digest asks servers for feeds: feeds first, anything else last.
const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1";

/// The host and port of a URL: what per-host limits count.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The wait a Retry-After header asks for: seconds, or an HTTP date.
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = (date.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
    Some(Duration::from_secs(seconds))
}

/// Turns a reqwest error into the cause a reader of the warning needs.
fn describe(error: reqwest::Error, limits: Limits) -> FetchError {
    if error.is_timeout() {
        return FetchError::Timeout(limits.timeout);
    }
    if error.is_redirect() {
        let why = source_chain(&error).unwrap_or_else(|| "too many redirects".into());
        return FetchError::Redirect(why);
    }
    let detail = source_chain(&error).unwrap_or_else(|| error.to_string());
    if error.is_connect() {
        return FetchError::Network(format!("cannot connect: {detail}"));
    }
    if error.is_decode() || error.is_body() {
        return FetchError::Network(format!("the body could not be read: {detail}"));
    }
    FetchError::Network(format!("the request failed: {detail}"))
}

/// The innermost causes of an error, joined, without reqwest's own wrapper.
fn source_chain(error: &reqwest::Error) -> Option<String> {
    let mut causes: Vec<String> = Vec::new();
    let mut current = std::error::Error::source(error);
    while let Some(cause) = current {
        let text = cause.to_string();
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        current = cause.source();
    }
    (!causes.is_empty()).then(|| causes.join(": "))
}

/// Why a redirect to `next` is refused, when it leaves http and https.
fn off_the_web(next: &Url) -> Option<String> {
    let web = matches!(next.scheme(), "http" | "https");
    (!web).then(|| {
        format!(
            "redirected to a {}: address refused (only http and https are fetched)",
            next.scheme()
        )
    })
}

/// A redirect that the client did not even offer to follow (it passes
/// `file:` and `data:` addresses back as they are), refused as such.
fn unfollowed_redirect(response: &reqwest::Response) -> Option<FetchError> {
    if !response.status().is_redirection() {
        return None;
    }
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let next = response.url().join(location.trim()).ok()?;
    off_the_web(&next).map(FetchError::Redirect)
}

/// Follows at most `max` redirects, to http or https only, and stops at the
/// first address seen twice.
fn follow_redirect(attempt: redirect::Attempt, max: usize) -> redirect::Action {
    let next = attempt.url();
    if let Some(why) = off_the_web(next) {
        return attempt.error(why);
    }
    if attempt.previous().iter().any(|seen| seen == next) {
        let why = format!("redirect loop back to {next}");
        return attempt.error(why);
    }
    if attempt.previous().len() > max {
        let why = format!("more than {max} redirects");
        return attempt.error(why);
    }
    attempt.follow()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        headers.insert(
            header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
