//! Hostile feeds stay harmless: what a feed, or a content file edited by
//! hand, says can run nothing, load nothing and lead nowhere but the web in
//! any page, email or feed that digest writes.

mod common;

use common::{FeedServer, Reply, TestSite, TestSource};

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
