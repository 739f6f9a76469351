//! Full text for feeds that carry only a teaser: the article read from each
//! new item's web page.
//!
//! A source asks for it with `full_text = "on"` (every new item) or `"auto"`
//! (items whose feed text is shorter than `full_text_min_words`). Only items
//! the store does not know yet are read, so a page is fetched once and never
//! again. A run reads at most `full_text_max_pages` pages, the newest items
//! first, concurrently and through the feeds' client, so the same per-host
//! slots, timeouts and size limits hold. Before any page of a site is
//! fetched, its `robots.txt` is read (once per site and run): when it
//! disallows the page of any of a source's items, no page of that source is
//! read in this run.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use futures_util::future::join_all;
use tokio::sync::Semaphore;
use url::Url;

use super::http::{Answer, FetchError, Http, Wanted};
use super::page::{self, PageArticle};
use super::robots::{self, Robots};
use crate::config::{FullText, Limits, Source};
use crate::item::Item;
use crate::text;

/// Largest `robots.txt` read; RFC 9309 asks crawlers to read at least 500 KiB.
const MAX_ROBOTS_BYTES: u64 = 512 * 1024;

/// An item whose article is to be read from its page.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its source's place among the run's sources.
    pub source: usize,
    /// The item's id.
    pub id: String,
    /// Its page.
    pub url: Url,
    /// When it was published: the newest are read first.
    pub published: DateTime<FixedOffset>,
    /// Its source's request limits.
    pub limits: Limits,
}

/// What reading pages gave in one run.
#[derive(Debug, Default)]
pub struct Pages {
    /// By item id: the article, or why there is none.
    pub read: HashMap<String, Result<PageArticle, String>>,
    /// By source: why none of its pages were read (its site's robots.txt).
    pub refused: BTreeMap<usize, String>,
    /// Sources whose pages were read.
    pub allowed: HashSet<usize>,
    /// Items that wanted their page but were past `full_text_max_pages`.
    pub left_out: usize,
}

/// Whether a new item of `source` should have its article read from its page.
pub fn wants_page(source: &Source, item: &Item, min_words: usize) -> bool {
    match source.full_text {
        FullText::Off => false,
        FullText::On => true,
        FullText::Auto => text::prose_words(&item.body) < min_words,
    }
}

/// The candidates read in this run: the newest first, at most `max`; the
/// count of those left out comes second.
pub fn choose(mut candidates: Vec<Candidate>, max: usize) -> (Vec<Candidate>, usize) {
    let mut seen = HashSet::new();
    candidates.retain(|c| seen.insert(c.id.clone()));
    candidates.sort_by(|a, b| b.published.cmp(&a.published).then(a.id.cmp(&b.id)));
    let left_out = candidates.len().saturating_sub(max);
    candidates.truncate(max);
    (candidates, left_out)
}

/// Reads the pages of `chosen`, minding each site's robots.txt.
pub async fn read(http: &Http, chosen: &[Candidate]) -> Pages {
    let sites = robots_of_sites(http, chosen).await;
    let mut pages = Pages::default();
    for candidate in chosen {
        let site = site_of(&candidate.url);
        let verdict = sites[&site].check(&path_of(&candidate.url));
        if let Err(why) = verdict {
            let note = format!("{site}/robots.txt {why}");
            pages.refused.entry(candidate.source).or_insert(note);
        }
    }
    let allowed: Vec<&Candidate> = chosen
        .iter()
        .filter(|c| !pages.refused.contains_key(&c.source))
        .collect();
    let readers = Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()));
    let articles = join_all(allowed.iter().map(|c| read_page(http, c, &readers))).await;
    for (candidate, article) in allowed.into_iter().zip(articles) {
        pages.allowed.insert(candidate.source);
        pages.read.insert(candidate.id.clone(), article);
    }
    pages
}

/// The robots.txt of every site among the candidates, each read once.
async fn robots_of_sites(http: &Http, chosen: &[Candidate]) -> HashMap<String, Robots> {
    let mut sites: BTreeMap<String, Limits> = BTreeMap::new();
    for candidate in chosen {
        sites
            .entry(site_of(&candidate.url))
            .or_insert(candidate.limits);
    }
    let answers = join_all(
        sites
            .iter()
            .map(|(site, limits)| robots_of(http, site, *limits)),
    )
    .await;
    sites.into_keys().zip(answers).collect()
}

/// Reads one site's robots.txt. A missing one (a 4xx answer) allows
/// everything; one that cannot be read because of the server or the network
/// allows nothing, as RFC 9309 asks.
async fn robots_of(http: &Http, site: &str, limits: Limits) -> Robots {
    let Ok(url) = Url::parse(&format!("{site}/robots.txt")) else {
        return Robots::Unreachable("has an address that cannot be read".into());
    };
    let limits = Limits {
        max_body_bytes: limits.max_body_bytes.min(MAX_ROBOTS_BYTES),
        ..limits
    };
    match http.get_wanted(&url, Wanted::Robots, limits, None).await {
        Ok(Answer::Fresh(fetched)) => {
            Robots::parse(&String::from_utf8_lossy(&fetched.body), robots::AGENT)
        }
        Err(FetchError::Status(code, _)) if (400..500).contains(&code) && code != 429 => {
            Robots::allow_all()
        }
        Ok(Answer::NotModified) => Robots::allow_all(),
        Err(error) => Robots::Unreachable(format!(
            "could not be read ({error}), which counts as disallowing every page"
        )),
    }
}

/// Fetches one page and reads its article, away from the network tasks and
/// with at most as many pages being read at once as there are `readers`
/// (one a core): reading is the memory-hungry part.
async fn read_page(
    http: &Http,
    candidate: &Candidate,
    readers: &Semaphore,
) -> Result<PageArticle, String> {
    let fetched = match http
        .get_wanted(&candidate.url, Wanted::Page, candidate.limits, None)
        .await
    {
        Ok(Answer::Fresh(fetched)) => fetched,
        Ok(Answer::NotModified) => return Err("the page answered Not Modified".into()),
        Err(error) => return Err(format!("the page could not be fetched: {error}")),
    };
    if let Some(cause) = &fetched.cut_off {
        return Err(format!("the page was cut off: {cause}"));
    }
    let _reading = readers.acquire().await.expect("semaphore is never closed");
    let max_bytes = candidate.limits.max_item_bytes;
    tokio::task::spawn_blocking(move || page::read(&fetched, max_bytes))
        .await
        .unwrap_or_else(|e| Err(format!("reading the page failed: {e}")))
}

/// A URL's site: scheme, host and port, as robots.txt applies to them.
fn site_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// A URL's path and query, as robots.txt rules match them.
fn path_of(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, published: &str) -> Candidate {
        Candidate {
            source: 0,
            id: id.into(),
            url: Url::parse(&format!("https://x.example/{id}")).unwrap(),
            published: DateTime::parse_from_rfc3339(published).unwrap(),
            limits: Limits {
                timeout: std::time::Duration::from_secs(1),
                max_body_bytes: 1,
                max_items: 1,
                max_item_bytes: 1024,
            },
        }
    }

    #[test]
    fn the_newest_items_are_read_first_and_each_once() {
        let candidates = vec![
            candidate("old", "2025-07-01T00:00:00Z"),
            candidate("new", "2025-07-03T00:00:00Z"),
            candidate("new", "2025-07-03T00:00:00Z"),
            candidate("middle", "2025-07-02T00:00:00Z"),
        ];
        let (chosen, left_out) = choose(candidates, 2);
        let ids: Vec<&str> = chosen.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["new", "middle"]);
        assert_eq!(left_out, 1);
    }

    #[test]
    fn robots_rules_see_the_path_with_its_query() {
        let url = Url::parse("http://127.0.0.1:8080/a/b?page=2#top").unwrap();
        assert_eq!(site_of(&url), "http://127.0.0.1:8080");
        assert_eq!(path_of(&url), "/a/b?page=2");
    }
}
