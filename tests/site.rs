//! What readers see, from a fixture site rendered by the real binary: the
//! pages and their links, the feeds read back by the rss and
//! atom_syndication crates, the emails, and snapshots of each output so
//! that any change to it shows in review.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::TestSite;

/// The fixture site with its source health, rendered.
fn rendered() -> TestSite {
    let site = TestSite::fixture().with_health();
    site.digest_ok(&["render"]);
    site
}

/// The HTML pages of `public/`, without the emails.
fn pages(site: &TestSite) -> Vec<PathBuf> {
    site.paths_ending("public", ".html")
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".email.html"))
        .collect()
}

#[test]
fn every_page_kind_is_written() {
    let site = rendered();
    for path in [
        "index.html",
        "archive.html",
        "subscribe.html",
        "404.html",
        "editions/2025-07-23.html",
        "editions/2025-07-23.email.html",
        "editions/2025-07-23.txt",
        "companies/index.html",
        "companies/openai.html",
        "companies/openai.xml",
        "companies/google-deepmind.html",
        "sources/index.html",
        "sources/openai-blog.html",
        "sources/infoq.html",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "sources.opml",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        "favicon.svg",
    ] {
        assert!(
            site.path().join("public").join(path).is_file(),
            "public/{path} is missing"
        );
    }
}

#[test]
fn pages_have_landmarks_a_language_ordered_headings_and_no_script() {
    let site = rendered();
    for path in pages(&site) {
        let html = site.read(&path.to_string_lossy());
        let name = path.display();
        assert!(html.contains("<html lang=\"en\">"), "{name}: no lang");
        assert!(html.contains("<main id=\"main\">"), "{name}: no main");
        assert!(html.contains("<nav aria-label=\"Site\">"), "{name}: no nav");
        assert!(html.contains("<footer"), "{name}: no footer");
        assert!(!html.contains("<script"), "{name}: has a script");
        assert_eq!(html.matches("<h1").count(), 1, "{name}: not one h1");
        let levels = heading_levels(&html);
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "{name}: heading levels {levels:?}");
        }
    }
}

/// The level of each heading, in order.
fn heading_levels(html: &str) -> Vec<u8> {
    html.match_indices("<h")
        .filter_map(|(at, _)| {
            let level = html.as_bytes().get(at + 2)?;
            let next = html.as_bytes().get(at + 3)?;
            (level.is_ascii_digit() && (*next == b'>' || *next == b' ')).then(|| level - b'0')
        })
        .collect()
}

#[test]
fn link_texts_make_sense_alone_and_every_link_inside_the_site_resolves() {
    let site = rendered();
    let public = site.path().join("public");
    for path in pages(&site) {
        let html = site.read(&path.to_string_lossy());
        for vague in [">here<", ">click here<", ">read more<", ">link<", ">more<"] {
            assert!(
                !html.to_lowercase().contains(vague),
                "{}: link text {vague}",
                path.display()
            );
        }
        let page_dir = public.join(path.strip_prefix("public").unwrap());
        let page_dir = page_dir.parent().unwrap();
        for target in local_links(&html) {
            let file = if let Some(from_root) = target.strip_prefix('/') {
                public.join(from_root)
            } else {
                page_dir.join(&target)
            };
            let file = if target.ends_with('/') || target.is_empty() {
                file.join("index.html")
            } else {
                file
            };
            assert!(
                file.is_file(),
                "{}: link to {target} leads nowhere",
                path.display()
            );
        }
    }
}

/// The `href`s of a page that stay on the site, without their fragments.
fn local_links(html: &str) -> BTreeSet<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| !href.starts_with("http") && !href.starts_with("mailto:"))
        .map(|href| href.split('#').next().unwrap_or("").to_string())
        .filter(|href| !href.is_empty())
        .collect()
}

#[test]
fn the_health_page_shows_health_when_recorded_and_says_so_when_not() {
    let site = rendered();
    let page = site.read("public/sources/index.html");
    assert!(
        page.contains("HTTP 503 Service Unavailable"),
        "no last error"
    );
    assert!(page.contains("<td data-label=\"Failures in a row\">2</td>"));
    assert!(
        page.contains("<td data-label=\"Last success\"><time datetime=\"2025-07-25\">"),
        "no last success"
    );
    assert!(page.contains("<tr class=\"failing\">"));
    let deepmind = site.read("public/sources/google-deepmind.html");
    assert!(deepmind.contains("2 failures in a row"), "{deepmind}");
    let infoq = site.read("public/sources/infoq.html");
    assert!(
        infoq.contains("Not fetched successfully yet. 3 failures in a row"),
        "{infoq}"
    );
    assert!(!infoq.contains("never"), "{infoq}");

    let bare = TestSite::fixture();
    bare.digest_ok(&["render"]);
    let page = bare.read("public/sources/index.html");
    assert!(page.contains("No fetch has recorded its results yet"));
    assert!(page.contains("<td data-label=\"Last success\">not recorded</td>"));
    // Counts and newest dates come from the content either way.
    assert!(
        page.contains("<td data-label=\"Articles\">6</td>"),
        "{page}"
    );
    assert!(page.contains("<time datetime=\"2025-07-24\">2025-07-24</time>"));
}

#[test]
fn company_and_source_pages_list_their_items_with_links_to_the_originals() {
    let site = rendered();
    let openai = site.read("public/companies/openai.html");
    assert_eq!(
        openai.matches("<li><a href=\"https://openai.com/").count(),
        6
    );
    assert!(openai.contains("<h2 id=\"y-2025\">2025</h2>"));
    assert!(
        openai.contains(
            "<a href=\"../editions/2025-07-24.html\">Edition of Thursday, 24 July 2025</a>"
        )
    );
    let keyword = site.read("public/sources/google-keyword-ai.html");
    assert!(keyword.contains("not fetched at the moment"), "{keyword}");
    let infoq = site.read("public/sources/infoq.html");
    assert!(infoq.contains("No article from this source yet."));
}

#[test]
fn the_feeds_read_back_with_stable_ids_and_content_dates() {
    let site = rendered();
    let rss = rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).expect("rss.xml");
    assert_eq!(rss.items().len(), 3);
    let newest = &rss.items()[0];
    let permalink = "https://digest.test/editions/2025-07-24.html";
    assert_eq!(newest.link(), Some(permalink));
    assert_eq!(newest.guid().map(|g| g.value()), Some(permalink));
    assert_eq!(rss.last_build_date(), newest.pub_date());
    assert_eq!(newest.pub_date(), Some("Fri, 25 Jul 2025 00:00:00 +0000"));
    let self_link = &rss.atom_ext().unwrap().links()[0];
    assert_eq!(self_link.href(), "https://digest.test/rss.xml");

    let atom = atom_syndication::Feed::read_from(site.read("public/atom.xml").as_bytes())
        .expect("atom.xml");
    assert_eq!(atom.entries().len(), 3);
    assert_eq!(atom.entries()[0].id(), permalink);
    assert_eq!(atom.updated(), atom.entries()[0].updated());
    assert!(
        atom.entries()[0]
            .content()
            .and_then(|c| c.value())
            .is_some_and(|html| html.contains("<h2>Signal of the Day</h2>"))
    );

    let json: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], "https://digest.test/feed.json");
    assert_eq!(json["items"][0]["id"], permalink);
    assert_eq!(
        json["items"][0]["date_published"],
        "2025-07-25T00:00:00+00:00"
    );

    for path in site.paths_ending("public/companies", ".xml") {
        let channel = rss::Channel::read_from(site.read(&path.to_string_lossy()).as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!channel.items().is_empty(), "{}", path.display());
    }
}

#[test]
fn the_number_of_feed_entries_is_configurable() {
    let site = TestSite::fixture();
    let config = site.path().join("sources.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("feed_entries = 20", "feed_entries = 2"),
    )
    .unwrap();
    site.digest_ok(&["render"]);
    let rss = rss::Channel::read_from(site.read("public/rss.xml").as_bytes()).unwrap();
    assert_eq!(rss.items().len(), 2);
    let openai =
        rss::Channel::read_from(site.read("public/companies/openai.xml").as_bytes()).unwrap();
    assert_eq!(openai.items().len(), 2);
}

#[test]
fn the_sitemap_lists_every_page_and_robots_points_at_it() {
    let site = rendered();
    let sitemap = site.read("public/sitemap.xml");
    let listed: BTreeSet<String> = sitemap
        .split("<loc>https://digest.test/")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_string())
        .collect();
    let mut expected: BTreeSet<String> = pages(&site)
        .iter()
        .map(|p| {
            p.strip_prefix("public")
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    expected.remove("404.html");
    assert_eq!(listed, expected);
    assert!(sitemap.contains("<lastmod>2025-07-24</lastmod>"));
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://digest.test/sitemap.xml\n"
    );
}

#[test]
fn emails_have_inlined_styles_a_table_layout_and_a_wrapped_text_twin() {
    let site = rendered();
    let email = site.read("public/editions/2025-07-23.email.html");
    assert!(email.contains("<table class=\"outer\" role=\"presentation\""));
    for tag in ["<h2 ", "<h3 ", "<p ", "<body "] {
        let styled = email
            .match_indices(tag)
            .all(|(at, _)| email[at..].split('>').next().unwrap().contains("style=\""));
        assert!(styled, "a {tag}> without inlined style");
    }
    assert!(email.contains("href=\"https://digest.test/editions/2025-07-23.html\""));
    let text = site.read("public/editions/2025-07-23.txt");
    assert!(
        text.starts_with("ENGINEERING @ SCALE — 2025-07-23\n"),
        "{text}"
    );
    assert!(text.contains("SIGNAL OF THE DAY\n================="));
    for line in text.lines().filter(|l| !l.contains("://")) {
        assert!(line.chars().count() <= 72, "too long: {line}");
    }
}

#[test]
fn a_template_in_the_site_replaces_the_built_in_one_and_its_errors_name_file_and_line() {
    let site = TestSite::fixture();
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("archive.html"),
        "{% extends \"base.html\" %}\n{% block main %}<h1>Our archive</h1>{% endblock main %}\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(site.path().join("static/robots-note.txt"), "kept as is").unwrap();
    site.digest_ok(&["render"]);
    assert!(
        site.read("public/archive.html")
            .contains("<h1>Our archive</h1>")
    );
    assert_eq!(site.read("public/robots-note.txt"), "kept as is");

    std::fs::write(
        templates.join("edition.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ edition.title }</h1>\n{% endblock main %}\n",
    )
    .unwrap();
    let output = site.digest(&["render"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let file = templates.join("edition.html").display().to_string();
    assert!(stderr.contains(&format!("{file}, line 3")), "{stderr}");
    assert!(
        site.read("public/archive.html").contains("Our archive"),
        "the previous site is kept"
    );
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let site = rendered();
    let first = site.files("public");
    site.digest_ok(&["render"]);
    assert!(site.files("public") == first, "public/ changed");
}

#[test]
fn snapshots_of_an_edition_and_every_feed() {
    let site = rendered();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, path) in [
            ("edition", "public/editions/2025-07-23.html"),
            ("index", "public/index.html"),
            ("sources", "public/sources/index.html"),
            ("rss", "public/rss.xml"),
            ("atom", "public/atom.xml"),
            ("json-feed", "public/feed.json"),
            ("company-feed", "public/companies/openai.xml"),
            ("opml", "public/sources.opml"),
            ("sitemap", "public/sitemap.xml"),
            ("email-html", "public/editions/2025-07-23.email.html"),
            ("email-text", "public/editions/2025-07-23.txt"),
        ] {
            insta::assert_snapshot!(name, site.read(path));
        }
    });
}
