//! Hostile feeds stay harmless. An RSS, an Atom and a JSON feed whose every
//! field carries markup from the known families of cross-site scripting,
//! and template text, are fetched from a loopback server under source and
//! company names that carry the same, beside content files edited by hand
//! to carry it too; the site is built, then every page, email and feed is
//! read for anything that could run, load or lead off the web, and opened
//! in Debian's headless Chromium with a listener for any script at all.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::hostile::{self, decode_entities, feed_html, markup_problems, xml_tag_names};
use common::{FeedServer, Reply, TestSite, TestSource, artifacts_dir, require_browser, tools_dir};

/// The day every hostile article is published.
const DAY: &str = "2025-07-22";
/// The day of the edition written by hand.
const HAND_DAY: &str = "2025-07-20";

/// What template text in a feed would turn into if it were ever rendered.
/// (Each holds a character that slugs never do, so no file name matches.)
const RENDERED_TEMPLATE: &[&str] = &["tera~ran", "tera~set", "2469134"];

/// A source of a test site, by name, company, kind and feed address.
struct Source<'a>(&'a str, &'a str, &'a str, String);

/// Writes the site's `sources.toml`, quoting every value as TOML requires.
fn write_config(site: &TestSite, sources: &[Source]) {
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let mut config = "[site]\ntitle = \"Engineering @ Scale\"\n\
                      base_url = \"https://digest.test/\"\ntimezone = \"UTC\"\n"
        .to_string();
    for Source(name, company, kind, feed) in sources {
        config.push_str(&format!(
            "\n[[source]]\nname = {}\ncompany = {}\nkind = \"{kind}\"\nfeed = {}\n",
            quote(name),
            quote(company),
            quote(feed)
        ));
    }
    std::fs::write(site.path().join("sources.toml"), config).unwrap();
}

/// An item and an edition as an editor might leave them, carrying what a
/// feed could not get past fetching: a link that is not on the web, and
/// raw HTML in the edition's markdown.
fn write_hand_edited_content(site: &TestSite) {
    let item = format!(
        "+++\nid = \"tag:hand,1\"\ntitle = \"<img src=x onerror=\\\"window.__pwned='hand-title'\\\"> Hand {{{{ 7*7 }}}}\"\n\
         url = \"javascript:window.__pwned='hand-url'\"\nsource = \"Hand <b>made</b>\"\n\
         company = \"Hand <script>window.__pwned='hand-company'</script>\"\n\
         published = {HAND_DAY}T10:00:00Z\nfirst_seen = {HAND_DAY}T10:00:00Z\n+++\n\n\
         Edge caching cut latency by 40% across 3,000 servers. <script>window.__pwned='hand-body'</script>\n"
    );
    let items = site.path().join("content/items/hand");
    std::fs::create_dir_all(&items).unwrap();
    std::fs::write(items.join(format!("{HAND_DAY}-hand.md")), item).unwrap();
    let edition = format!(
        "+++\ndate = {HAND_DAY}\nitems = [\"tag:hand,1\"]\n+++\n\n## Signal of the Day\n\n\
         ### [Hand](javascript:window.__pwned='edition-link') · Hand\n\n\
         <script>window.__pwned='edition-script'</script>\n\n\
         <img src=x onerror=\"window.__pwned='edition-img'\"> [data](data:text/html;base64,PHNjcmlwdD4=) \
         ![pixel](http://127.0.0.1:9/pixel.png) ![js](javascript:alert(1)) \
         <a href=\"JaVaScRiPt:window.__pwned='edition-case'\">case</a> \
         <abbr title=\"]]><script>window.__pwned='edition-cdata'</script>\">cdata</abbr>\n\n\
         <iframe src=\"javascript:alert(1)\"></iframe><svg onload=\"window.__pwned='edition-svg'\"></svg>\
         <style>body {{ background: url(http://127.0.0.1:9/bg.png) }}</style>\
         <meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.1:9/\"><base href=\"http://127.0.0.1:9/\">\n\n\
         <form action=\"http://127.0.0.1:9/\"><input name=q></form> {{{{ \"tera\" ~ \"~ran\" }}}}\n"
    );
    let issues = site.path().join("content/issues");
    std::fs::create_dir_all(&issues).unwrap();
    std::fs::write(issues.join(format!("{HAND_DAY}.md")), edition).unwrap();
}

/// Builds the hostile site: three hostile feeds, hostile names, hand-edited content.
fn hostile_site() -> TestSite {
    let server = FeedServer::start();
    let feeds = [
        ("/rss.xml", hostile::rss(DAY), "application/rss+xml"),
        ("/atom.xml", hostile::atom(DAY), "application/atom+xml"),
        (
            "/feed.json",
            hostile::json_feed(DAY),
            "application/feed+json",
        ),
    ];
    for (path, body, kind) in feeds {
        server.route(path, Reply::Feed(body.into_bytes(), kind));
    }
    let site = TestSite::new(&[]);
    write_config(
        &site,
        &[
            Source(
                "Hostile RSS <img src=x onerror=\"window.__pwned='source-name'\">",
                "Evil <script>window.__pwned='company-name'</script> {{ \"tera\" ~ \"~ran\" }} Co",
                "company",
                server.url("/rss.xml"),
            ),
            Source(
                "Hostile Atom \"quoted\" 'single' & </title>",
                "Atom & \"Co\" <b>bold</b>",
                "company",
                server.url("/atom.xml"),
            ),
            Source(
                "Hostile JSON {% raw %}",
                "Hostile JSON",
                "aggregator",
                server.url("/feed.json"),
            ),
        ],
    );
    write_hand_edited_content(&site);
    let log = site.digest_ok(&["build"]);
    assert!(
        !log.contains("WARN source"),
        "a hostile feed failed:\n{log}"
    );
    site
}

/// Every file below `dir`, relative to it, sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// The problems of one output file of the site, by its kind.
fn output_problems(path: &Path, text: &str) -> Vec<String> {
    let name = path.to_string_lossy();
    let mut problems = Vec::new();
    if name.ends_with(".html") {
        problems.extend(markup_problems(text));
    } else if name.ends_with(".xml") || name.ends_with(".opml") {
        for tag in xml_tag_names(text) {
            let known = FEED_VOCABULARY.contains(&tag.as_str());
            if !known {
                problems.push(format!("element <{tag}> in a feed or list"));
            }
        }
        for html in feed_html(text) {
            problems.extend(markup_problems(&html));
        }
    } else if name.ends_with(".json") {
        let feed: serde_json::Value = serde_json::from_str(text).unwrap();
        for item in feed["items"].as_array().unwrap() {
            problems.extend(markup_problems(item["content_html"].as_str().unwrap()));
        }
    }
    problems
}

/// The elements digest's feeds, lists and sitemap are made of.
const FEED_VOCABULARY: &[&str] = &[
    "rss",
    "channel",
    "title",
    "link",
    "description",
    "language",
    "lastBuildDate",
    "generator",
    "atom:link",
    "item",
    "guid",
    "pubDate",
    "category",
    "managingEditor",
    "feed",
    "id",
    "updated",
    "author",
    "name",
    "subtitle",
    "entry",
    "published",
    "summary",
    "content",
    "opml",
    "head",
    "ownerId",
    "docs",
    "body",
    "outline",
    "urlset",
    "url",
    "loc",
    "lastmod",
];

#[test]
fn hostile_feeds_leave_nothing_that_could_run_in_any_output() {
    let site = hostile_site();

    // Every hostile article was stored, and the edition of its day lists it
    // (two payloads swallow the rest of their title, whose articles then
    // share the title taken from their text, and are stored once a source).
    let stored = site.files("content/items").len();
    let expected = 3 * (hostile::payloads().len() - 1) + 1;
    assert_eq!(stored, expected, "items stored");
    let edition = site.read(&format!("public/editions/{DAY}.html"));
    for feed in ["report", "in Atom", "in JSON"] {
        let listed = edition.matches(&format!("Edge caching {feed}")).count();
        assert!(
            listed >= hostile::payloads().len() - 2,
            "{feed} in the edition"
        );
    }

    let public = site.path().join("public");
    let mut problems = Vec::new();
    for path in files_below(&public) {
        let text = std::fs::read_to_string(public.join(&path)).unwrap();
        for problem in output_problems(&path, &text) {
            problems.push(format!("{}: {problem}", path.display()));
        }
        for rendered in RENDERED_TEMPLATE {
            if text.contains(rendered) {
                problems.push(format!(
                    "{}: template text was run: {rendered}",
                    path.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn template_text_from_feeds_and_names_appears_as_written() {
    let site = hostile_site();
    let written = "{{ \"tera\" ~ \"~ran\" }}";
    let company = site
        .paths_ending("public/companies", ".html")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("evil-script"))
        .expect("the hostile company's page");
    let mut outputs = vec![
        format!("public/editions/{DAY}.html"),
        format!("public/editions/{DAY}.email.html"),
        format!("public/editions/{DAY}.txt"),
        "public/rss.xml".to_string(),
        "public/atom.xml".to_string(),
        "public/companies/index.html".to_string(),
        "public/sources/index.html".to_string(),
        company.to_string_lossy().to_string(),
        company.with_extension("xml").to_string_lossy().to_string(),
    ];
    outputs.push(format!("content/issues/{DAY}.md"));
    for output in outputs {
        let text = decode_entities(&decode_entities(&site.read(&output)));
        let text = text.replace(['\\'], "");
        assert!(text.contains(written), "{output} does not show {written}");
    }
    let feed: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    let html = feed["items"][0]["content_html"].as_str().unwrap();
    assert!(
        decode_entities(html).contains(written),
        "feed.json: {html:.300}"
    );
}

#[test]
fn a_stored_link_that_is_not_on_the_web_is_no_link() {
    let site = TestSite::new(&[]);
    write_config(&site, &[]);
    let item = "+++\nid = \"tag:x,1\"\ntitle = \"Click me\"\nurl = \"JaVaScRiPt:window.__pwned='stored-url'\"\n\
                source = \"X\"\ncompany = \"C\"\npublished = 2025-07-22T10:00:00Z\n\
                first_seen = 2025-07-22T10:00:00Z\n+++\n\nEdge caching cut latency by 40%.\n";
    std::fs::create_dir_all(site.path().join("content/items/x")).unwrap();
    std::fs::write(site.path().join("content/items/x/2025-07-22-a.md"), item).unwrap();
    site.digest_ok(&["build", "--offline"]);
    for (path, bytes) in site.files("public") {
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        assert!(!text.contains("javascript:"), "{}", path.display());
    }
    assert!(
        site.read("public/companies/c.html")
            .contains("<li>Click me")
    );
}

#[test]
fn markup_that_puzzles_the_html_parser_adds_no_line_to_the_log() {
    let server = FeedServer::start();
    let content = "<table><img src=x><b>misplaced</b><p>text</table>"
        .repeat(50)
        .replace('&', "&amp;")
        .replace('<', "&lt;");
    let rss = format!(
        "<rss version=\"2.0\"><channel><title>T</title><item><title>Tables</title>\
         <link>https://t.example/a</link><description>{content}</description></item></channel></rss>"
    );
    server.route(
        "/feed.xml",
        Reply::Feed(rss.into_bytes(), "application/rss+xml"),
    );
    let site = TestSite::new(&[TestSource::new("Tables", server.url("/feed.xml"))]);
    let log = site.digest_ok(&["fetch"]);
    assert!(!log.contains("WARN"), "{log}");
    assert_eq!(site.files("content/items").len(), 1);
}

#[test]
fn a_name_in_a_feed_description_stays_text_for_readers_that_read_html() {
    let site = TestSite::new(&[]);
    write_config(&site, &[]);
    let item = "+++\nid = \"tag:x,1\"\ntitle = \"A\"\nurl = \"https://x.example/a\"\n\
                source = \"X\"\ncompany = \"Evil <script>window.__pwned=1</script> & Co\"\n\
                published = 2025-07-22T10:00:00Z\nfirst_seen = 2025-07-22T10:00:00Z\n+++\n\nText.\n";
    std::fs::create_dir_all(site.path().join("content/items/x")).unwrap();
    std::fs::write(site.path().join("content/items/x/2025-07-22-a.md"), item).unwrap();
    site.digest_ok(&["render"]);
    let xml = site.read("public/companies/evil-script-window-pwned-1-script-co.xml");
    let start = xml.find("<description>").unwrap() + "<description>".len();
    let end = start + xml[start..].find("</description>").unwrap();
    // What a reader gets once it has read the XML, and then reads as HTML.
    let html = xml[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert!(
        html.contains("Evil &lt;script&gt;window.__pwned=1&lt;/script&gt; &amp; Co"),
        "{html}"
    );
}

#[test]
fn a_redirect_off_the_web_is_refused() {
    let server = FeedServer::start();
    let locations = [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        " file:///etc/passwd",
        "ftp://127.0.0.1/feed.xml",
        "data:application/rss+xml,<rss version=\"2.0\"><channel></channel></rss>",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
        "ws://127.0.0.1:9/feed",
        "about:blank",
    ];
    let mut sources = vec![TestSource::new(
        "Healthy",
        server.serve_fixture("sources/microsoft-ai-blogs.xml"),
    )];
    let names: Vec<String> = (0..locations.len())
        .map(|i| format!("Redirect {i}"))
        .collect();
    for (i, location) in locations.iter().enumerate() {
        let path = format!("/redirect-{i}.xml");
        server.route(
            &path,
            Reply::Full(302, vec![("Location", location.to_string())], Vec::new()),
        );
        sources.push(TestSource::new(&names[i], server.url(&path)));
    }
    let site = TestSite::new(&sources);
    let log = site.digest_ok(&["fetch"]);
    for (i, location) in locations.iter().enumerate() {
        let warning = log
            .lines()
            .find(|l| l.contains(&format!("source \"Redirect {i}\"")))
            .unwrap_or_else(|| panic!("no warning for {location}:\n{log}"));
        assert!(
            warning.contains("only http and https are fetched"),
            "{location}: {warning}"
        );
    }
    assert_eq!(site.files("content/items").len(), 10, "{log}");
}

/// Runs the Chromium checker on `public`; returns whether it passed, and its report.
fn check_in_chromium(public: &Path, artifacts: &Path) -> (bool, String) {
    let output = Command::new("node")
        .arg(tools_dir().join("check-hostile.mjs"))
        .arg(public)
        .arg(artifacts)
        .output()
        .expect("run node");
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    let errors = String::from_utf8_lossy(&output.stderr);
    std::fs::write(artifacts.join("report.jsonl"), report.as_bytes()).unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "the checker itself failed:\n{report}{errors}"
    );
    (output.status.success(), report)
}

/// The checker's closing line: documents, fragments and failures.
fn summary(report: &str) -> serde_json::Value {
    let last = report.lines().last().expect("a report");
    serde_json::from_str::<serde_json::Value>(last).unwrap()["summary"].clone()
}

#[test]
fn no_script_runs_on_any_page_email_or_feed_in_chromium() {
    require_browser();
    let site = hostile_site();
    let artifacts = artifacts_dir("hostile");
    let (passed, report) = check_in_chromium(&site.path().join("public"), &artifacts);
    let failures: Vec<&str> = report
        .lines()
        .filter(|l| !l.contains("\"problems\":[]") && !l.contains("summary"))
        .collect();
    assert!(
        passed,
        "Chromium saw hostile markup at work:\n{}",
        failures.join("\n")
    );
    let summary = summary(&report);
    let pages = files_below(&site.path().join("public")).len() as u64;
    assert!(
        summary["documents"].as_u64() >= Some(pages - 2),
        "{summary}"
    );
    // Every entry of the three edition feeds and of each company feed.
    assert!(summary["fragments"].as_u64() > Some(20), "{summary}");
}

#[test]
fn pages_about_hostile_names_fit_the_screen_in_chromium() {
    require_browser();
    let site = hostile_site();
    let artifacts = artifacts_dir("hostile-layout");
    let company = site
        .paths_ending("public/companies", ".html")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("evil-script"))
        .expect("the hostile company's page");
    let company = company
        .strip_prefix("public")
        .unwrap()
        .to_string_lossy()
        .to_string();
    let output = Command::new("node")
        .arg(tools_dir().join("check-pages.mjs"))
        .arg(site.path().join("public"))
        .arg(&artifacts)
        .args([
            "sources/index.html",
            "companies/index.html",
            &format!("editions/{DAY}.html"),
        ])
        .arg(&company)
        .output()
        .expect("run node");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Chromium found problems:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_chromium_checker_sees_every_kind_of_problem() {
    require_browser();
    let dir = tempfile::tempdir().unwrap();
    let page = |body: &str| {
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>{body}</body></html>"
        )
    };
    let poisoned = [
        ("clean.html", page("<p>Nothing here.</p>"), None),
        ("marker.html", page("<img src=x onerror=\"window.__pwned='m'\">"), Some("window.__pwned was set")),
        ("dialog.html", page("<details open ontoggle=\"alert(1)\">d</details>"), Some("dialog alert")),
        ("handler.html", page("<div onmouseover=\"x()\">never fired</div>"), Some("has onmouseover")),
        ("href.html", page("<a href=\"javascript:void(0)\">x</a>"), Some("href=\\\"javascript:void(0)")),
        ("request.html", page("<img src=\"http://127.0.0.1:9/p.gif\">"), Some("request to another origin")),
        ("refresh.html", page("<meta http-equiv=\"refresh\" content=\"0;url=about:blank\">"), Some("navigated to about:blank")),
        ("style.html", page("<style>p { color: red }</style>"), Some("style element in the body")),
        (
            "feed.xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>i</title>\
             <description>&lt;svg onload=\"window.__pwned=1\"&gt;&lt;/svg&gt;</description></item>\
             <x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">window.__pwned='xml'</x:script></channel></rss>"
                .to_string(),
            Some("<script> element"),
        ),
    ];
    for (name, text, _) in &poisoned {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let artifacts = artifacts_dir("hostile-checker");
    let (passed, report) = check_in_chromium(dir.path(), &artifacts);
    assert!(!passed, "{report}");
    for (name, _, expected) in &poisoned {
        let line = report
            .lines()
            .find(|l| l.contains(&format!("\"document\":\"{name}\"")))
            .unwrap_or_else(|| panic!("{name} was not checked:\n{report}"));
        match expected {
            None => assert!(line.contains("\"problems\":[]"), "{line}"),
            Some(problem) => assert!(line.contains(problem), "{name}: {line}"),
        }
    }
    let fragment = report
        .lines()
        .find(|l| l.contains("feed.xml entry 1"))
        .expect("the feed's entry checked on its own");
    assert!(fragment.contains("has onload"), "{fragment}");
}
