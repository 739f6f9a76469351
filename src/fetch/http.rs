//! Getting a feed's bytes over HTTP, within limits.
//!
//! One client serves the whole run: a user agent naming digest, rustls,
//! gzip and brotli, a connect timeout and a total timeout, at most five
//! redirects and only to http or https, and a cap on the body's size that
//! holds while the body streams in.

use std::fmt;
use std::time::Duration;

use reqwest::redirect;
use url::Url;

/// How many redirects one request may follow.
const MAX_REDIRECTS: usize = 5;

/// Why a feed could not be fetched. Each variant reads as the end of the
/// sentence "the feed could not be fetched: …".
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
                    "no complete answer within {}s (timeout)",
                    limit.as_secs()
                )
            }
            FetchError::TooLarge(limit) => write!(f, "body larger than the limit of {limit} bytes"),
            FetchError::Redirect(why) => write!(f, "{why}"),
            FetchError::Network(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// A successful answer.
#[derive(Debug)]
pub struct Fetched {
    /// The URL after redirects: the base for relative links.
    pub url: Url,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

/// The HTTP client of one run.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    max_body: u64,
    timeout: Duration,
}

impl Http {
    /// A client with the site's limits; `user_agent` names digest and the site.
    pub fn new(user_agent: &str, timeout: Duration, max_body: u64) -> anyhow::Result<Http> {
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .redirect(redirect::Policy::custom(follow_redirect))
            .build()?;
        Ok(Http {
            client,
            max_body,
            timeout,
        })
    }

    /// Gets `url`, following redirects, and reads the body up to the limit.
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let mut response = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, ACCEPT)
            .send()
            .await
            .map_err(|e| self.describe(e))?;
        let status = response.status();
        if !status.is_success() {
            let reason = status.canonical_reason().unwrap_or("").to_string();
            return Err(FetchError::Status(status.as_u16(), reason));
        }
        if response
            .content_length()
            .is_some_and(|length| length > self.max_body)
        {
            return Err(FetchError::TooLarge(self.max_body));
        }
        let final_url = response.url().clone();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.describe(e))? {
            if (body.len() + chunk.len()) as u64 > self.max_body {
                return Err(FetchError::TooLarge(self.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            url: final_url,
            content_type,
            body,
        })
    }

    /// Turns a reqwest error into the cause a reader of the warning needs.
    fn describe(&self, error: reqwest::Error) -> FetchError {
        if error.is_timeout() {
            return FetchError::Timeout(self.timeout);
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
        FetchError::Network(detail)
    }
}

/// What digest asks servers for: feeds first, anything else last.
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1";

/// The innermost causes of an error, joined, without reqwest's own wrapper.
fn source_chain(error: &reqwest::Error) -> Option<String> {
    let mut causes = Vec::new();
    let mut current = std::error::Error::source(error);
    while let Some(cause) = current {
        causes.push(cause.to_string());
        current = cause.source();
    }
    (!causes.is_empty()).then(|| causes.join(": "))
}

/// Follows at most `MAX_REDIRECTS` redirects, to http or https only, and
/// stops at the first address seen twice.
fn follow_redirect(attempt: redirect::Attempt) -> redirect::Action {
    let next = attempt.url();
    if !matches!(next.scheme(), "http" | "https") {
        let why = format!("redirect to a {}: address refused", next.scheme());
        return attempt.error(why);
    }
    if attempt.previous().iter().any(|seen| seen == next) {
        let why = format!("redirect loop back to {next}");
        return attempt.error(why);
    }
    if attempt.previous().len() > MAX_REDIRECTS {
        let why = format!("more than {MAX_REDIRECTS} redirects");
        return attempt.error(why);
    }
    attempt.follow()
}
