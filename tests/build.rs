//! `digest build` end to end: the real binary, a loopback feed server, real
//! saved feeds, and a temporary site.

mod common;

use common::{ACME_FEED, FeedServer, GLOBEX_FEED, Reply, TestSite, TestSource, assert_same_files};

/// A site with three real saved feeds and the two written above.
fn corpus_site(server: &FeedServer) -> TestSite {
    server.route(
        "/acme.xml",
        Reply::Feed(ACME_FEED.as_bytes().to_vec(), "application/rss+xml"),
    );
    server.route(
        "/globex.xml",
        Reply::Feed(GLOBEX_FEED.as_bytes().to_vec(), "application/atom+xml"),
    );
    TestSite::new(&[
        TestSource::blog(
            "Microsoft AI Blogs",
            "Microsoft",
            server.serve_fixture("sources/microsoft-ai-blogs.xml"),
        ),
        TestSource::blog(
            "Google Keyword: AI",
            "Google",
            server.serve_fixture("sources/google-blog-ai-section.xml"),
        ),
        TestSource::blog(
            "Google DeepMind",
            "Google DeepMind",
            server.serve_fixture("sources/google-deepmind.xml"),
        ),
        TestSource::blog("Acme Engineering", "Acme", server.url("/acme.xml")),
        TestSource::blog("Globex Tech", "Globex", server.url("/globex.xml")),
    ])
}

/// The value of `key = ` in a content file's front matter, as written.
fn front_value(text: &str, key: &str) -> Option<String> {
    let front = text.split("+++").nth(1)?;
    front
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key} = ")).map(str::to_string))
}

#[test]
fn build_stores_items_writes_editions_and_renders_the_site() {
    let server = FeedServer::start();
    let site = corpus_site(&server);
    site.digest_ok(&["build"]);

    // Every entry of every feed is stored once, in its source's folder.
    let items = site.files("content/items");
    let count = |folder: &str| {
        items
            .keys()
            .filter(|p| p.starts_with(format!("content/items/{folder}")))
            .count()
    };
    assert_eq!(count("microsoft-ai-blogs"), 10);
    assert_eq!(count("google-keyword-ai"), 20);
    assert_eq!(count("google-deepmind"), 100);
    assert_eq!(count("acme-engineering"), 1);
    assert_eq!(count("globex-tech"), 1);

    // Dates keep their offset; the file is named by the UTC day.
    let acme = site
        .read("content/items/acme-engineering/2025-07-23-moving-image-resizing-to-edge-caching.md");
    assert_eq!(
        front_value(&acme, "published").as_deref(),
        Some("2025-07-22T23:30:00-07:00")
    );
    assert_eq!(front_value(&acme, "company").as_deref(), Some("\"Acme\""));
    // Relative links are made absolute against the feed's own link.
    assert_eq!(
        front_value(&acme, "url").as_deref(),
        Some("\"https://acme.example/blog/edge-caching-images\"")
    );
    assert!(
        acme.contains("[edge caching guide](https://acme.example/docs/edge)"),
        "{acme}"
    );
    let grid = site.read("content/items/microsoft-ai-blogs/2025-07-28-driving-the-grid-of-the-future-how-microsoft-and-our-partners-are-reenvisioning.md");
    assert_eq!(
        front_value(&grid, "published").as_deref(),
        Some("2025-07-28T15:00:00Z")
    );
    for (path, bytes) in &items {
        let text = String::from_utf8_lossy(bytes);
        let url = front_value(&text, "url").unwrap_or_default();
        assert!(
            url.starts_with("\"https://") || url.starts_with("\"http://127.0.0.1"),
            "{}: {url}",
            path.display()
        );
    }

    // One edition for each day that has items, on the day they were published.
    let mut item_days: Vec<String> = items
        .keys()
        .map(|p| p.file_name().unwrap().to_string_lossy()[..10].to_string())
        .collect();
    item_days.sort();
    item_days.dedup();
    let edition_days: Vec<String> = site
        .files("content/issues")
        .keys()
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(edition_days, item_days);

    // The shared day has all three sections, and the pattern names both companies.
    let page = site.read("public/editions/2025-07-23.html");
    for heading in [
        "<h2>Signal of the Day</h2>",
        "<h2>Deep Dives</h2>",
        "<h2>Patterns Across Companies</h2>",
    ] {
        assert!(page.contains(heading), "missing {heading}");
    }
    let patterns = page
        .split("<h2>Patterns Across Companies</h2>")
        .nth(1)
        .unwrap();
    assert!(
        patterns.contains("Edge caching")
            && patterns.contains("Acme")
            && patterns.contains("Globex"),
        "{patterns}"
    );
    // Deep Dive paragraphs are the articles' own sentences.
    assert!(
        page.contains("The cache hit ratio climbed from 60% to 92%"),
        "{page}"
    );

    // The index shows the newest edition; the archive lists them all.
    let newest = edition_days.last().unwrap();
    assert!(
        site.read("public/index.html")
            .contains(&format!("editions/{newest}.html"))
    );
    let archive = site.read("public/archive.html");
    assert_eq!(
        archive.matches("<li><a href=\"editions/").count(),
        edition_days.len()
    );

    // The feed parses, newest edition first, with stable guids and full HTML.
    let channel =
        rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).expect("rss.xml parses");
    assert_eq!(channel.items().len(), 20.min(edition_days.len()));
    let first = &channel.items()[0];
    let newest_url = format!("https://digest.test/editions/{newest}.html");
    assert_eq!(first.link(), Some(newest_url.as_str()));
    assert_eq!(first.guid().map(|g| g.value()), Some(newest_url.as_str()));
    let shared = channel
        .items()
        .iter()
        .find(|i| i.link() == Some("https://digest.test/editions/2025-07-23.html"))
        .unwrap();
    assert!(
        shared
            .description()
            .unwrap()
            .contains("<h2>Deep Dives</h2>")
    );
    assert_eq!(channel.last_build_date(), first.pub_date());
}

#[test]
fn a_second_build_stores_nothing_and_changes_no_byte() {
    let server = FeedServer::start();
    let site = corpus_site(&server);
    site.digest_ok(&["build"]);
    let content = site.files("content");
    let public = site.files("public");

    let log = site.digest_ok(&["build"]);
    assert!(log.contains("0 new items"), "{log}");
    assert!(log.contains("composed 0 editions"), "{log}");
    assert!(
        site.files("content") == content,
        "content/ changed on the second build"
    );
    assert!(
        site.files("public") == public,
        "public/ changed on the second build"
    );
}

#[test]
fn a_dead_source_and_a_garbage_source_are_warned_about_and_skipped() {
    let server = FeedServer::start();
    server.route("/gone.xml", Reply::Status(404));
    server.route(
        "/garbage.xml",
        Reply::Feed(
            b"\x00\x13 this is not < a feed >>".to_vec(),
            "application/rss+xml",
        ),
    );
    let site = TestSite::new(&[
        TestSource::blog("Gone Blog", "Gone", server.url("/gone.xml")),
        TestSource::blog(
            "Microsoft AI Blogs",
            "Microsoft",
            server.serve_fixture("sources/microsoft-ai-blogs.xml"),
        ),
        TestSource::blog("Garbage Blog", "Garbage", server.url("/garbage.xml")),
    ]);
    let output = site.digest(&["build"]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");

    let warnings: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 2, "{log}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"Gone Blog\"") && w.contains("HTTP 404")),
        "{log}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"Garbage Blog\"") && w.contains("not a valid feed")),
        "{log}"
    );
    assert_eq!(site.files("content/items/microsoft-ai-blogs").len(), 10);
    assert!(
        site.read("public/index.html")
            .contains("Engineering @ Scale")
    );
}

#[test]
fn the_same_article_from_two_sources_is_stored_once() {
    let server = FeedServer::start();
    let feed = server.serve_fixture("feeds/netflix-techblog-2021.xml");
    let site = TestSite::new(&[
        TestSource::blog("Netflix Tech Blog", "Netflix", feed.clone()),
        TestSource::blog("The Netflix Tech Blog", "Netflix", feed),
    ]);
    site.digest_ok(&["fetch"]);
    let items = site.files("content/items");
    assert_eq!(items.len(), 10);
    assert!(
        items
            .keys()
            .all(|p| p.starts_with("content/items/netflix-tech-blog"))
    );
    for bytes in items.values() {
        let text = String::from_utf8_lossy(bytes);
        assert_eq!(
            front_value(&text, "also_in").as_deref(),
            Some("[\"The Netflix Tech Blog\"]")
        );
        // The id drops Medium's tracking parameter; the link does too.
        let url = front_value(&text, "url").unwrap();
        assert!(
            url.starts_with("\"https://netflixtechblog.com/") && !url.contains("source=rss"),
            "{url}"
        );
    }
}

#[test]
fn a_source_added_later_is_recorded_on_articles_already_stored() {
    let server = FeedServer::start();
    let feed = server.serve_fixture("feeds/netflix-techblog-2021.xml");
    let one = TestSource::blog("Netflix Tech Blog", "Netflix", feed.clone());
    let site = TestSite::new(&[one]);
    site.digest_ok(&["fetch"]);
    site.digest_ok(&["fetch"]);
    let config = site.path().join("sources.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[[source]]\nname = \"The Netflix Tech Blog\"\ncompany = \"Netflix\"\nkind = \"company\"\nfeed = \"{feed}\"\n"
    ));
    std::fs::write(&config, text).unwrap();
    site.digest_ok(&["fetch"]);
    let items = site.files("content/items");
    assert_eq!(items.len(), 10);
    for bytes in items.values() {
        let text = String::from_utf8_lossy(bytes);
        assert_eq!(
            front_value(&text, "also_in").as_deref(),
            Some("[\"The Netflix Tech Blog\"]")
        );
    }
}

#[test]
fn an_edition_edited_by_hand_is_kept() {
    let server = FeedServer::start();
    let site = TestSite::new(&[TestSource::blog(
        "Microsoft AI Blogs",
        "Microsoft",
        server.serve_fixture("sources/microsoft-ai-blogs.xml"),
    )]);
    site.digest_ok(&["build"]);
    let path = site.path().join("content/issues/2025-07-28.md");
    let edited = site.read("content/issues/2025-07-28.md").replace(
        "## Signal of the Day",
        "## Signal of the Day\n\nAn editor's note.",
    );
    std::fs::write(&path, &edited).unwrap();

    site.digest_ok(&["build"]);
    assert_eq!(site.read("content/issues/2025-07-28.md"), edited);
    assert!(
        site.read("public/editions/2025-07-28.html")
            .contains("An editor’s note.")
            || site
                .read("public/editions/2025-07-28.html")
                .contains("An editor's note.")
    );

    // Asked explicitly, compose writes it again from the items.
    site.digest_ok(&["compose", "--date", "2025-07-28", "--force"]);
    assert!(
        !site
            .read("content/issues/2025-07-28.md")
            .contains("An editor's note.")
    );
}

#[test]
fn a_bad_configuration_names_the_key_and_line_and_writes_nothing() {
    let site = TestSite::new(&[]);
    let config = site.path().join("sources.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[[source]]\nname = \"A\"\ncompany = \"A\"\nkind = \"company\"\nfeed = \"https://a.example/feed\"\nfeed_url = \"oops\"\n");
    let line = text
        .lines()
        .position(|l| l.starts_with("feed_url"))
        .unwrap()
        + 1;
    std::fs::write(&config, text).unwrap();
    let output = site.digest(&["build"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sources.toml")
            && stderr.contains(&format!("line {line}:"))
            && stderr.contains("feed_url"),
        "{stderr}"
    );
    assert!(!site.path().join("public").exists() && !site.path().join("content").exists());
}

#[test]
fn an_edition_broken_by_hand_is_never_overwritten() {
    let server = FeedServer::start();
    let site = TestSite::new(&[TestSource::blog(
        "Microsoft AI Blogs",
        "Microsoft",
        server.serve_fixture("sources/microsoft-ai-blogs.xml"),
    )]);
    site.digest_ok(&["build"]);
    let path = site.path().join("content/issues/2025-07-28.md");
    let broken = site
        .read("content/issues/2025-07-28.md")
        .replace("date = 2025-07-28", "date = 2025-07-32")
        .replace(
            "## Signal of the Day",
            "## Signal of the Day\n\nEDITOR NOTE: must read.",
        );
    std::fs::write(&path, &broken).unwrap();

    let log = site.digest_ok(&["build"]);
    assert_eq!(
        site.read("content/issues/2025-07-28.md"),
        broken,
        "the edition was rewritten"
    );
    assert!(log.contains("2025-07-28.md, line 2"), "{log}");
    assert!(log.contains("no edition is written"), "{log}");
}

#[test]
fn a_daily_build_writes_the_same_site_as_a_full_build() {
    let server = FeedServer::start();
    let deepmind = server.serve_fixture("sources/google-deepmind.xml");
    let site = TestSite::new(&[TestSource::blog(
        "Google DeepMind",
        "Google DeepMind",
        deepmind.clone(),
    )]);
    site.digest_ok(&["build"]);

    // A day later: a second source, new items on new and old days.
    let config = site.path().join("sources.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    let microsoft = server.serve_fixture("sources/microsoft-ai-blogs.xml");
    text.push_str(&format!("\n[[source]]\nname = \"Microsoft AI Blogs\"\ncompany = \"Microsoft\"\nkind = \"company\"\nfeed = \"{microsoft}\"\n"));
    std::fs::write(&config, &text).unwrap();
    let log = site.digest_ok(&["build"]);
    assert!(log.contains("files written"), "{log}");
    let daily = site.files("public");

    // The same content, built from nothing.
    let fresh = TestSite::new(&[]);
    std::fs::write(fresh.path().join("sources.toml"), &text).unwrap();
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(site.path().join("content"))
        .arg(fresh.path())
        .status()
        .unwrap();
    assert!(copy.success());
    // Source health is shown on the site too.
    std::fs::create_dir_all(fresh.path().join(".digest")).unwrap();
    std::fs::copy(
        site.path().join(".digest/health.json"),
        fresh.path().join(".digest/health.json"),
    )
    .unwrap();
    fresh.digest_ok(&["build", "--offline"]);
    let full = fresh.files("public");
    assert_same_files(&daily, &full, "the daily build against the full build");
}
