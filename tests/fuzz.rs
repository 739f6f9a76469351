//! Property tests over the whole path a feed takes: parsing, the limits,
//! normalising, sanitising, storing, composing and rendering, run in this
//! process on feeds that are random or mutated from the corpus and the
//! hostile feeds. Nothing may panic, and no page, email or feed entry may
//! hold anything that could run, load or lead off the web.
//!
//! A short run is part of `cargo test`. A long one, for an afternoon:
//!
//!     PROPTEST_CASES=5000 cargo test --release --test fuzz
//!
//! A failure is saved in `tests/fuzz.proptest-regressions` and tried first
//! from then on; commit it with the fix.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use common::hostile::{self, markup_problems};
use digest::compose::{self, ComposeOptions};
use digest::config::Config;
use digest::fetch::{limits, normalize, parse};
use digest::layout::Layout;
use digest::store::ItemStore;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The saved feeds of the corpus and the three hostile feeds.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut seeds = Vec::new();
        for folder in ["sources", "feeds", "tricky"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                .collect();
            files.sort();
            seeds.extend(files.iter().map(|f| std::fs::read(f).unwrap()));
        }
        let day = "2025-07-22";
        seeds.extend(
            [
                hostile::rss(day),
                hostile::atom(day),
                hostile::json_feed(day),
            ]
            .map(String::into_bytes),
        );
        seeds
    })
}

/// Pieces that make parsers and sanitisers work hardest.
const PIECES: &[&str] = &[
    "<",
    ">",
    "&",
    ";",
    "\"",
    "'",
    "]]>",
    "<![CDATA[",
    "<!--",
    "-->",
    "--!>",
    "</item>",
    "<item>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<description>",
    "<link>",
    "</channel>",
    "&amp;",
    "&lt;script&gt;",
    "&#0;",
    "&#x1F525;",
    "&nbsp;",
    "&bogus;",
    "<!ENTITY x 'y'>",
    "<!DOCTYPE rss [",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=x>",
    "<a href=\"javascript:alert(1)\">",
    "<math><mtext><table><mglyph><style>",
    "<table>",
    "<td>",
    "<p>",
    "<b>",
    "</div>",
    "<div>",
    "{{",
    "}}",
    "{%",
    "%}",
    "\u{202e}",
    "\u{0}",
    "\u{1b}[31m",
    "\r\n",
    "\u{feff}",
    "\u{fffd}",
    "Ã©",
    "é",
    "日本",
    "../",
    "CON",
    "javascript:",
    "data:",
    "http://127.0.0.1:9/",
    "9999-12-31T23:59:59Z",
    "Tue, 22 Jul 2025 10:00:00 +0000",
];

/// One change to a document; positions are fractions of its length.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(f64, u8),
    Insert(f64, &'static str),
    Repeat(f64, &'static str, usize),
    Delete(f64, f64),
    Truncate(f64),
    Duplicate(f64, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    let piece = prop::sample::select(PIECES);
    prop_oneof![
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        (at.clone(), piece.clone()).prop_map(|(a, p)| Mutation::Insert(a, p)),
        (at.clone(), piece, 1..400usize).prop_map(|(a, p, n)| Mutation::Repeat(a, p, n)),
        (at.clone(), 0.0..0.2f64).prop_map(|(a, l)| Mutation::Delete(a, l)),
        at.clone().prop_map(Mutation::Truncate),
        (at, 0.0..0.2f64).prop_map(|(a, l)| Mutation::Duplicate(a, l)),
    ]
}

fn apply(document: &mut Vec<u8>, mutation: &Mutation) {
    let len = document.len();
    let at = |fraction: f64| ((fraction * len as f64) as usize).min(len);
    match *mutation {
        Mutation::Flip(a, byte) if len > 0 => document[at(a).min(len - 1)] = byte,
        Mutation::Flip(..) => {}
        Mutation::Insert(a, piece) => {
            document.splice(at(a)..at(a), piece.bytes());
        }
        Mutation::Repeat(a, piece, n) => {
            document.splice(at(a)..at(a), piece.repeat(n).into_bytes());
        }
        Mutation::Delete(a, l) => {
            document.drain(at(a)..at(a + l).max(at(a)));
        }
        Mutation::Truncate(a) => document.truncate(at(a)),
        Mutation::Duplicate(a, l) => {
            let copy = document[at(a)..at(a + l).max(at(a))].to_vec();
            document.splice(at(a)..at(a), copy);
        }
    }
}

/// A seed with a few mutations.
fn mutated_feed() -> impl Strategy<Value = Vec<u8>> {
    let seed = 0..seeds().len();
    (seed, prop::collection::vec(mutation(), 0..6)).prop_map(|(seed, mutations)| {
        let mut document = seeds()[seed].clone();
        for mutation in &mutations {
            apply(&mut document, mutation);
        }
        document
    })
}

/// Text made of the pieces and of random characters, escaped for XML or not.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(PIECES).prop_map(str::to_string),
        any::<char>().prop_map(|c| c.to_string()),
        prop::collection::vec(prop::char::range('a', 'z'), 1..12)
            .prop_map(|c| c.into_iter().collect::<String>()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// A feed written from scratch: RSS, Atom or JSON Feed with random fields.
fn random_feed() -> impl Strategy<Value = Vec<u8>> {
    let field = (text(), any::<bool>()).prop_map(|(text, escape)| {
        if escape {
            hostile::xml_escape(&text)
        } else {
            text
        }
    });
    let item = prop::collection::vec(field, 5);
    (0..3u8, prop::collection::vec(item, 0..8)).prop_map(|(kind, items)| {
        let body: String = items
            .iter()
            .enumerate()
            .map(|(i, f)| match kind {
                0 => format!(
                    "<item><title>{}</title><link>https://f.example/{i}{}</link><guid>{}</guid>\
                     <pubDate>{}</pubDate><description>{}</description></item>",
                    f[0], f[1], f[2], f[3], f[4]
                ),
                _ => format!(
                    "<entry><title type=\"html\">{}</title><link href=\"https://f.example/{i}{}\"/>\
                     <id>{}</id><updated>{}</updated><content type=\"html\">{}</content></entry>",
                    f[0], f[1], f[2], f[3], f[4]
                ),
            })
            .collect();
        let document = match kind {
            0 => format!("<rss version=\"2.0\"><channel><title>F</title>{body}</channel></rss>"),
            1 => {
                format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>{body}</feed>")
            }
            _ => serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1", "title": "F",
                "items": items.iter().enumerate().map(|(i, f)| serde_json::json!({
                    "id": f[2], "url": format!("https://f.example/{i}"), "title": f[0],
                    "content_html": f[4], "date_published": f[3],
                })).collect::<Vec<_>>(),
            })
            .to_string(),
        };
        document.into_bytes()
    })
}

const CONFIG: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://digest.test/\"\n\
                      max_items_per_source = 20\n\n[[source]]\nname = \"Fuzz\"\n\
                      company = \"Fuzz\"\nkind = \"aggregator\"\nfeed = \"https://f.example/feed\"\n";

/// Takes a feed body through the whole path into a fresh site; returns
/// what its output holds that could run, load or lead off the web.
fn through_the_whole_path(body: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sources.toml"), CONFIG).unwrap();
    let layout = Layout::new(dir.path(), None);
    let config = Config::load(layout.config()).unwrap();
    let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
    store(&layout, &config, body, now);
    compose::run(&layout, &config, now, &ComposeOptions::default()).unwrap();
    digest::render::run(&layout, &config).unwrap();
    let mut problems = Vec::new();
    for path in output_files(&layout.public_dir()) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if path.extension().is_some_and(|e| e == "html") {
            problems.extend(markup_problems(&text));
        } else if path.extension().is_some_and(|e| e == "xml") {
            problems.extend(
                hostile::feed_html(&text)
                    .iter()
                    .flat_map(|h| markup_problems(h)),
            );
        }
    }
    problems
}

/// Parses, bounds, normalises and stores a feed body, as a fetch does.
fn store(layout: &Layout, config: &Config, body: &[u8], now: DateTime<Utc>) {
    let Ok(mut parsed) = parse::parse(body, None) else {
        return;
    };
    let source = &config.sources[0];
    limits::bound(&mut parsed.feed, &source.limits);
    let companies = digest::company::Companies::new(config);
    let normalizer = normalize::Normalizer {
        source,
        companies: &companies,
        now: now.fixed_offset(),
    };
    let base = url::Url::parse("https://f.example/feed").unwrap();
    let (mut store, _) = ItemStore::load(&layout.items_dir(), config.site.timezone).unwrap();
    for item in normalizer.items(&parsed, &base) {
        store.insert(item, &source.slug).unwrap();
    }
}

fn output_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            if entry.path().is_dir() {
                pending.push(entry.path());
            } else {
                found.push(entry.path());
            }
        }
    }
    found
}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn mutated_feeds_go_through_the_whole_path_and_stay_inert(body in mutated_feed()) {
        let problems = through_the_whole_path(&body);
        prop_assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn random_feeds_go_through_the_whole_path_and_stay_inert(body in random_feed()) {
        let problems = through_the_whole_path(&body);
        prop_assert!(problems.is_empty(), "{problems:?}");
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn any_html_sanitises_converts_and_renders_without_harm(html in text(), depth in 0..3000usize) {
        let html = format!("{}{html}", "<div><b>".repeat(depth));
        let base = url::Url::parse("https://f.example/a/").unwrap();
        let clean = digest::html::sanitize(&html, Some(&base));
        // Stored articles keep their images; pages do not (checked below).
        let stored: Vec<String> = markup_problems(&clean)
            .into_iter()
            .filter(|p| !p.starts_with("<img> src=\"http"))
            .collect();
        prop_assert!(stored.is_empty(), "{stored:?} in {clean}");
        let markdown = digest::html::to_markdown(&clean);
        let _ = digest::html::to_text(&html);
        let page = digest::render::markdown::to_html(&markdown);
        prop_assert!(markup_problems(&page).is_empty(), "{page}");
        let page = digest::render::markdown::to_html(&html);
        prop_assert!(markup_problems(&page).is_empty(), "{page}");
    }
}
