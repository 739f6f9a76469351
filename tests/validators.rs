//! The built fixture site through outside checkers: every page and email
//! through the W3C Nu HTML checker (vnu-jar from npm, run with Java), and
//! every feed through Python's feedparser and feed-rs. These tools are
//! installed by `.ci/run`; a test whose tool is missing fails and says what
//! to install, it never passes without checking.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{TestSite, require_tool, tools_dir};

fn rendered() -> TestSite {
    let site = TestSite::fixture().with_health();
    site.digest_ok(&["render"]);
    site
}

fn vnu_jar() -> PathBuf {
    let jar = tools_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing: run `npm ci --ignore-scripts --prefix tests/tools` \
         (.ci/run does this on a fresh machine)",
        jar.display()
    );
    jar
}

#[test]
fn every_page_and_email_passes_the_nu_html_checker() {
    require_tool(
        "java",
        &["-version"],
        "apt-get install -y default-jre-headless",
    );
    let jar = vnu_jar();
    let site = rendered();
    let pages = site.paths_ending("public", ".html");
    assert!(pages.len() > 15, "only {} pages", pages.len());
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(pages.iter().map(|p| site.path().join(p)))
        .output()
        .expect("run java");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.trim().is_empty(),
        "the Nu HTML checker found errors:\n{report}"
    );
}

#[test]
fn the_nu_html_checker_does_find_errors() {
    require_tool(
        "java",
        &["-version"],
        "apt-get install -y default-jre-headless",
    );
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>x</title></head><body><p><div>x</p></body></html>",
    )
    .unwrap();
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .arg("--errors-only")
        .arg(&page)
        .output()
        .expect("run java");
    assert!(!output.status.success(), "a broken page passed");
}

/// Every feed of the site: the editions' three and each company's.
fn feeds(site: &TestSite) -> Vec<PathBuf> {
    let mut feeds: Vec<PathBuf> = ["rss.xml", "atom.xml", "feed.json"]
        .iter()
        .map(|name| PathBuf::from("public").join(name))
        .collect();
    feeds.extend(site.paths_ending("public/companies", ".xml"));
    feeds
}

#[test]
fn every_feed_parses_cleanly_in_feedparser() {
    require_tool(
        "python3",
        &["-c", "import feedparser"],
        "pip install feedparser",
    );
    let site = rendered();
    let feeds = feeds(&site);
    let output = Command::new("python3")
        .arg(tools_dir().join("check_feeds.py"))
        .args(feeds.iter().map(|p| site.path().join(p)))
        .output()
        .expect("run python3");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "feedparser found problems:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(report.lines().count(), feeds.len(), "{report}");
    assert!(report.contains("rss.xml: rss20, ok"), "{report}");
    assert!(report.contains("atom.xml: atom10, ok"), "{report}");
    assert!(report.contains("feed.json: json11, ok"), "{report}");
}

#[test]
fn feedparser_does_reject_a_broken_feed() {
    require_tool(
        "python3",
        &["-c", "import feedparser"],
        "pip install feedparser",
    );
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("broken.xml");
    std::fs::write(
        &feed,
        "<rss version=\"2.0\"><channel><title>x</title><item><title>a &</item>",
    )
    .unwrap();
    let output = Command::new("python3")
        .arg(tools_dir().join("check_feeds.py"))
        .arg(&feed)
        .output()
        .expect("run python3");
    assert!(!output.status.success(), "a broken feed passed");
}

#[test]
fn every_feed_parses_in_feed_rs() {
    let site = rendered();
    for path in feeds(&site) {
        let bytes = std::fs::read(site.path().join(&path)).unwrap();
        let feed = feed_rs::parser::parse(bytes.as_slice())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!feed.entries.is_empty(), "{}", path.display());
        for entry in &feed.entries {
            assert!(
                entry.published.is_some() && !entry.links.is_empty(),
                "{}: {entry:?}",
                path.display()
            );
        }
    }
}
