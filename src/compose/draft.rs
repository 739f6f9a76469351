//! Writing one day's edition: choosing the Signal of the Day, the Deep
//! Dives and the Patterns Across Companies, and putting them in markdown.
//!
//! Every item of the day appears exactly once: as the Signal (with its
//! summary and why it matters), as a Deep Dive, or in "Also Published".
//! The Signal is the best-scoring article: what happened, in its summary's
//! sentences, then why it matters, in another sentence of its own; when it
//! has none, the edition says instead why it was chosen.

use std::collections::BTreeSet;
use std::fmt::Write;

use chrono::NaiveDate;

use super::analysis::Article;
use super::corpus::{Corpus, Vector};
use super::patterns::{self, Pattern};
use super::prose::{and_list, capitalise, edition_link, escape, link};
use super::signal::{self, Features};
use super::summary;

/// Most Deep Dives from one company in one edition.
pub const PER_COMPANY: usize = 2;
/// Longest "what happened" of the Signal, in words.
const SIGNAL_WORDS: usize = 60;

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
    /// Themes of the editions of the previous two weeks: date and theme key.
    pub earlier_themes: Vec<(NaiveDate, String)>,
}

/// A candidate for the Signal, with its features and, were it chosen, its
/// words: what happened and why it matters.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into the day's articles.
    pub index: usize,
    /// What was measured.
    pub features: Features,
    /// The sentences that say what happened.
    pub what: Vec<usize>,
    /// Its sentence that says why it matters, if it has one.
    pub why: Option<usize>,
}

/// The choices of one edition: which article is the Signal, which are Deep
/// Dives, which are only listed, and the themes.
pub struct Draft {
    /// Index of the Signal among the day's articles.
    pub signal: Option<usize>,
    /// Indexes of the Deep Dives, in order.
    pub dives: Vec<usize>,
    /// Indexes of the articles only listed, in the day's order.
    pub also: Vec<usize>,
    /// Every candidate, best first.
    pub candidates: Vec<Candidate>,
    /// The themes found, with the earlier editions each continues.
    pub patterns: Vec<(Pattern, Vec<NaiveDate>)>,
}

impl Draft {
    /// Every item id of the edition, in the order they appear.
    pub fn item_ids(&self, day: &Day) -> Vec<String> {
        let order = self
            .signal
            .into_iter()
            .chain(self.dives.iter().copied())
            .chain(self.also.iter().copied());
        order.map(|i| day.articles[i].id.clone()).collect()
    }

    /// The candidate chosen as the Signal.
    pub fn signal_candidate(&self) -> Option<&Candidate> {
        self.candidates
            .iter()
            .find(|c| Some(c.index) == self.signal)
    }
}

/// Words written by a model for an edition, where they passed every check;
/// whatever is missing is written by the offline engine.
#[derive(Debug, Default, Clone)]
pub struct Words {
    /// What happened and why it matters, for the Signal.
    pub signal: Option<(String, String)>,
    /// Deep Dive paragraphs, by article index.
    pub dives: std::collections::BTreeMap<usize, String>,
    /// The themes, replacing the offline ones when there are any.
    pub patterns: Vec<WrittenPattern>,
}

/// A theme written by a model.
#[derive(Debug, Clone)]
pub struct WrittenPattern {
    /// A short label.
    pub label: String,
    /// One sentence on what the companies share.
    pub sentence: String,
    /// Indexes of the articles it cites.
    pub members: Vec<usize>,
}

/// Chooses the sections of one day.
pub fn choose(day: &Day) -> Draft {
    let vectors: Vec<Vector> = day
        .articles
        .iter()
        .map(|a| day.corpus.vector(&a.terms))
        .collect();
    let patterns: Vec<(Pattern, Vec<NaiveDate>)> =
        patterns::find(&day.articles, &vectors, day.corpus, day.excluded)
            .into_iter()
            .map(|p| {
                let earlier = continued_from(&p, &day.earlier_themes);
                (p, earlier)
            })
            .collect();
    let found: Vec<Pattern> = patterns.iter().map(|(p, _)| p.clone()).collect();
    let candidates = rank(day, &vectors, &found);
    let signal = choose_signal(&candidates, day);
    let dives = choose_dives(&candidates, day, signal);
    let also: Vec<usize> = (0..day.articles.len())
        .filter(|i| Some(*i) != signal && !dives.contains(i))
        .collect();
    Draft {
        signal,
        dives,
        also,
        candidates,
        patterns,
    }
}

/// Writes the edition's body: the model's words where there are any, the
/// offline engine's everywhere else.
pub fn body(day: &Day, draft: &Draft, words: &Words) -> String {
    let mut body = String::new();
    if let Some(candidate) = draft.signal_candidate() {
        write_signal(&mut body, day, candidate, words.signal.as_ref());
    }
    write_deep_dives(&mut body, day, &draft.dives, &words.dives);
    write_also_published(&mut body, day, &draft.also);
    if words.patterns.is_empty() {
        write_patterns(&mut body, day, &draft.patterns);
    } else {
        write_written_patterns(&mut body, day, &words.patterns);
    }
    write_sources(&mut body, day);
    body
}

/// Measures every article, best score first.
fn rank(day: &Day, vectors: &[Vector], patterns: &[Pattern]) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = day
        .articles
        .iter()
        .enumerate()
        .map(|(index, article)| {
            let support = supporting_companies(index, article, patterns, &day.articles);
            let (what, why) = what_and_why(article, day.corpus);
            let features = Features::measure(
                article,
                &vectors[index],
                &day.recent,
                support,
                why.is_some(),
            );
            Candidate {
                index,
                features,
                what,
                why,
            }
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.features
            .score()
            .total_cmp(&a.features.score())
            .then(a.index.cmp(&b.index))
    });
    candidates
}

/// What happened (the summary's sentences, up to the Signal's length) and
/// why it matters (the best consequence among the article's other sentences).
fn what_and_why(article: &Article, corpus: &Corpus) -> (Vec<usize>, Option<usize>) {
    let summary = summary::choose(article, corpus, SIGNAL_WORDS);
    let lead: Vec<usize> = summary.first().copied().into_iter().collect();
    let why = signal::why_it_matters(article, &lead);
    let what = summary.into_iter().filter(|i| Some(*i) != why).collect();
    (what, why)
}

/// The best-scoring candidate that has text.
fn choose_signal(candidates: &[Candidate], day: &Day) -> Option<usize> {
    candidates
        .iter()
        .find(|c| day.articles[c.index].has_text())
        .map(|c| c.index)
}

/// The Deep Dives: the best of the rest, at most `deep_dives`, at most
/// `PER_COMPANY` from one company, in order of score.
fn choose_dives(candidates: &[Candidate], day: &Day, signal: Option<usize>) -> Vec<usize> {
    let mut dives: Vec<usize> = Vec::new();
    for candidate in candidates
        .iter()
        .filter(|c| day.articles[c.index].has_text())
    {
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
    dives
}

/// The earlier editions (newest first) whose themes this pattern continues.
fn continued_from(pattern: &Pattern, earlier: &[(NaiveDate, String)]) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = earlier
        .iter()
        .filter(|(_, key)| *key == pattern.key)
        .map(|(date, _)| *date)
        .collect();
    dates.sort_unstable_by(|a, b| b.cmp(a));
    dates.dedup();
    dates
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

fn write_signal(
    body: &mut String,
    day: &Day,
    candidate: &Candidate,
    words: Option<&(String, String)>,
) {
    let article = day.articles[candidate.index];
    let _ = writeln!(body, "## Signal of the Day\n");
    let _ = writeln!(
        body,
        "### {} · {}\n",
        link(&article.title, &article.url),
        escape(&article.company)
    );
    if let Some((what, why)) = words {
        let _ = writeln!(
            body,
            "{}\n\n**Why it matters:** {}\n",
            escape(what),
            escape(why)
        );
        return;
    }
    let _ = writeln!(
        body,
        "{}\n",
        escape(&summary::text(article, &candidate.what))
    );
    match candidate.why {
        Some(i) => {
            let _ = writeln!(
                body,
                "**Why it matters:** {}\n",
                escape(&article.sentences[i].text)
            );
        }
        None => {
            let _ = writeln!(
                body,
                "**Why it was chosen:** {}\n",
                reasons(&candidate.features)
            );
        }
    }
}

/// Why the Signal was chosen, from its features, when no article of the
/// day says in its own words why it matters.
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
    escape(&capitalise(&format!("{}.", and_list(&reasons))))
}

fn write_deep_dives(
    body: &mut String,
    day: &Day,
    dives: &[usize],
    written: &std::collections::BTreeMap<usize, String>,
) {
    if dives.is_empty() {
        return;
    }
    let _ = writeln!(body, "## Deep Dives\n");
    for &index in dives {
        let article = day.articles[index];
        let paragraph = match written.get(&index) {
            Some(paragraph) => paragraph.clone(),
            None => summary::paragraph(article, day.corpus).unwrap_or_default(),
        };
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
        let entry = format!(
            "{} · {}",
            link(&article.title, &article.url),
            escape(&article.company)
        );
        let _ = writeln!(body, "- {entry}{}", late_note(day, index));
    }
    body.push('\n');
}

fn late_note(day: &Day, index: usize) -> String {
    match &day.late[index] {
        Some(date) => format!(" (published {date}, found later)"),
        None => String::new(),
    }
}

fn write_patterns(body: &mut String, day: &Day, patterns: &[(Pattern, Vec<NaiveDate>)]) {
    if patterns.is_empty() {
        return;
    }
    let _ = writeln!(body, "## Patterns Across Companies\n");
    for (pattern, earlier) in patterns {
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
        let _ = write!(
            body,
            "{} {verb} wrote about {}: {}.",
            escape(&and_list(&pattern.companies)),
            escape(&pattern.label),
            and_list(&mentions)
        );
        if !earlier.is_empty() {
            let links: Vec<String> = earlier
                .iter()
                .take(3)
                .map(|d| edition_link(&d.format("%-d %B").to_string(), *d))
                .collect();
            let _ = write!(
                body,
                " The theme continues from the editions of {}.",
                and_list(&links)
            );
        }
        body.push_str("\n\n");
    }
}

fn write_written_patterns(body: &mut String, day: &Day, patterns: &[WrittenPattern]) {
    let _ = writeln!(body, "## Patterns Across Companies\n");
    for pattern in patterns {
        let mut companies: Vec<&str> = Vec::new();
        for &m in &pattern.members {
            if !companies.contains(&day.articles[m].company.as_str()) {
                companies.push(&day.articles[m].company);
            }
        }
        let _ = writeln!(
            body,
            "### {} · {}\n",
            escape(&capitalise(&pattern.label)),
            escape(&companies.join(", "))
        );
        let links: Vec<String> = pattern
            .members
            .iter()
            .map(|&m| {
                link(
                    &format!("“{}”", day.articles[m].title),
                    &day.articles[m].url,
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "{} ({})\n",
            escape(&pattern.sentence),
            and_list(&links)
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
