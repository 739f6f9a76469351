//! Writing one day's edition: choosing the Signal of the Day, the Deep
//! Dives and the Patterns Across Companies, and putting them in markdown.
//!
//! Every item of the day appears exactly once: as the Signal (with its
//! summary and why it matters), as a Deep Dive, or in "Also published".

use std::collections::BTreeSet;
use std::fmt::Write;

use super::analysis::Article;
use super::corpus::{Corpus, Vector};
use super::patterns::{self, Pattern};
use super::signal::{self, Features};
use super::summary;

/// Most Deep Dives from one company in one edition.
const PER_COMPANY: usize = 2;

/// What the engine needs to write one day.
pub struct Day<'a> {
    /// The day's articles, in the order they were published.
    pub articles: Vec<&'a Article>,
    /// For late articles (published before a day that already had its
    /// edition), the date they were published.
    pub late: Vec<Option<String>>,
    /// Term statistics of the surrounding weeks.
    pub corpus: &'a Corpus,
    /// Articles of the previous two weeks, with their vectors.
    pub recent: Vec<(&'a Article, Vector)>,
    /// Stems that are never a theme: company and source names.
    pub excluded: &'a BTreeSet<String>,
    /// Most Deep Dives, beside the Signal.
    pub deep_dives: usize,
}

/// A candidate for the Signal, with its features.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into the day's articles.
    pub index: usize,
    /// What was measured.
    pub features: Features,
}

/// A written edition body and the choices behind it.
pub struct Draft {
    /// The Signal's item id.
    pub signal: Option<String>,
    /// Every item id of the edition, in the order they appear.
    pub items: Vec<String>,
    /// The markdown body.
    pub body: String,
    /// Every candidate, best first.
    pub candidates: Vec<Candidate>,
    /// The themes found.
    pub patterns: Vec<Pattern>,
}

/// Chooses and writes the sections of one day.
pub fn write(day: &Day) -> Draft {
    let vectors: Vec<Vector> = day
        .articles
        .iter()
        .map(|a| day.corpus.vector(&a.terms))
        .collect();
    let patterns = patterns::find(&day.articles, &vectors, day.corpus, day.excluded);
    let mut candidates: Vec<Candidate> = day
        .articles
        .iter()
        .enumerate()
        .map(|(index, article)| {
            let support = supporting_companies(index, article, &patterns, &day.articles);
            Candidate {
                index,
                features: Features::measure(article, &vectors[index], &day.recent, support),
            }
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.features
            .score()
            .total_cmp(&a.features.score())
            .then(a.index.cmp(&b.index))
    });

    let with_text = |c: &&Candidate| day.articles[c.index].has_text();
    let signal = candidates.iter().find(with_text).map(|c| c.index);
    let mut dives: Vec<usize> = Vec::new();
    for candidate in candidates.iter().filter(with_text) {
        let company = &day.articles[candidate.index].company;
        let from_company = dives
            .iter()
            .filter(|&&d| &day.articles[d].company == company)
            .count();
        let is_signal = Some(candidate.index) == signal;
        if !is_signal && dives.len() < day.deep_dives && from_company < PER_COMPANY {
            dives.push(candidate.index);
        }
    }
    let also: Vec<usize> = (0..day.articles.len())
        .filter(|i| Some(*i) != signal && !dives.contains(i))
        .collect();

    let mut body = String::new();
    if let Some(index) = signal {
        write_signal(&mut body, day, index, &candidates);
    }
    write_deep_dives(&mut body, day, &dives);
    write_also_published(&mut body, day, &also);
    write_patterns(&mut body, day, &patterns);
    write_sources(&mut body, day);

    let order = signal
        .into_iter()
        .chain(dives.iter().copied())
        .chain(also.iter().copied());
    Draft {
        signal: signal.map(|i| day.articles[i].id.clone()),
        items: order.map(|i| day.articles[i].id.clone()).collect(),
        body,
        candidates,
        patterns,
    }
}

/// The other companies that share a theme with an article.
fn supporting_companies(
    index: usize,
    article: &Article,
    patterns: &[Pattern],
    articles: &[&Article],
) -> Vec<String> {
    let mut companies: Vec<String> = Vec::new();
    for pattern in patterns.iter().filter(|p| p.members.contains(&index)) {
        for &member in &pattern.members {
            let company = &articles[member].company;
            if company != &article.company && !companies.contains(company) {
                companies.push(company.clone());
            }
        }
    }
    companies
}

fn write_signal(body: &mut String, day: &Day, index: usize, candidates: &[Candidate]) {
    let article = day.articles[index];
    let chosen = summary::choose(article, day.corpus, summary::MAX_WORDS);
    let what: Vec<&str> = chosen
        .iter()
        .map(|&i| article.sentences[i].text.as_str())
        .collect();
    let why = signal::why_it_matters(article, &chosen)
        .map(|i| escape(&article.sentences[i].text))
        .unwrap_or_else(|| {
            let features = &candidates
                .iter()
                .find(|c| c.index == index)
                .expect("candidate")
                .features;
            reasons(features)
        });
    let _ = writeln!(body, "## Signal of the Day\n");
    let _ = writeln!(
        body,
        "### {} · {}\n",
        link(&article.title, &article.url),
        escape(&article.company)
    );
    let _ = writeln!(body, "{}\n", escape(&what.join(" ")));
    let _ = writeln!(body, "**Why it matters:** {why}\n");
}

/// Why the Signal was chosen, from its features, when the article has no
/// sentence that says why it matters.
fn reasons(features: &Features) -> String {
    let mut reasons: Vec<String> = Vec::new();
    if !features.figures.is_empty() {
        let figures: Vec<&str> = features
            .figures
            .iter()
            .take(3)
            .map(String::as_str)
            .collect();
        reasons.push(format!(
            "it reports concrete results ({})",
            figures.join(", ")
        ));
    }
    if !features.support.is_empty() {
        reasons.push(format!(
            "{} wrote on the same theme today",
            and_list(&features.support)
        ));
    }
    if features.novelty > 0.8 {
        reasons.push("nothing like it appeared in the previous two weeks".into());
    }
    if reasons.is_empty() {
        reasons.push("it is the most substantial article of the day".into());
    }
    let mut text = escape(&format!("Chosen because {}.", and_list(&reasons)));
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

fn write_deep_dives(body: &mut String, day: &Day, dives: &[usize]) {
    if dives.is_empty() {
        return;
    }
    let _ = writeln!(body, "## Deep Dives\n");
    for &index in dives {
        let article = day.articles[index];
        let paragraph = summary::paragraph(article, day.corpus).unwrap_or_default();
        let _ = writeln!(
            body,
            "### {} · {}\n",
            link(&article.title, &article.url),
            escape(&article.company)
        );
        let _ = writeln!(body, "{}{}\n", escape(&paragraph), late_note(day, index));
    }
}

fn write_also_published(body: &mut String, day: &Day, also: &[usize]) {
    if also.is_empty() {
        return;
    }
    let _ = writeln!(body, "## Also Published\n");
    for &index in also {
        let article = day.articles[index];
        let _ = writeln!(
            body,
            "- {} · {}{}",
            link(&article.title, &article.url),
            escape(&article.company),
            late_note(day, index)
        );
    }
    body.push('\n');
}

fn late_note(day: &Day, index: usize) -> String {
    match &day.late[index] {
        Some(date) => format!(" (published {date}, found later)"),
        None => String::new(),
    }
}

fn write_patterns(body: &mut String, day: &Day, patterns: &[Pattern]) {
    if patterns.is_empty() {
        return;
    }
    let _ = writeln!(body, "## Patterns Across Companies\n");
    for pattern in patterns {
        let _ = writeln!(
            body,
            "### {} · {}\n",
            escape(&capitalise(&pattern.label)),
            escape(&pattern.companies.join(", "))
        );
        let mentions: Vec<String> = pattern
            .companies
            .iter()
            .map(|company| {
                let titles: Vec<String> = pattern
                    .members
                    .iter()
                    .map(|&m| day.articles[m])
                    .filter(|a| &a.company == company)
                    .map(|a| link(&format!("“{}”", a.title), &a.url))
                    .collect();
                format!("{} in {}", escape(company), and_list(&titles))
            })
            .collect();
        let verb = if pattern.companies.len() == 2 {
            "both"
        } else {
            "all"
        };
        let _ = writeln!(
            body,
            "{} {verb} wrote about {} today: {}.\n",
            escape(&and_list(&pattern.companies)),
            escape(&pattern.label),
            and_list(&mentions)
        );
    }
}

fn write_sources(body: &mut String, day: &Day) {
    let sources: BTreeSet<&str> = day.articles.iter().map(|a| a.source.as_str()).collect();
    let _ = writeln!(body, "## Sources\n");
    for source in sources {
        let _ = writeln!(body, "- {}", escape(source));
    }
}

/// "A", "A and B", "A, B and C".
fn and_list<S: AsRef<str>>(parts: &[S]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A markdown link whose text is escaped and whose address is kept whole.
fn link(text: &str, url: &str) -> String {
    if url.is_empty() {
        return escape(text);
    }
    let url = url.replace(['<', '>', '\n', ' '], "");
    format!("[{}](<{url}>)", escape(text))
}

/// Escapes text so that markdown shows it as written: no emphasis, links,
/// HTML, code or list markers come from a feed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '&'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // A line must not start like a list item.
    if out.starts_with(['-', '+']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_renders_as_written() {
        let text = "<script>alert(1)</script> *bold* [x](y) {{ tera }} & 1. item";
        let escaped = escape(text);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&escaped));
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; *bold* [x](y) {{ tera }} &amp; 1. item</p>\n"
        );
        let mut list = String::new();
        pulldown_cmark::html::push_html(
            &mut list,
            pulldown_cmark::Parser::new(&escape("1. Not a list")),
        );
        assert_eq!(list, "<p>1. Not a list</p>\n");
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["OpenAI"]), "OpenAI");
        assert_eq!(and_list(&["OpenAI", "Google"]), "OpenAI and Google");
        assert_eq!(
            and_list(&["OpenAI", "Google", "Microsoft"]),
            "OpenAI, Google and Microsoft"
        );
    }
}
