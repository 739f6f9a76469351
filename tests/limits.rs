//! Feeds built to exhaust a machine are cut off: entity expansion, deep
//! nesting of the XML and of an article's HTML, a feed of 100,000 items, a
//! single article of 50 MB, and gzip and brotli bombs. Each case runs the
//! real `digest build` beside a healthy source, under GNU time for its peak
//! memory, and must finish (a generous guard kills a hang), warn once
//! about the hostile source with the cause, store the healthy source whole,
//! and stay within 500 MB. The peaks are printed: `cargo test --test limits
//! -- --nocapture`.

mod common;

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{FeedServer, Reply, TestSite, TestSource, require_tool};

/// The most memory one case may use, in kilobytes.
const MAX_RSS_KB: u64 = 500 * 1024;
/// A run that takes longer than this has hung.
const HANG: Duration = Duration::from_secs(600);

/// One hostile case: its name, the reply its source gets, a `[site]`
/// setting, and what the warning about it must say.
struct Case {
    name: &'static str,
    reply: Reply,
    settings: &'static str,
    warning: &'static str,
}

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Hostile</title>\
         <link>https://hostile.example/</link>{items}</channel></rss>\n"
    )
}

fn item(i: usize, description: &str) -> String {
    format!(
        "<item><title>Item {i}</title><link>https://hostile.example/{i}</link>\
         <pubDate>Tue, 22 Jul 2025 10:00:00 +0000</pubDate><description>{description}</description></item>"
    )
}

fn feed(body: String) -> Reply {
    Reply::Feed(body.into_bytes(), "application/rss+xml")
}

/// A document type whose entities would grow to a gigabyte if expanded.
fn laughs() -> String {
    let mut dtd = String::from("<!DOCTYPE rss [\n<!ENTITY l0 \"laugh\">\n");
    for level in 1..=9 {
        let previous = format!("&l{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY l{level} \"{previous}\">\n"));
    }
    dtd.push_str("]>\n");
    rss(&item(1, "&l9;")).replacen("\n", &format!("\n{dtd}"), 1)
}

fn compressed_bomb(encoding: &'static str) -> Reply {
    let spaces = vec![b' '; 50 * 1024 * 1024];
    let body = match encoding {
        "gzip" => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(&spaces).unwrap();
            encoder.finish().unwrap()
        }
        _ => {
            let mut out = Vec::new();
            let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
            encoder.write_all(&spaces).unwrap();
            drop(encoder);
            out
        }
    };
    let headers = vec![
        ("Content-Type", "application/rss+xml".to_string()),
        ("Content-Encoding", encoding.to_string()),
    ];
    Reply::Full(200, headers, body)
}

fn cases() -> Vec<Case> {
    let depth = 200_000;
    let fifty_mb = "Edge caching is a topic. ".repeat(50 * 1024 * 1024 / 25);
    let many: String = (0..100_000).map(|i| item(i, "Text.")).collect();
    vec![
        Case {
            name: "Entity expansion",
            reply: feed(laughs()),
            settings: "",
            warning: "declares entities of its own",
        },
        Case {
            name: "Deep XML",
            reply: feed(rss(&item(
                1,
                &format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth)),
            ))),
            settings: "",
            warning: "deeper than the supported limit",
        },
        Case {
            name: "Deep HTML",
            reply: feed(rss(&item(1, &"&lt;div&gt;".repeat(depth)))),
            settings: "",
            warning: "elements deep",
        },
        Case {
            name: "Many items",
            reply: feed(rss(&many)),
            settings: "",
            warning: "lists 100000 entries; only the first 1000 were read",
        },
        Case {
            name: "Huge item",
            reply: feed(rss(&item(1, &fifty_mb))),
            settings: "",
            warning: "larger than the limit of 20971520 bytes",
        },
        Case {
            name: "Huge item allowed in",
            reply: feed(rss(&item(1, &fifty_mb))),
            settings: "max_body_bytes = 67108864\n",
            warning: "only the first 1048576 were kept (max_item_bytes)",
        },
        Case {
            name: "Gzip bomb",
            reply: compressed_bomb("gzip"),
            settings: "",
            warning: "larger than the limit",
        },
        Case {
            name: "Brotli bomb",
            reply: compressed_bomb("br"),
            settings: "",
            warning: "larger than the limit",
        },
    ]
}

/// Runs `digest build` under GNU time; returns its log and peak memory in KB.
fn build_measured(site: &TestSite) -> (String, u64) {
    let peak_file = site.path().join("peak-rss");
    let mut child = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&peak_file)
        .arg(env!("CARGO_BIN_EXE_digest"))
        .arg("-C")
        .arg(site.path())
        .arg("build")
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > HANG {
            child.kill().unwrap();
            panic!("digest build hung");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{log}");
    let peak = std::fs::read_to_string(&peak_file).unwrap();
    let peak = peak.trim().lines().last().unwrap().parse().unwrap();
    (log, peak)
}

#[test]
fn feeds_built_to_exhaust_the_machine_are_cut_off_with_a_warning() {
    require_tool("/usr/bin/time", &["--version"], "apt-get install -y time");
    let server = FeedServer::start();
    let healthy = server.serve_fixture("sources/microsoft-ai-blogs.xml");
    let mut peaks = Vec::new();
    for case in cases() {
        server.route("/hostile.xml", case.reply);
        let site = TestSite::with_settings(
            case.settings,
            &[
                TestSource::new("Healthy", healthy.clone()),
                TestSource::new(case.name, server.url("/hostile.xml")),
            ],
        );
        let (log, peak) = build_measured(&site);
        peaks.push(format!("{}: {} MB", case.name, peak / 1024));
        let warnings: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();
        assert_eq!(warnings.len(), 1, "{}: {log}", case.name);
        assert!(
            warnings[0].contains(&format!("source \"{}\"", case.name))
                && warnings[0].contains(case.warning),
            "{}: {}",
            case.name,
            warnings[0]
        );
        assert_eq!(
            site.files("content/items/healthy").len(),
            10,
            "{}",
            case.name
        );
        assert!(peak < MAX_RSS_KB, "{}: {peak} KB", case.name);
    }
    println!("peak memory of digest build:\n{}", peaks.join("\n"));
}
