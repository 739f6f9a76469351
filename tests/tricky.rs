//! The feeds in `tests/fixtures/corpus/tricky/` break naive readers: wrong
//! or missing charsets, text before the root, relative links, odd dates,
//! unescaped ampersands, nested items, truncation. Each is served as a
//! source (with the HTTP headers its comment asks for) and fetched by the
//! real binary; what digest recovers is compared with what Python's
//! feedparser recovers from the same bytes, and the two are printed side by
//! side.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use common::{FeedServer, Reply, TestSite, TestSource};
use digest::item::Item;

/// The HTTP headers a feedparser test fixture asks for in its comment.
fn declared_headers(bytes: &[u8]) -> Vec<(&'static str, String)> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]);
    let mut headers = Vec::new();
    for line in text.lines() {
        let Some(header) = line.trim().strip_prefix("Header:") else {
            continue;
        };
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let name: &'static str = match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => "Content-Type",
            "content-location" => "Content-Location",
            _ => continue,
        };
        headers.push((name, value.trim().to_string()));
    }
    headers
}

/// What feedparser recovered from one file.
#[derive(serde::Deserialize, Debug)]
struct Recovered {
    bozo: bool,
    entries: Vec<Entry>,
}

#[derive(serde::Deserialize, Debug)]
struct Entry {
    title: Option<String>,
    link: Option<String>,
    published: Option<String>,
    has_text: bool,
}

impl Entry {
    /// feedparser keeps entries that have nothing in them; digest does not.
    fn is_empty(&self) -> bool {
        self.title.as_deref().is_none_or(str::is_empty)
            && self.link.as_deref().is_none_or(str::is_empty)
            && !self.has_text
    }
}

fn feedparser(specs: &serde_json::Value) -> BTreeMap<String, Recovered> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/feedparser_dump.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(specs.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "Python's feedparser is needed for this test (pip install feedparser):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn normal(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn tricky_feeds_recover_at_least_what_feedparser_recovers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/tricky");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    files.sort();

    let server = FeedServer::start();
    let mut sources = Vec::new();
    let mut specs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let headers = declared_headers(&bytes);
        let path = format!("/tricky/{file}");
        let mut reply_headers = headers.clone();
        if !reply_headers.iter().any(|(n, _)| *n == "Content-Type") {
            reply_headers.push(("Content-Type", "application/xml".into()));
        }
        server.route(&path, Reply::Full(200, reply_headers, bytes));
        specs.push(serde_json::json!({
            "file": dir.join(file).to_string_lossy(),
            "url": server.url(&path),
            "headers": headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect::<BTreeMap<_, _>>(),
        }));
        sources.push((format!("Tricky {i:02}"), server.url(&path)));
    }
    let site = TestSite::new(
        &sources
            .iter()
            .map(|(n, u)| TestSource::new(n, u.clone()))
            .collect::<Vec<_>>(),
    );
    let output = site.digest(&["fetch"]);
    let log = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{log}");
    let theirs = feedparser(&serde_json::Value::Array(specs));

    let mut report = format!(
        "{:<48} {:>11} {:>8}  notes\n",
        "file", "feedparser", "digest"
    );
    let mut failures = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let folder = format!("content/items/tricky-{i:02}");
        let ours: Vec<Item> = site
            .files(&folder)
            .into_iter()
            .map(|(path, bytes)| Item::parse(&String::from_utf8(bytes).unwrap(), &path).unwrap())
            .collect();
        let recovered = &theirs[&dir.join(file).to_string_lossy().to_string()];
        let meaningful: Vec<&Entry> = recovered.entries.iter().filter(|e| !e.is_empty()).collect();
        let warned = log
            .lines()
            .any(|l| l.contains(&format!("\"Tricky {i:02}\"")));
        let mut notes = Vec::new();
        if recovered.bozo {
            notes.push("feedparser: bozo".to_string());
        }
        if warned {
            notes.push("digest: warned".to_string());
        }
        report.push_str(&format!(
            "{file:<48} {:>11} {:>8}  {}\n",
            meaningful.len(),
            ours.len(),
            notes.join(", ")
        ));

        if ours.len() < meaningful.len() {
            failures.push(format!(
                "{file}: digest recovered {} items, feedparser {}",
                ours.len(),
                meaningful.len()
            ));
        }
        for item in &ours {
            let url = &item.meta.url;
            let absolute = url.starts_with("https://") || url.starts_with("http://");
            if !url.is_empty() && !absolute {
                failures.push(format!("{file}: link is not absolute: {}", item.meta.url));
            }
            if item.meta.title.trim().is_empty() {
                failures.push(format!("{file}: an item has no title"));
            }
        }
        for entry in &meaningful {
            let Some(title) = entry.title.as_deref().filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            let Some(item) = ours.iter().find(|i| normal(&i.meta.title) == normal(title)) else {
                failures.push(format!("{file}: feedparser's title {title:?} is missing"));
                continue;
            };
            if let Some(published) = &entry.published {
                let ours_utc: DateTime<Utc> = item.meta.published.with_timezone(&Utc);
                let shown = ours_utc.format("%Y-%m-%dT%H:%M:%S").to_string();
                if &shown != published && !item.meta.undated {
                    failures.push(format!(
                        "{file}: {title:?} dated {shown}, feedparser says {published}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "\nTricky feeds: items recovered (feedparser counts entries with a title, link or text)\n{report}"
    );
    std::fs::create_dir_all(Path::new(env!("CARGO_TARGET_TMPDIR"))).unwrap();
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("tricky-report.txt"),
        &report,
    )
    .unwrap();
    assert!(
        failures.is_empty(),
        "{}\n\n{report}\n{log}",
        failures.join("\n")
    );
}

#[test]
fn relative_links_resolve_against_xml_base_and_content_location() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/tricky");
    let server = FeedServer::start();
    let serve = |file: &str, headers: Vec<(&'static str, String)>| {
        let path = format!("/{file}");
        server.route(
            &path,
            Reply::Full(200, headers, std::fs::read(dir.join(file)).unwrap()),
        );
        server.url(&path)
    };
    let site = TestSite::new(&[
        TestSource::new(
            "Image",
            serve("atom-content-xml-base-relative-img.xml", vec![]),
        ),
        TestSource::new(
            "Located",
            serve(
                "fp-relative-href-content-location.xml",
                vec![("Content-Location", "http://example.com/".into())],
            ),
        ),
        TestSource::new(
            "Empty Base",
            serve("atom-empty-xml-base-relative-hrefs.atom.xml", vec![]),
        ),
    ]);
    site.digest_ok(&["fetch"]);
    let body = |folder: &str| {
        site.files(&format!("content/items/{folder}"))
            .into_values()
            .map(|b| String::from_utf8(b).unwrap())
            .collect::<Vec<_>>()
    };
    assert!(
        body("image")[0].contains("https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"),
        "{:?}",
        body("image")
    );
    assert!(
        body("located")[0].contains("(http://example.com/relative/uri)"),
        "{:?}",
        body("located")
    );
    let empty_base = body("empty-base");
    assert_eq!(empty_base.len(), 20);
    assert!(
        empty_base
            .iter()
            .all(|t| t.contains("url = \"http://talkingpointsmemo.com/")),
        "{}",
        empty_base[0]
    );
}
