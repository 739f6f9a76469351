//! Text for the editorial engine: an article's markdown reduced to clean
//! paragraphs, split into sentences, and cut into stemmed terms.
//!
//! Code blocks, tables, images, raw HTML and headings are not prose and are
//! left out; so are the paragraphs that feeds and blog platforms add around
//! an article ("The post … appeared first on …", "Continue reading", share
//! and subscribe lines, captions).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// All the text of a markdown document, as one line of plain text: what a
/// reader sees, without markup, links' addresses or images.
pub fn plain(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The prose paragraphs of a markdown document, as plain text.
pub fn paragraphs(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut skip_depth = 0usize;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(
                Tag::CodeBlock(_) | Tag::Table(_) | Tag::Image { .. } | Tag::Heading { .. },
            )
            | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Table | TagEnd::Image | TagEnd::Heading(_))
            | Event::End(TagEnd::HtmlBlock) => skip_depth = skip_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if skip_depth == 0 => current.push_str(&text),
            Event::SoftBreak if skip_depth == 0 => current.push(' '),
            // A line break often separates a title-like line from its text.
            Event::HardBreak if skip_depth == 0 => push_paragraph(&mut found, &mut current),
            Event::End(TagEnd::Paragraph | TagEnd::BlockQuote(_)) => {
                push_paragraph(&mut found, &mut current)
            }
            // List items are kept only when they are whole sentences, not bullets.
            Event::End(TagEnd::Item) => {
                if is_whole_sentence(current.trim()) && word_count(&current) >= 10 {
                    push_paragraph(&mut found, &mut current);
                } else {
                    current.clear();
                }
            }
            _ => {}
        }
    }
    push_paragraph(&mut found, &mut current);
    found
}

fn push_paragraph(found: &mut Vec<String>, current: &mut String) {
    let text = unglue(&current.split_whitespace().collect::<Vec<_>>().join(" "));
    current.clear();
    let text = strip_trailing_marks(&text);
    if !text.is_empty() && !is_boilerplate(&text) {
        found.push(text);
    }
}

/// Puts back the space that a feed lost between two sentences, as in
/// "hosted by Google Cloud.Held in November": a lowercase letter, a full
/// stop, question or exclamation mark, then a capital and a lowercase letter.
fn unglue(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let glued = matches!(c, '.' | '?' | '!')
            && i > 0
            && chars[i - 1].is_lowercase()
            && chars.get(i + 1).is_some_and(|n| n.is_uppercase())
            && chars.get(i + 2).is_some_and(|n| n.is_lowercase());
        if glued {
            out.push(' ');
        }
    }
    out
}

/// Removes the "[…]" and "Read more" that teasers end with.
fn strip_trailing_marks(text: &str) -> String {
    let mut text = text.trim();
    loop {
        let before = text;
        for mark in [
            "[…]",
            "[...]",
            "[&#8230;]",
            "Read more",
            "Continue reading",
            "→",
            "»",
        ] {
            text = text.strip_suffix(mark).unwrap_or(text).trim_end();
        }
        if text == before {
            return text.to_string();
        }
    }
}

/// `text` without the line a blog platform ends it with ("The post …
/// appeared first on …").
pub fn without_platform_line(text: &str) -> &str {
    let cut = text
        .find("The post ")
        .filter(|&at| text[at..].contains(" appeared first on "));
    text[..cut.unwrap_or(text.len())].trim()
}

/// Paragraphs that a platform adds around an article rather than its author.
pub fn is_boilerplate(paragraph: &str) -> bool {
    let lower = paragraph.to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    (lower.starts_with("the post ") && lower.contains(" appeared first on "))
        || lower.contains("originally published")
        || starts(&[
            "continue reading",
            "read more",
            "read the full",
            "share this",
            "share on",
            "follow us",
            "subscribe to",
            "sign up for",
            "image:",
            "image credit",
            "photo:",
            "photo by",
            "source:",
            "figure ",
            "fig.",
            "caption:",
            "tags:",
            "related:",
            "this article is part of",
            "this post is part of",
            "this post is also available in",
            "this article is also available in",
            "this blog post is also available in",
        ])
}

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "jr", "sr",
    "st", "no", "fig", "figs", "approx", "est", "dept", "u.s", "u.k", "a.m", "p.m", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "al", "cf", "ca", "vol",
    "ver", "v", "mt", "ft", "op", "ph.d", "sec", "gen", "rev", "resp", "ibid",
];

/// Splits a paragraph into sentences. A sentence ends at `.`, `!`, `?` or
/// `…` (with any closing quotes or brackets) followed by a space and a
/// capital, a digit or an opening quote, except after an abbreviation or an
/// initial. Decimals, versions and URLs have no space after their dots and
/// stay whole.
pub fn sentences(paragraph: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut end = i + 1;
            while end < chars.len()
                && matches!(
                    chars[end].1,
                    '"' | '\'' | '”' | '’' | ')' | ']' | '.' | '!' | '?'
                )
            {
                end += 1;
            }
            let next_word = chars[end..]
                .iter()
                .skip_while(|(_, c)| c.is_whitespace())
                .map(|(_, c)| *c)
                .next();
            let spaced = end < chars.len() && chars[end].1.is_whitespace();
            let opens_sentence = next_word.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '(' | '[')
            });
            let after = &paragraph[chars.get(end).map_or(paragraph.len(), |(b, _)| *b)..];
            let abbreviated = c == '.'
                && ends_with_abbreviation(&paragraph[start..at])
                && !(ends_with_closing_abbreviation(&paragraph[start..at])
                    && starts_sentence(after));
            if spaced && opens_sentence && !abbreviated {
                let stop = chars.get(end).map_or(paragraph.len(), |(b, _)| *b);
                push_sentence(&mut found, &paragraph[start..stop]);
                start = stop;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    push_sentence(&mut found, &paragraph[start..]);
    found
}

fn push_sentence<'a>(found: &mut Vec<&'a str>, text: &'a str) {
    let text = text.trim();
    if !text.is_empty() {
        found.push(text);
    }
}

/// Whether the text before a period ends in an abbreviation or an initial.
fn ends_with_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let word = word.trim_start_matches(['"', '“', '\'']);
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        || (lower.contains('.') && lower.len() <= 6 && !lower.contains(".."))
}

/// Whether the text ends in an abbreviation that may also end a sentence
/// ("in the U.S.", "Acme Inc."), unlike a title before a name ("Dr.").
fn ends_with_closing_abbreviation(before: &str) -> bool {
    const TITLES: [&str; 10] = [
        "mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "rev", "jr",
    ];
    let word = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    word.chars().count() > 1 && !TITLES.contains(&word.as_str())
}

/// Whether the text starts with a word that usually opens a sentence.
fn starts_sentence(after: &str) -> bool {
    const OPENERS: [&str; 24] = [
        "This", "The", "These", "That", "Those", "It", "Its", "We", "Our", "In", "They", "Their",
        "He", "She", "A", "An", "But", "And", "However", "So", "Today", "Now", "When", "As",
    ];
    let word = after
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    OPENERS.contains(&word)
}

/// Whether a sentence reads as a whole sentence: long enough, ended, not a fragment.
pub fn is_whole_sentence(sentence: &str) -> bool {
    let words = sentence.split_whitespace().count();
    let first = sentence.chars().next().unwrap_or(' ');
    let ends = sentence
        .trim_end_matches(['"', '\'', '”', '’', ')', ']'])
        .ends_with(['.', '!', '?']);
    let letters = sentence.chars().filter(|c| c.is_alphabetic()).count();
    (5..=70).contains(&words)
        && ends
        && !first.is_lowercase()
        && letters * 2 > sentence.len()
        && !sentence.ends_with("...")
        && !sentence.ends_with('…')
}

/// Sentences that ask the reader to do something rather than say something:
/// "Learn more about…", "Sign up for…", "Read the full post…".
pub fn is_call_to_action(sentence: &str) -> bool {
    const OPENINGS: [&str; 16] = [
        "learn more",
        "find out",
        "read more",
        "read the",
        "click",
        "sign up",
        "join us",
        "register",
        "watch",
        "check out",
        "try it",
        "download",
        "subscribe",
        "follow us",
        "visit",
        "get started",
    ];
    let lower = sentence.trim_start_matches(['"', '“', '(']).to_lowercase();
    OPENINGS.iter().any(|o| lower.starts_with(o))
}

/// "1 edition", "2 editions": a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Counts words as a reader would.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Words of prose in a markdown document: its paragraphs, without code,
/// headings, tables or the lines platforms add around an article.
pub fn prose_words(markdown: &str) -> usize {
    paragraphs(markdown).iter().map(|p| word_count(p)).sum()
}

/// English function words and the words every blog post uses, which say
/// nothing about what a post is about.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "like",
    "made",
    "make",
    "makes",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "same",
    "see",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "use",
    "used",
    "uses",
    "using",
    "very",
    "via",
    "was",
    "way",
    "ways",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "today",
    "announce",
    "announced",
    "announcing",
    "introducing",
    "introduce",
    "blog",
    "post",
    "posts",
    "read",
    "learn",
    "help",
    "helps",
    "team",
    "teams",
    "work",
    "year",
    "years",
    "time",
    "first",
    "part",
    "take",
    "look",
    "need",
    "want",
    "know",
    "week",
    "day",
    "days",
    "s",
    "t",
    "re",
    "ve",
    "ll",
    "d",
    "don",
    "can't",
    "won",
    "www",
    "http",
    "https",
    "com",
    "html",
    "amp",
    "nbsp",
    "available",
    "across",
    "around",
    "able",
    "based",
    "including",
    "still",
    "lot",
    "lots",
    "thing",
    "things",
    "really",
    "good",
    "great",
    "better",
    "best",
    "going",
    "come",
    "comes",
];

/// Whether `word` (lowercase) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(word)
}

/// The English stem of a lowercase word.
pub fn stem(word: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(word)
        .into_owned()
}

/// A word of a text: its surface form and its stem, `None` for a stop word.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The word as written.
    pub surface: String,
    /// Its stem, if it carries meaning.
    pub stem: Option<String>,
}

/// The words of `text` in order, with stems for the words that carry meaning.
pub fn tokens(text: &str) -> Vec<Token> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(|word| {
            let lower = word.to_lowercase().replace('’', "'");
            let lower = lower.strip_suffix("'s").unwrap_or(&lower).to_string();
            let meaningful = lower.chars().count() >= 2
                && !is_stop_word(&lower)
                && lower.chars().any(|c| c.is_alphabetic());
            Token {
                surface: word.to_string(),
                stem: meaningful.then(|| stem(&lower)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_survive_abbreviations_versions_and_decimals() {
        let text = "Go 1.21 shipped e.g. faster builds. Latency fell 3.5% in the U.S. market! \
                    See https://example.com/a.b for details. Dr. Smith agreed. J. R. Hacker did too.";
        assert_eq!(
            sentences(text),
            vec![
                "Go 1.21 shipped e.g. faster builds.",
                "Latency fell 3.5% in the U.S. market!",
                "See https://example.com/a.b for details.",
                "Dr. Smith agreed.",
                "J. R. Hacker did too."
            ]
        );
    }

    #[test]
    fn an_abbreviation_can_end_a_sentence() {
        assert_eq!(
            sentences(
                "Capacity grows in the U.S. This investment creates jobs. Ask Dr. Smith. Acme Inc. The rest follows."
            ),
            vec![
                "Capacity grows in the U.S.",
                "This investment creates jobs.",
                "Ask Dr. Smith.",
                "Acme Inc.",
                "The rest follows."
            ]
        );
    }

    #[test]
    fn quotes_close_with_their_sentence() {
        assert_eq!(
            sentences("He said “it works.” Then he left."),
            vec!["He said “it works.”", "Then he left."]
        );
    }

    #[test]
    fn platform_boilerplate_is_dropped() {
        let markdown = "We moved 12,000 dbt models to a governed mesh.\n\n\
                        The post [Data mesh](https://x) appeared first on Example Blog.\n\n\
                        ```\nlet code = 1;\n```\n\n## A heading\n\nContinue reading";
        assert_eq!(
            paragraphs(markdown),
            vec!["We moved 12,000 dbt models to a governed mesh."]
        );
    }

    #[test]
    fn bullets_and_broken_lines_do_not_make_sentences() {
        let markdown = "- Key Pair management: create and delete key pairs.\n\
                        - We moved every service to the new scheduler and cut the bill by a third.\n\n\
                        **Payments at Dropbox**  \nThe Payments Platform manages billing.";
        assert_eq!(
            paragraphs(markdown),
            vec![
                "We moved every service to the new scheduler and cut the bill by a third.",
                "Payments at Dropbox",
                "The Payments Platform manages billing."
            ]
        );
    }

    #[test]
    fn glued_sentences_are_parted() {
        assert_eq!(
            paragraphs(
                "Hosted by Google Cloud.Held in November. Ask anything in Search?In the latest episode."
            ),
            vec![
                "Hosted by Google Cloud. Held in November. Ask anything in Search? In the latest episode."
            ]
        );
        assert_eq!(
            paragraphs("Built on ASP.NET and e.g. Node.js."),
            vec!["Built on ASP.NET and e.g. Node.js."]
        );
    }

    #[test]
    fn teaser_marks_are_removed() {
        assert_eq!(
            paragraphs("Our new cache cuts latency in half. […]"),
            vec!["Our new cache cuts latency in half."]
        );
    }

    #[test]
    fn whole_sentences_are_told_from_fragments() {
        assert!(is_whole_sentence(
            "Monzo cut its warehouse costs by about 40 percent."
        ));
        assert!(!is_whole_sentence(
            "and then more of the same thing happened."
        ));
        assert!(!is_whole_sentence("Too short."));
        assert!(!is_whole_sentence(
            "We built a system that handles millions of…"
        ));
    }

    #[test]
    fn tokens_are_stemmed_without_stop_words() {
        let stems: Vec<String> = tokens("The agents are scaling Netflix's data-mesh")
            .into_iter()
            .filter_map(|t| t.stem)
            .collect();
        assert_eq!(stems, vec!["agent", "scale", "netflix", "data-mesh"]);
    }
}
