//! A run killed at any instant leaves every file whole, and the next run
//! completes; two runs on one site never overlap.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{FeedServer, Reply, TestSite, TestSource};
use digest::compose::edition::Edition;
use digest::item::Item;

/// Every saved feed of the corpus, each as its own source.
fn corpus_sources(server: &FeedServer) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut sources = Vec::new();
    for folder in ["sources", "feeds"] {
        let mut names: Vec<String> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".xml"))
            .collect();
        names.sort();
        for name in names {
            let url = server.serve_fixture(&format!("{folder}/{name}"));
            sources.push((format!("{folder} {}", name.trim_end_matches(".xml")), url));
        }
    }
    sources
}

fn site_of(sources: &[(String, String)]) -> TestSite {
    let list: Vec<TestSource> = sources
        .iter()
        .map(|(n, u)| TestSource::new(n, u.clone()))
        .collect();
    TestSite::new(&list)
}

/// Checks that every content file and state file of the site reads whole.
fn assert_whole(site: &TestSite, after: &str) {
    for (path, bytes) in site.files("content") {
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|_| panic!("{after}: {} is not UTF-8", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if path.starts_with("content/items") {
            Item::parse(&text, &path).unwrap_or_else(|e| panic!("{after}: {e:#}"));
        } else {
            let full = site.path().join(&path);
            Edition::read(&full).unwrap_or_else(|e| panic!("{after}: {e:#}"));
        }
    }
    for state in ["http.json", "health.json"] {
        let path = site.path().join(".digest").join(state);
        if let Ok(text) = std::fs::read_to_string(&path) {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{after}: {state}: {e}"));
        }
    }
    let public = site.path().join("public");
    if public.exists() {
        assert!(
            public.join("index.html").exists() && public.join("rss.xml").exists(),
            "{after}: public/ is not whole"
        );
    }
}

#[test]
fn killing_a_build_at_any_moment_leaves_every_file_whole() {
    let server = FeedServer::start();
    let sources = corpus_sources(&server);

    // A run that is never interrupted: what the site must end up as.
    let reference = site_of(&sources);
    let started = Instant::now();
    reference.digest_ok(&["build"]);
    let full_run = started.elapsed();
    let expected_items = reference.files("content/items").len();
    let expected_editions = reference.files("content/issues").len();

    let site = site_of(&sources);
    let mut seed: u64 = 0x5eed_cafe;
    for round in 0..20 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = full_run.mul_f64((seed >> 11) as f64 / (1u64 << 53) as f64);
        let mut child = site
            .command(&["build"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert_whole(&site, &format!("round {round}, killed after {delay:?}"));
    }

    site.digest_ok(&["build"]);
    assert_whole(&site, "the last run");
    assert_eq!(
        site.files("content/items").len(),
        expected_items,
        "items lost or stored twice"
    );
    assert_eq!(site.files("content/issues").len(), expected_editions);
    let leftovers: Vec<_> = site
        .files("")
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(!site.path().join(".public.new").exists() && !site.path().join(".public.old").exists());
}

#[test]
fn a_second_run_waits_for_the_first() {
    let server = FeedServer::start();
    let slow = Reply::Slow(
        Duration::from_secs(2),
        Box::new(Reply::Feed(
            common::fixture("sources/microsoft-ai-blogs.xml"),
            "application/rss+xml",
        )),
    );
    server.route("/slow.xml", slow);
    let site = TestSite::new(&[
        TestSource::new("Slow", server.url("/slow.xml")),
        TestSource::new(
            "DeepMind",
            server.serve_fixture("sources/google-deepmind.xml"),
        ),
    ]);
    let first = site
        .command(&["fetch"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let second = site
        .command(&["fetch"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    let (log1, log2) = (
        String::from_utf8_lossy(&first.stderr),
        String::from_utf8_lossy(&second.stderr),
    );
    assert!(
        first.status.success() && second.status.success(),
        "{log1}\n{log2}"
    );
    assert!(
        log2.contains("waiting for another digest run (pid"),
        "{log2}"
    );
    assert!(
        log2.contains("0 new items"),
        "the second run found everything stored: {log2}"
    );
    assert_eq!(site.files("content/items").len(), 110);
}

#[test]
fn a_run_that_cannot_get_the_lock_names_the_holder() {
    let site = TestSite::with_settings("lock_wait_secs = 1", &[]);
    std::fs::create_dir_all(site.path().join(".digest")).unwrap();
    let mut lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(site.path().join(".digest/lock"))
        .unwrap();
    lock.lock().unwrap();
    writeln!(lock, "pid 4242").unwrap();
    let output = site.digest(&["fetch"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another digest run holds")
            && stderr.contains("pid 4242")
            && stderr.contains("1s"),
        "{stderr}"
    );
}
