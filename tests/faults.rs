//! Fetching against servers that misbehave on purpose: every fault gives
//! one warning naming its source and the cause, the healthy source is stored
//! whole, nothing stored before is lost, and nothing hangs.

mod common;

use std::io::Write;
use std::time::Duration;

use common::{FeedServer, Reply, TestSite, TestSource, fixture};

/// Short limits, so that timeouts happen within seconds.
const SETTINGS: &str = "timeout_secs = 4\nconnect_timeout_secs = 2\nread_timeout_secs = 2\n\
                        max_body_bytes = 1000000\nretry_budget_secs = 5\nper_host = 16\nconcurrency = 16\n";

/// Each fault: the source's name, the reply it gets, and what its warning must say.
fn faults() -> Vec<(&'static str, Reply, &'static str)> {
    let feed = fixture("sources/cloudflare.xml");
    let gzip_bomb = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 50 * 1024 * 1024]).unwrap();
        encoder.finish().unwrap()
    };
    let half = feed.len() / 2;
    let mut truncated = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\r\n",
        feed.len()
    )
    .into_bytes();
    truncated.extend_from_slice(&feed[..half]);
    vec![
        (
            "Slow Start",
            Reply::Slow(
                Duration::from_secs(30),
                Box::new(Reply::Feed(feed.clone(), "application/rss+xml")),
            ),
            "timed out",
        ),
        (
            "Drip",
            Reply::Drip(feed.clone(), Duration::from_millis(200)),
            "timed out",
        ),
        ("Truncated", Reply::Raw(truncated), "cut off"),
        ("Not Found", Reply::Status(404), "HTTP 404"),
        ("Gone", Reply::Status(410), "HTTP 410"),
        ("Server Error", Reply::Status(500), "HTTP 500"),
        (
            "Rate Limited",
            Reply::Full(
                429,
                vec![("Retry-After", "3600".into())],
                b"slow down".to_vec(),
            ),
            "retry after 3600s",
        ),
        (
            "Loop",
            Reply::Full(302, vec![("Location", "/loop-b".into())], Vec::new()),
            "redirect loop",
        ),
        (
            "Other Scheme",
            Reply::Full(
                301,
                vec![("Location", "ftp://127.0.0.1/feed.xml".into())],
                Vec::new(),
            ),
            "redirected to a ftp",
        ),
        (
            "Too Large",
            Reply::Feed(vec![b' '; 2_000_000], "application/rss+xml"),
            "larger than the limit",
        ),
        (
            "Gzip Bomb",
            Reply::Full(
                200,
                vec![
                    ("Content-Type", "application/rss+xml".into()),
                    ("Content-Encoding", "gzip".into()),
                ],
                gzip_bomb,
            ),
            "larger than the limit",
        ),
        (
            "Web Page",
            Reply::Feed(
                b"<!DOCTYPE html><html><head><title>Blog</title></head><body>Moved</body></html>"
                    .to_vec(),
                "text/html",
            ),
            "HTML page",
        ),
        (
            "Empty",
            Reply::Feed(Vec::new(), "application/rss+xml"),
            "empty body",
        ),
        ("Hang Up", Reply::HangUp, "connection closed"),
        ("Unasked 304", Reply::Status(304), "HTTP 304"),
    ]
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

#[test]
fn every_fault_is_one_warning_and_nothing_is_lost() {
    let server = FeedServer::start();
    let faults = faults();
    let mut sources = vec![TestSource::new(
        "Healthy",
        server.serve_fixture("sources/microsoft-ai-blogs.xml"),
    )];
    for (name, _, _) in &faults {
        sources.push(TestSource::new(
            name,
            server.url(&format!("/{}.xml", slug(name))),
        ));
    }
    let site = TestSite::with_settings(SETTINGS, &sources);

    // First every source serves a good feed, and its items are stored.
    for (name, _, _) in &faults {
        server.route(
            &format!("/{}.xml", slug(name)),
            Reply::Feed(fixture("sources/cloudflare.xml"), "application/rss+xml"),
        );
    }
    site.digest_ok(&["fetch"]);
    let before = site.files("content/items");
    assert_eq!(
        before.len(),
        10 + 15,
        "the Cloudflare feed is stored once, under the first source"
    );

    // Then each breaks in its own way.
    for (name, reply, _) in &faults {
        server.route(&format!("/{}.xml", slug(name)), reply.clone());
    }
    server.route(
        "/loop-b",
        Reply::Full(302, vec![("Location", "/loop.xml".into())], Vec::new()),
    );
    let _ = std::fs::remove_file(site.path().join(".digest/http.json"));
    let output = site.digest_within(Duration::from_secs(60), &["fetch"]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");

    let warnings: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();
    for (name, _, cause) in &faults {
        let about: Vec<&&str> = warnings
            .iter()
            .filter(|w| w.contains(&format!("\"{name}\"")))
            .collect();
        assert_eq!(
            about.len(),
            1,
            "{name}: expected one warning, got {about:?}\n{log}"
        );
        assert!(
            about[0].contains(cause),
            "{name}: warning should say {cause:?}: {}",
            about[0]
        );
    }
    assert_eq!(warnings.len(), faults.len(), "{log}");

    // Nothing stored before is gone or changed.
    let after = site.files("content/items");
    for (path, bytes) in &before {
        assert_eq!(
            after.get(path),
            Some(bytes),
            "{} was lost or changed",
            path.display()
        );
    }

    // Health records each failure.
    let health: serde_json::Value =
        serde_json::from_str(&site.read(".digest/health.json")).unwrap();
    for (name, _, _) in &faults {
        let record = &health["sources"][name];
        let failures = record["consecutive_failures"].as_u64();
        let truncated_but_read = *name == "Truncated";
        assert_eq!(
            failures,
            Some(if truncated_but_read { 0 } else { 1 }),
            "{name}: {record}"
        );
    }
    assert_eq!(health["sources"]["Healthy"]["items_stored"], 10);
    assert!(health["sources"]["Healthy"]["last_success"].is_string());
}

#[test]
fn retry_after_within_the_budget_is_honoured() {
    let server = FeedServer::start();
    let busy = Reply::Full(503, vec![("Retry-After", "1".into())], b"busy".to_vec());
    let feed = Reply::Feed(
        fixture("sources/microsoft-ai-blogs.xml"),
        "application/rss+xml",
    );
    server.route("/busy.xml", Reply::Then(1, Box::new(busy), Box::new(feed)));
    let site = TestSite::with_settings(
        SETTINGS,
        &[TestSource::new("Busy", server.url("/busy.xml"))],
    );
    let log = site.digest_ok(&["fetch"]);
    assert!(!log.contains("WARN"), "{log}");
    assert_eq!(site.files("content/items/busy").len(), 10);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn no_more_than_per_host_requests_at_once() {
    let server = FeedServer::start();
    let slow = Reply::Slow(
        Duration::from_millis(300),
        Box::new(Reply::Feed(
            fixture("feeds/github-blog-2023.atom.xml"),
            "application/atom+xml",
        )),
    );
    let names = ["A", "B", "C", "D", "E", "F"];
    let mut sources = Vec::new();
    for name in names {
        let path = format!("/{name}.xml");
        server.route(&path, slow.clone());
        sources.push(TestSource::new(name, server.url(&path)));
    }
    let site = TestSite::with_settings("per_host = 2\nconcurrency = 8\n", &sources);
    site.digest_ok(&["fetch"]);
    assert_eq!(server.requests().len(), 6);
    assert_eq!(server.most_active(), 2);
}

#[test]
fn an_unchanged_feed_costs_a_304_and_rewrites_nothing() {
    let server = FeedServer::start();
    let site = TestSite::new(&[
        TestSource::new(
            "Microsoft",
            server.serve_fixture("sources/microsoft-ai-blogs.xml"),
        ),
        TestSource::new(
            "DeepMind",
            server.serve_fixture("sources/google-deepmind.xml"),
        ),
    ]);
    site.digest_ok(&["fetch"]);
    let files = site.files("content");
    let mtimes = site.mtimes("content");
    server.reset_log();

    let log = site.digest_ok(&["fetch"]);
    assert!(log.contains("0 new items"), "{log}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(request.headers.contains_key("if-none-match"), "{request:?}");
        assert!(
            request.headers.contains_key("if-modified-since"),
            "{request:?}"
        );
    }
    assert_eq!(
        server.body_bytes(),
        0,
        "a conditional run transfers no body"
    );
    assert!(site.files("content") == files);
    assert!(site.mtimes("content") == mtimes, "a file was rewritten");
}

#[test]
fn a_quiet_run_reports_a_dead_source_once_after_three_failures() {
    let server = FeedServer::start();
    server.route("/dead.xml", Reply::Status(500));
    let site = TestSite::new(&[
        TestSource::new("Dead", server.url("/dead.xml")),
        TestSource::new(
            "Alive",
            server.serve_fixture("sources/microsoft-ai-blogs.xml"),
        ),
    ]);
    let mut reports = Vec::new();
    for _ in 0..5 {
        reports.push(site.digest_ok(&["-q", "fetch"]));
    }
    let noisy: Vec<usize> = reports
        .iter()
        .enumerate()
        .filter(|(_, log)| !log.trim().is_empty())
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(noisy, vec![3], "{reports:?}");
    assert!(
        reports[2].contains("\"Dead\"")
            && reports[2].contains("HTTP 500")
            && reports[2].contains("3 runs in a row")
    );
    // Without -q, every failure is reported.
    assert!(site.digest_ok(&["fetch"]).contains("\"Dead\""));
}
