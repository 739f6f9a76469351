//! The editorial engine on real feed text: sentences split where a reader
//! would split them, platform boilerplate dropped, aggregator articles
//! credited to the company they are about, and the Signal score preferring
//! concrete outcomes. Every article here comes from a saved feed.

mod common;

use std::path::Path;

use chrono::DateTime;
use digest::company::Companies;
use digest::compose::analysis::Article;
use digest::compose::corpus::Vector;
use digest::compose::signal::Features;
use digest::config::Config;
use digest::fetch::normalize::Normalizer;
use digest::fetch::parse;
use digest::item::Item;
use digest::text;
use url::Url;

/// The items of a saved feed, as `digest fetch` stores them.
fn items(fixture: &str, company: &str, kind: &str) -> Vec<Item> {
    let config_text = format!(
        "[site]\ntitle = \"T\"\nbase_url = \"https://digest.test/\"\n\n[[source]]\nname = \"S\"\n\
         company = \"{company}\"\nkind = \"{kind}\"\nfeed = \"https://feeds.example/{fixture}\"\n"
    );
    let config = Config::parse(&config_text, Path::new("sources.toml")).unwrap();
    let companies = Companies::new(&config);
    let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let normalizer = Normalizer {
        source: &config.sources[0],
        companies: &companies,
        now,
    };
    let parsed = parse::parse(&common::fixture(fixture), None).unwrap();
    normalizer.items(&parsed, &Url::parse("https://feeds.example/feed").unwrap())
}

fn titled<'a>(items: &'a [Item], title: &str) -> &'a Item {
    items
        .iter()
        .find(|i| i.meta.title.starts_with(title))
        .unwrap_or_else(|| panic!("no item {title:?}"))
}

#[test]
fn real_paragraphs_split_into_the_sentences_a_reader_sees() {
    let cloudflare = items("sources/cloudflare.xml", "Cloudflare", "company");
    let article = titled(&cloudflare, "How Cloudflare helps next-generation markets");
    // The translation notice Cloudflare puts atop its posts is not a sentence of the post.
    assert!(article.body.contains("This post is also available in"));
    let paragraphs = text::paragraphs(&article.body);
    let first = text::sentences(&paragraphs[0]);
    assert_eq!(
        first,
        vec![
            "One of the many magical things about the Internet is that it doesn’t have a country.",
            "The Internet doesn’t go through customs, it doesn’t need a visa, and it doesn’t speak any one language.",
            "To reach the world’s greatest information innovation, a user – no matter what country they’re in – only needs a device with a connection.",
            "The Internet will take care of the rest.",
            "At Cloudflare, part of our role is to make sure every person on the planet with an Internet connection has a good experience, whether they’re in a next-generation market or a current-gen market.",
            "In this blog we’re going to talk about how we define next-generation markets, how we help people in these markets get faster access to the websites and applications they use on a daily basis, and how we make it easy for developers to deploy services geographically close to users in next-generation markets."
        ]
    );
    // Version numbers, decimals and abbreviations stay inside their sentence.
    let openai = items("sources/openai-blog.xml", "OpenAI", "company");
    let paragraphs = text::paragraphs(&titled(&openai, "Stargate advances").body);
    let flash = text::sentences(&paragraphs[0]);
    assert_eq!(
        flash[0],
        "Oracle and OpenAI have entered an agreement to develop 4.5 gigawatts of additional Stargate data center capacity in the U.S."
    );
    assert_eq!(flash.len(), 3, "{flash:?}");
}

#[test]
fn platform_boilerplate_never_reaches_a_sentence() {
    let microsoft = items("sources/microsoft-ai-blogs.xml", "Microsoft", "company");
    assert!(
        microsoft
            .iter()
            .any(|i| i.body.contains("appeared first on")),
        "the feed does carry it"
    );
    for item in &microsoft {
        for paragraph in text::paragraphs(&item.body) {
            assert!(!paragraph.contains("appeared first on"), "{paragraph}");
        }
        let article = Article::read(item);
        assert!(
            article
                .sentences
                .iter()
                .all(|s| !text::is_boilerplate(&s.text))
        );
    }
}

#[test]
fn aggregator_articles_are_credited_to_the_company_they_are_about() {
    let infoq = items("feeds/infoq-2013.xml", "InfoQ", "aggregator");
    assert_eq!(
        titled(&infoq, "Google Releases Dart 1.0").meta.company,
        "Google"
    );
    assert_eq!(
        titled(&infoq, "Oracle Releases Videos").meta.company,
        "Oracle"
    );
    assert_eq!(
        titled(&infoq, "Presentation: Practicing Joy").meta.company,
        "InfoQ"
    );
}

#[test]
fn the_signal_score_prefers_concrete_outcomes() {
    let openai = items("sources/openai-blog.xml", "OpenAI", "company");
    let microsoft = items("sources/microsoft-ai-blogs.xml", "Microsoft", "company");
    let stargate = Article::read(titled(&openai, "Stargate advances"));
    let chart = Article::read(titled(&microsoft, "Visualize with Copilot"));
    let none = Vector::default();
    let a = Features::measure(&stargate, &none, &[], vec![], false);
    let b = Features::measure(&chart, &none, &[], vec![], false);
    assert!(a.figures.contains(&"4.5 GW".to_string()), "{:?}", a.figures);
    assert!(
        a.score() > b.score(),
        "Stargate {a:?} against the chart feature {b:?}"
    );
}
