//! Full text for feeds that carry only a teaser, against a loopback server:
//! real articles (the Cloudflare posts of the corpus) in page layouts
//! modelled on Ghost, WordPress and Medium, read back as the items' text;
//! a teaser that becomes a Deep Dive drawn from the whole article; and
//! pages that are slow, failing, huge or disallowed by robots.txt.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use common::{FeedServer, Reply, TestSite, fixture};
use digest::item::{Item, TextFrom};

/// A real article: what its feed said of it, and its whole text.
#[derive(Clone)]
struct Post {
    title: String,
    author: String,
    published: String,
    teaser: String,
    html: String,
}

/// The posts of the saved Cloudflare feed, which carries whole articles.
fn posts() -> Vec<Post> {
    let feed = feed_rs::parser::parse(&fixture("sources/cloudflare.xml")[..]).unwrap();
    feed.entries
        .into_iter()
        .map(|entry| Post {
            title: entry.title.unwrap().content,
            author: entry.authors[0].name.clone().unwrap(),
            published: entry.published.unwrap().to_rfc2822(),
            teaser: entry.summary.unwrap().content,
            html: entry.content.unwrap().body.unwrap(),
        })
        .collect()
}

/// The post whose title starts with `start`.
fn post(posts: &[Post], start: &str) -> Post {
    posts
        .iter()
        .find(|p| p.title.starts_with(start))
        .unwrap_or_else(|| panic!("no post {start}"))
        .clone()
}

/// A page layout of `tests/fixtures/pages/`.
fn layout(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(format!("{name}.html"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page of `post` at `url` in the layout `name`.
fn page(name: &str, post: &Post, url: &str) -> Reply {
    let html = layout(name)
        .replace("{{TITLE}}", &escape(&post.title))
        .replace("{{AUTHOR}}", &escape(&post.author))
        .replace("{{DATE}}", &post.published)
        .replace("{{TEASER}}", &escape(&digest::html::to_text(&post.teaser)))
        .replace("{{URL}}", url)
        .replace("{{ARTICLE}}", &post.html);
    Reply::Feed(html.into_bytes(), "text/html; charset=utf-8")
}

/// A feed that gives only the teaser of each post, linking to `url`.
fn teaser_feed(items: &[(&Post, String)]) -> Reply {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Teasers</title><link>https://teasers.example/</link><description>Only teasers</description>\n",
    );
    for (post, url) in items {
        let _ = writeln!(
            xml,
            "<item><title>{}</title><link>{url}</link><guid isPermaLink=\"true\">{url}</guid>\
             <pubDate>{}</pubDate><description><![CDATA[{}]]></description></item>",
            escape(&post.title),
            post.published,
            post.teaser
        );
    }
    xml.push_str("</channel></rss>\n");
    Reply::Feed(xml.into_bytes(), "application/rss+xml")
}

/// A site with `settings` in `[site]` and one source per `(name, feed, full_text)`.
fn site(settings: &str, sources: &[(&str, String, &str)]) -> TestSite {
    let mut config = format!(
        "[site]\ntitle = \"Engineering @ Scale\"\nbase_url = \"https://digest.test/\"\n{settings}\n"
    );
    for (name, feed, full_text) in sources {
        let _ = write!(
            config,
            "\n[[source]]\nname = \"{name}\"\ncompany = \"{name}\"\nkind = \"company\"\n\
             feed = \"{feed}\"\nfull_text = \"{full_text}\"\n"
        );
    }
    TestSite::from_config(&config)
}

/// The stored items of a site, by title.
fn items(site: &TestSite) -> BTreeMap<String, Item> {
    site.files("content/items")
        .into_iter()
        .map(|(path, bytes)| {
            let item = Item::parse(&String::from_utf8(bytes).unwrap(), &path).unwrap();
            (item.meta.title.clone(), item)
        })
        .collect()
}

/// The words of a text, lowercase, one space apart: what "contains" compares.
fn normal(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// All the text of a markdown document, without link targets or markup.
fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            _ => text.push(' '),
        }
    }
    normal(&text)
}

/// The sentences of an article (six words or more), as digest reads them.
fn sentences_of(html: &str) -> Vec<String> {
    let markdown = digest::html::to_markdown(&digest::html::sanitize(html, None));
    digest::text::paragraphs(&markdown)
        .iter()
        .flat_map(|p| {
            digest::text::sentences(p)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|s| s.split_whitespace().count() >= 6)
        .collect()
}

/// Where a layout's placeholders were: lines of boilerplate end there.
const CUT: &str = "\u{2702}";

/// The lines of text a layout puts around an article (three words or more):
/// navigation, banners, related posts, comments, footers.
fn boilerplate_of(layout: &str) -> Vec<String> {
    let mut empty = layout.to_string();
    for mark in [
        "{{TITLE}}",
        "{{AUTHOR}}",
        "{{DATE}}",
        "{{TEASER}}",
        "{{URL}}",
        "{{ARTICLE}}",
    ] {
        empty = empty.replace(mark, CUT);
    }
    let markdown = digest::html::to_markdown(&digest::html::sanitize(&empty, None));
    markdown
        .lines()
        .flat_map(|line| line.split(CUT))
        .map(plain)
        .filter(|line| line.split(' ').count() >= 3)
        .collect()
}

/// Lines of a layout's navigation, cookie banner and footer, which must
/// never get into an article.
fn chrome(layout: &str) -> &'static [&'static str] {
    match layout {
        "ghost" => &[
            "Speed and Reliability",
            "We use cookies to measure how our posts are read",
            "Privacy policy and data protection",
            "Powered by Ghost",
        ],
        "wordpress" => &[
            "Web application firewall rules",
            "This website stores cookies on your computer",
            "About our company and mission",
            "All rights reserved",
        ],
        "medium" => &[
            "Write a story",
            "To make Medium work, we log user data",
            "Text to speech",
            "Recommended from Medium",
        ],
        _ => &[],
    }
}

/// The share of `units` found in `body`.
fn share(units: &[String], body: &str) -> (usize, usize) {
    let body = plain(body);
    let found = units.iter().filter(|u| body.contains(&normal(u))).count();
    (found, units.len())
}

fn percent((found, total): (usize, usize)) -> String {
    format!(
        "{:.0}% ({found}/{total})",
        100.0 * found as f64 / total.max(1) as f64
    )
}

#[test]
fn articles_are_read_from_real_layouts_without_their_boilerplate() {
    let posts = posts();
    // Layout, what it shows, the article, and how many lines of boilerplate
    // may get in: none, except the author box under a short post, which
    // Readability's scoring keeps with the article.
    let cases = [
        (
            "ghost",
            "blog platform (Ghost)",
            post(&posts, "The state of HTTP in 2022"),
            0,
        ),
        (
            "wordpress",
            "heavy navigation, sidebar, comments, footer (WordPress)",
            post(&posts, "How Cloudflare can help stop malware"),
            0,
        ),
        (
            "medium",
            "code blocks and figures (Medium)",
            post(&posts, "Cloudflare is joining the AS112 project"),
            0,
        ),
        (
            "wordpress",
            "short post, author box (WordPress)",
            post(&posts, "Closing out 2022 with our latest Impact Report"),
            3,
        ),
    ];
    let server = FeedServer::start();
    let mut feed_items = Vec::new();
    for (i, (layout_name, _, post, _)) in cases.iter().enumerate() {
        let url = server.url(&format!("/blog/{i}/"));
        server.route(&format!("/blog/{i}/"), page(layout_name, post, &url));
        feed_items.push((post, url));
    }
    server.route("/teasers.xml", teaser_feed(&feed_items));
    let feed = server.url("/teasers.xml");
    let full = site("", &[("Teasers", feed.clone(), "auto")]);
    let teaser = site("", &[("Teasers", feed, "off")]);
    let log = full.digest_ok(&["fetch"]);
    assert!(!log.contains("WARN"), "{log}");
    teaser.digest_ok(&["fetch"]);
    let (full_items, teaser_items) = (items(&full), items(&teaser));

    let mut table = format!(
        "{:<56} {:>9} | {:>22} {:>12} | {:>22} {:>12} | {:>22} {:>12}\n",
        "layout",
        "sentences",
        "full text: recovered",
        "boilerplate",
        "teaser: recovered",
        "boilerplate",
        "whole page: recovered",
        "boilerplate"
    );
    for (layout_name, description, post, max_leaked) in &cases {
        let sentences = sentences_of(&post.html);
        let boilerplate = boilerplate_of(&layout(layout_name));
        let stored = &full_items[&post.title];
        let alone = &teaser_items[&post.title];
        let full_recovered = share(&sentences, &stored.body);
        let full_leaked = share(&boilerplate, &stored.body);
        let teaser_recovered = share(&sentences, &alone.body);
        let teaser_leaked = share(&boilerplate, &alone.body);
        // The whole page as text, without extraction: what the measures see
        // when nothing is left out.
        let Reply::Feed(whole, _) = page(layout_name, post, "") else {
            unreachable!()
        };
        let whole = digest::html::to_markdown(&digest::html::sanitize(
            &String::from_utf8(whole).unwrap(),
            None,
        ));
        let whole_recovered = share(&sentences, &whole);
        let whole_leaked = share(&boilerplate, &whole);
        let _ = writeln!(
            table,
            "{description:<56} {:>9} | {:>22} {:>12} | {:>22} {:>12} | {:>22} {:>12}",
            sentences.len(),
            percent(full_recovered),
            percent(full_leaked),
            percent(teaser_recovered),
            percent(teaser_leaked),
            percent(whole_recovered),
            percent(whole_leaked)
        );
        assert_eq!(
            whole_leaked.0, whole_leaked.1,
            "{description}: the measure sees all the boilerplate of the whole page"
        );

        assert_eq!(stored.meta.text_from, TextFrom::Page, "{description}");
        assert_eq!(alone.meta.text_from, TextFrom::Feed, "{description}");
        assert!(
            full_recovered.0 * 10 >= full_recovered.1 * 9,
            "{description}: fewer than 90% of the article's sentences: {}",
            percent(full_recovered)
        );
        let leaked: Vec<&String> = boilerplate
            .iter()
            .filter(|b| plain(&stored.body).contains(&normal(b)))
            .collect();
        assert!(
            leaked.len() <= *max_leaked,
            "{description}: boilerplate kept: {leaked:?}"
        );
        for line in chrome(layout_name) {
            assert!(
                !plain(&stored.body).contains(&normal(line)),
                "{description}: {line:?} kept"
            );
        }
        assert!(
            teaser_recovered.0 * 5 < teaser_recovered.1,
            "{description}: the teaser alone holds little of the article"
        );
        // The feed's teaser is kept as the summary.
        assert_eq!(
            stored.meta.summary.as_deref(),
            Some(digest::html::to_text(&post.teaser).as_str())
        );
    }
    // The feeds name no author; the pages do.
    let ghost = &full_items[&cases[0].2.title];
    assert_eq!(ghost.meta.authors, vec![cases[0].2.author.clone()]);
    // Code blocks keep their lines.
    let medium = &full_items[&cases[2].2.title];
    assert!(medium.body.contains("```"), "{}", medium.body);

    println!("\n{table}");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fulltext-extraction.txt");
    std::fs::write(&out, &table).unwrap();
    println!("written to {}", out.display());
}

/// The Deep Dives of an edition: title and paragraph of each.
fn deep_dives(edition: &str) -> Vec<(String, String)> {
    let Some(start) = edition.find("## Deep Dives") else {
        return Vec::new();
    };
    let section = &edition[start + "## Deep Dives".len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("### ")
        .skip(1)
        .map(|dive| {
            let (heading, paragraph) = dive.split_once('\n').unwrap();
            let title = heading[1..heading.find("](").unwrap()].to_string();
            (title, paragraph.trim().to_string())
        })
        .collect()
}

#[test]
fn a_teaser_only_item_becomes_a_deep_dive_drawn_from_the_whole_article() {
    let posts = posts();
    let day = [
        (
            "ghost",
            post(&posts, "How Cloudflare advocates for a better Internet"),
        ),
        (
            "wordpress",
            post(&posts, "Introducing Cloudflare's Third Party Code"),
        ),
        (
            "medium",
            post(&posts, "Working to help the HBCU Smart Cities"),
        ),
    ];
    let server = FeedServer::start();
    let mut feed_items = Vec::new();
    for (layout_name, post) in &day {
        let path = format!("/{layout_name}/post");
        let url = server.url(&path);
        server.route(&path, page(layout_name, post, &url));
        feed_items.push((post, url));
    }
    server.route("/teasers.xml", teaser_feed(&feed_items));
    let feed = server.url("/teasers.xml");

    // Drawn from the teaser alone, a Deep Dive can only repeat it.
    let teaser_site = site("", &[("Cloudflare", feed.clone(), "off")]);
    teaser_site.digest_ok(&["build"]);
    let full_site = site("", &[("Cloudflare", feed, "auto")]);
    full_site.digest_ok(&["build"]);

    let drawn_from_article = |site: &TestSite| -> Vec<bool> {
        let edition = site.read("content/issues/2022-12-16.md");
        let dives = deep_dives(&edition);
        assert!(!dives.is_empty(), "no Deep Dive in:\n{edition}");
        dives
            .iter()
            .map(|(title, paragraph)| {
                let (_, post) = day.iter().find(|(_, p)| &p.title == title).unwrap();
                let article = normal(&digest::html::to_text(&post.html));
                let teaser = normal(&digest::html::to_text(&post.teaser));
                digest::text::sentences(paragraph).iter().any(|sentence| {
                    let sentence = normal(sentence);
                    article.contains(&sentence) && !teaser.contains(&sentence)
                })
            })
            .collect()
    };
    assert!(
        drawn_from_article(&teaser_site).iter().all(|drawn| !drawn),
        "teasers only"
    );
    let full = drawn_from_article(&full_site);
    assert!(full.iter().all(|drawn| *drawn), "{full:?}");
    println!("{}", full_site.read("content/issues/2022-12-16.md"));
}

/// Short limits, so that the slow page times out within seconds.
const SETTINGS: &str = "timeout_secs = 4\nconnect_timeout_secs = 2\nread_timeout_secs = 2\n\
                        max_body_bytes = 1000000\nper_host = 4\nconcurrency = 8\n";

#[test]
fn pages_that_fail_keep_the_feed_text_with_one_warning_each_and_the_run_goes_on() {
    let posts = posts();
    let good = post(&posts, "The state of HTTP in 2022");
    let moved = post(&posts, "How Cloudflare can help stop malware");
    let server = FeedServer::start();
    // The slow page is on a site of its own: after a timeout, digest tries
    // no other page of the same site.
    let slow_site = FeedServer::start();
    let html = |post: &Post| page("ghost", post, "");
    let faults: Vec<(&str, Reply, &str)> = vec![
        (
            "slow",
            Reply::Slow(Duration::from_secs(30), Box::new(html(&posts[2]))),
            "timed out",
        ),
        ("failing", Reply::Status(500), "HTTP 500"),
        (
            "huge",
            Reply::Feed(vec![b'x'; 2_000_000], "text/html"),
            "larger than the limit",
        ),
        ("hang-up", Reply::HangUp, "connection closed"),
        (
            "pdf",
            Reply::Feed(b"%PDF-1.4".to_vec(), "application/pdf"),
            "not HTML (application/pdf)",
        ),
        (
            "nav-only",
            Reply::Feed(
                b"<html><body><nav><a href=\"/\">Home</a></nav></body></html>".to_vec(),
                "text/html",
            ),
            "less text than the feed (1 word against",
        ),
    ];
    let mut feed_items: Vec<(&Post, String)> = Vec::new();
    for (i, (name, reply, _)) in faults.iter().enumerate() {
        let host = if *name == "slow" { &slow_site } else { &server };
        host.route(&format!("/pages/{name}"), reply.clone());
        feed_items.push((&posts[3 + i], host.url(&format!("/pages/{name}"))));
    }
    server.route("/pages/good", html(&good));
    feed_items.push((&good, server.url("/pages/good")));
    server.route(
        "/pages/old-address",
        Reply::Full(
            301,
            vec![("Location", "/pages/new-address".into())],
            Vec::new(),
        ),
    );
    server.route("/pages/new-address", html(&moved));
    feed_items.push((&moved, server.url("/pages/old-address")));
    server.route("/faulty.xml", teaser_feed(&feed_items));

    // A second source on the same site, whose pages robots.txt disallows.
    let private = [&posts[10], &posts[11]];
    let private_items: Vec<(&Post, String)> = private
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, server.url(&format!("/private/{i}"))))
        .collect();
    for (i, post) in private.iter().enumerate() {
        server.route(&format!("/private/{i}"), html(post));
    }
    server.route("/private.xml", teaser_feed(&private_items));
    server.route(
        "/robots.txt",
        Reply::Feed(
            b"User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n".to_vec(),
            "text/plain",
        ),
    );

    let site = site(
        SETTINGS,
        &[
            ("Faulty", server.url("/faulty.xml"), "on"),
            ("Private", server.url("/private.xml"), "auto"),
        ],
    );
    let output = site.digest_within(Duration::from_secs(120), &["fetch"]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    let warnings: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();

    // One warning per failed page, naming source, item and cause.
    let stored = items(&site);
    for (i, (name, _, cause)) in faults.iter().enumerate() {
        let title = &posts[3 + i].title;
        let about: Vec<&&str> = warnings
            .iter()
            .filter(|w| w.contains(title.as_str()))
            .collect();
        assert_eq!(about.len(), 1, "{name}: {about:?}\n{log}");
        assert!(
            about[0].contains("\"Faulty\"") && about[0].contains(cause),
            "{name}: {}",
            about[0]
        );
        let item = &stored[title];
        assert_eq!(item.meta.text_from, TextFrom::Feed, "{name}");
        assert_eq!(
            normal(&item.body),
            normal(&digest::html::to_text(&posts[3 + i].teaser)),
            "{name}"
        );
    }

    // Robots.txt: one warning for the source, its items keep their teasers,
    // none of its pages is requested, and its health says why.
    let refused: Vec<&&str> = warnings
        .iter()
        .filter(|w| w.contains("\"Private\""))
        .collect();
    assert_eq!(refused.len(), 1, "{log}");
    assert!(
        refused[0].contains("disallows /private/0"),
        "{}",
        refused[0]
    );
    for post in private {
        assert_eq!(stored[&post.title].meta.text_from, TextFrom::Feed);
    }
    assert_eq!(warnings.len(), faults.len() + 1, "{log}");
    let requests = server.requests();
    assert!(!requests.iter().any(|r| r.path.starts_with("/private/")));
    assert_eq!(
        requests.iter().filter(|r| r.path == "/robots.txt").count(),
        1,
        "robots.txt is read once per site and run"
    );
    let health: serde_json::Value =
        serde_json::from_str(&site.read(".digest/health.json")).unwrap();
    let note = health["sources"]["Private"]["full_text_note"]
        .as_str()
        .unwrap();
    assert!(note.contains("robots.txt disallows /private/0"), "{note}");
    assert!(health["sources"]["Faulty"]["full_text_note"].is_null());

    // The good pages were read, the moved one at its new address.
    assert_eq!(stored[&good.title].meta.text_from, TextFrom::Page);
    let moved_item = &stored[&moved.title];
    assert_eq!(moved_item.meta.text_from, TextFrom::Page);
    assert_eq!(
        moved_item.meta.page_url.as_deref(),
        Some(server.url("/pages/new-address").as_str())
    );
}

#[test]
fn a_robots_txt_that_cannot_be_read_keeps_pages_unread() {
    let posts = posts();
    let server = FeedServer::start();
    server.route("/robots.txt", Reply::Status(503));
    server.route("/post", page("ghost", &posts[1], ""));
    server.route(
        "/feed.xml",
        teaser_feed(&[(&posts[1], server.url("/post"))]),
    );
    let site = site(SETTINGS, &[("Busy", server.url("/feed.xml"), "on")]);
    let log = site.digest_ok(&["fetch"]);
    assert!(
        log.contains("\"Busy\"") && log.contains("robots.txt could not be read (HTTP 503"),
        "{log}"
    );
    assert!(!server.requests().iter().any(|r| r.path == "/post"));
    assert_eq!(items(&site)[&posts[1].title].meta.text_from, TextFrom::Feed);
}

#[test]
fn pages_are_read_concurrently_within_the_limits_and_never_twice() {
    let posts = posts();
    let server = FeedServer::start();
    let slow = |post: &Post| {
        Reply::Slow(
            Duration::from_millis(300),
            Box::new(page("wordpress", post, "")),
        )
    };
    let chosen: Vec<&Post> = posts[4..10].iter().collect();
    let mut feed_items: Vec<(&Post, String)> = Vec::new();
    for (i, post) in chosen.iter().enumerate() {
        server.route(&format!("/p/{i}"), slow(post));
        feed_items.push((post, server.url(&format!("/p/{i}"))));
    }
    server.route("/feed.xml", teaser_feed(&feed_items));
    let site = site(
        "per_host = 2\nconcurrency = 8\nfull_text_max_pages = 4\n",
        &[("Teasers", server.url("/feed.xml"), "auto")],
    );
    let log = site.digest_ok(&["fetch"]);
    assert!(
        log.contains("2 items left out by full_text_max_pages"),
        "{log}"
    );

    // The four newest were read, two at a time.
    let mut by_date: Vec<&Post> = chosen.clone();
    by_date.sort_by_key(|p| {
        std::cmp::Reverse(chrono::DateTime::parse_from_rfc2822(&p.published).unwrap())
    });
    let stored = items(&site);
    let from_page: Vec<bool> = by_date
        .iter()
        .map(|p| stored[&p.title].meta.text_from == TextFrom::Page)
        .collect();
    assert_eq!(from_page, [true, true, true, true, false, false]);
    let pages = |server: &FeedServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/p/"))
            .count()
    };
    assert_eq!(pages(&server), 4);
    assert_eq!(server.most_active(), 2);

    // A later run, even with a changed feed, reads no page of a stored item.
    server.reset_log();
    let mut more = feed_items.clone();
    more.push((&posts[1], server.url("/p/new")));
    server.route("/p/new", page("ghost", &posts[1], ""));
    server.route("/feed.xml", teaser_feed(&more));
    site.digest_ok(&["fetch"]);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/feed.xml", "/robots.txt", "/p/new"]);
    assert_eq!(items(&site)[&posts[1].title].meta.text_from, TextFrom::Page);
}

#[test]
fn a_quiet_run_reports_a_robots_refusal_once_until_it_changes() {
    let posts = posts();
    let server = FeedServer::start();
    server.route(
        "/robots.txt",
        Reply::Feed(b"User-agent: digest\nDisallow: /\n".to_vec(), "text/plain"),
    );
    let site = site("", &[("Shy", server.url("/feed.xml"), "auto")]);
    let mut published: Vec<(&Post, String)> = Vec::new();
    let mut logs = Vec::new();
    for (i, post) in posts[4..7].iter().enumerate() {
        published.push((post, server.url(&format!("/post/{i}"))));
        server.route("/feed.xml", teaser_feed(&published));
        logs.push(site.digest_ok(&["-q", "fetch"]));
    }
    assert!(logs[0].contains("\"Shy\"") && logs[0].contains("disallows /post/0"));
    assert_eq!(logs[1..], ["", ""], "{logs:?}");

    // Without -q, every run that is refused says so.
    published.push((&posts[7], server.url("/post/3")));
    server.route("/feed.xml", teaser_feed(&published));
    assert!(site.digest_ok(&["fetch"]).contains("disallows /post/3"));
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/post/"))
    );
}

#[test]
fn once_a_site_stops_answering_its_other_pages_are_not_tried() {
    let posts = posts();
    let server = FeedServer::start();
    let silent = Reply::Slow(Duration::from_secs(30), Box::new(Reply::Status(200)));
    let mut feed_items: Vec<(&Post, String)> = Vec::new();
    for (i, post) in posts[4..8].iter().enumerate() {
        server.route(&format!("/slow/{i}"), silent.clone());
        feed_items.push((post, server.url(&format!("/slow/{i}"))));
    }
    server.route("/feed.xml", teaser_feed(&feed_items));
    let site = site(
        "timeout_secs = 2\nread_timeout_secs = 1\nper_host = 1\n",
        &[("Tarpit", server.url("/feed.xml"), "on")],
    );
    let output = site.digest_within(Duration::from_secs(120), &["fetch"]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    let tried = server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/slow/"))
        .count();
    assert_eq!(tried, 1, "{log}");
    assert_eq!(log.matches("timed out").count(), 4, "{log}");
    assert_eq!(
        log.matches("not tried, as another page").count(),
        3,
        "{log}"
    );
    assert_eq!(items(&site).len(), 4);
}

#[test]
fn an_article_page_longer_than_max_item_bytes_is_cut_with_a_warning() {
    let posts = posts();
    let long = posts.iter().max_by_key(|p| p.html.len()).expect("a post");
    assert!(long.html.len() > 4096, "{}", long.html.len());
    let server = FeedServer::start();
    let url = server.url("/long/post");
    server.route("/long/post", page("wordpress", long, &url));
    server.route("/teasers.xml", teaser_feed(&[(long, url)]));
    let site = site(
        "max_item_bytes = 2048\n",
        &[("Long", server.url("/teasers.xml"), "on")],
    );
    let log = site.digest_ok(&["fetch"]);
    assert!(
        log.contains("is cut to max_item_bytes (2048)"),
        "no warning:\n{log}"
    );
    let stored = &items(&site)[&long.title];
    assert_eq!(stored.meta.text_from, TextFrom::Page);
    assert!(stored.body.len() < 2048, "{} bytes", stored.body.len());
    assert!(!stored.body.is_empty());
}
