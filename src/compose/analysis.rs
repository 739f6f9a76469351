//! An article read for the editorial engine: its whole sentences, its terms
//! and keyphrases, and the concrete figures it reports.

use std::collections::BTreeMap;

use crate::item::Item;
use crate::text::{self, Token};

/// How many words from the start of an article count for its keyphrases.
const PHRASE_WINDOW: usize = 400;
/// How many sentences from the start may be chosen for a summary.
const SENTENCE_WINDOW: usize = 40;
/// Title words count this many times over body words.
const TITLE_WEIGHT: f64 = 3.0;

/// Term weights: stem to weight, in a stable order.
pub type Terms = BTreeMap<String, f64>;

/// A sentence that may be quoted in an edition.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The sentence as written.
    pub text: String,
    /// Its place among the article's sentences, from 0.
    pub position: usize,
    /// Its length in words.
    pub words: usize,
    /// Its stems and how often each occurs.
    pub terms: Terms,
}

/// A keyphrase of an article: one or two meaningful words.
#[derive(Debug, Clone, Default)]
pub struct Phrase {
    /// Weighted occurrences (title occurrences count more).
    pub weight: f64,
    /// Each way it was written, with how often.
    pub surfaces: BTreeMap<String, usize>,
}

impl Phrase {
    /// The most frequent way the phrase was written (ties: the first in order).
    pub fn label(&self) -> &str {
        self.surfaces
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s.as_str())
            .unwrap_or("")
    }
}

/// An item, read.
#[derive(Debug, Clone)]
pub struct Article {
    /// The item's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its link.
    pub url: String,
    /// The company it is about.
    pub company: String,
    /// The source that stored it.
    pub source: String,
    /// Words of prose in the article.
    pub words: usize,
    /// Whole sentences from its opening, in order.
    pub sentences: Vec<Sentence>,
    /// Stems of the title and text, weighted.
    pub terms: Terms,
    /// One- and two-word keyphrases, keyed by their stems.
    pub phrases: BTreeMap<String, Phrase>,
    /// Concrete figures it reports: "40%", "12,000 dbt models", "$2 million".
    pub figures: Vec<String>,
}

impl Article {
    /// Reads an item.
    pub fn read(item: &Item) -> Article {
        let paragraphs = text::paragraphs(&item.body);
        let words = paragraphs.iter().map(|p| text::word_count(p)).sum();
        let mut sentences = Vec::new();
        let mut figures = Vec::new();
        let mut position = 0;
        for sentence in paragraphs.iter().flat_map(|p| text::sentences(p)) {
            if position >= SENTENCE_WINDOW {
                break;
            }
            if !text::is_whole_sentence(sentence) || repeats_title(sentence, &item.meta.title) {
                continue;
            }
            for figure in figures_in(sentence) {
                if !figures.contains(&figure) {
                    figures.push(figure);
                }
            }
            sentences.push(Sentence {
                text: sentence.to_string(),
                position,
                words: text::word_count(sentence),
                terms: count_stems(&text::tokens(sentence), 1.0),
            });
            position += 1;
        }

        let title_tokens = text::tokens(&item.meta.title);
        let mut terms = count_stems(&title_tokens, TITLE_WEIGHT);
        let mut phrases = BTreeMap::new();
        add_phrases(&mut phrases, &title_tokens, TITLE_WEIGHT);
        let mut budget = PHRASE_WINDOW;
        for paragraph in &paragraphs {
            if budget == 0 {
                break;
            }
            let tokens: Vec<Token> = text::tokens(paragraph).into_iter().take(budget).collect();
            budget -= tokens.len();
            for (stem, weight) in count_stems(&tokens, 1.0) {
                *terms.entry(stem).or_default() += weight;
            }
            add_phrases(&mut phrases, &tokens, 1.0);
        }
        Article {
            id: item.meta.id.clone(),
            title: item.meta.title.clone(),
            url: item.meta.url.clone(),
            company: item.meta.company.clone(),
            source: item.meta.source.clone(),
            words,
            sentences,
            terms,
            phrases,
            figures,
        }
    }

    /// The weighted stems of a title.
    pub fn title_terms(title: &str) -> Terms {
        count_stems(&text::tokens(title), 1.0)
    }

    /// Whether there is anything to write a paragraph from.
    pub fn has_text(&self) -> bool {
        !self.sentences.is_empty()
    }
}

/// A sentence that only repeats the title adds nothing to a summary.
fn repeats_title(sentence: &str, title: &str) -> bool {
    let sentence = sentence.trim_end_matches(['.', '!', '?']).trim();
    sentence.eq_ignore_ascii_case(title.trim())
}

fn count_stems(tokens: &[Token], weight: f64) -> Terms {
    let mut terms = Terms::new();
    for stem in tokens.iter().filter_map(|t| t.stem.as_ref()) {
        *terms.entry(stem.clone()).or_default() += weight;
    }
    terms
}

fn add_phrases(phrases: &mut BTreeMap<String, Phrase>, tokens: &[Token], weight: f64) {
    let mut add = |key: String, surface: String| {
        let phrase = phrases.entry(key).or_default();
        phrase.weight += weight;
        *phrase.surfaces.entry(surface).or_default() += 1;
    };
    for (i, token) in tokens.iter().enumerate() {
        let Some(stem) = &token.stem else { continue };
        if stem.len() < 3 && !is_acronym(&token.surface) {
            continue;
        }
        add(stem.clone(), surface_form(&token.surface));
        if let Some(next) = tokens.get(i + 1)
            && let Some(next_stem) = &next.stem
        {
            let surface = format!(
                "{} {}",
                surface_form(&token.surface),
                surface_form(&next.surface)
            );
            add(format!("{stem} {next_stem}"), surface);
        }
    }
}

/// How a word is shown in a label: acronyms and names as written, other
/// words in lowercase.
fn surface_form(word: &str) -> String {
    let has_inner_capital = word.chars().skip(1).any(|c| c.is_uppercase());
    if is_acronym(word) || has_inner_capital {
        word.to_string()
    } else {
        word.to_lowercase()
    }
}

fn is_acronym(word: &str) -> bool {
    word.len() >= 2 && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Words that make a number a concrete outcome.
const UNITS: &[&str] = &[
    "percent",
    "times",
    "thousand",
    "million",
    "billion",
    "trillion",
    "ms",
    "milliseconds",
    "seconds",
    "minutes",
    "hours",
    "gb",
    "tb",
    "pb",
    "mb",
    "requests",
    "users",
    "customers",
    "servers",
    "nodes",
    "machines",
    "gpus",
    "models",
    "teams",
    "engineers",
    "developers",
    "services",
    "queries",
    "events",
    "messages",
    "countries",
    "languages",
    "rps",
    "qps",
    "petabytes",
    "terabytes",
    "gigabytes",
    "lines",
    "repositories",
    "tokens",
    "parameters",
    "cores",
    "regions",
    "datacenters",
    "downloads",
    "transactions",
    "companies",
];

/// Suffixes that make a number a measurement on their own: `40%`, `100x`, `5ms`.
const UNIT_SUFFIXES: &[&str] = &["%", "x", "×", "ms", "k", "m", "b", "gb", "tb", "pb", "mb"];

/// The concrete figures in a sentence: a number with a unit (or one word
/// between number and unit), a percentage, a multiple or an amount of money.
pub fn figures_in(sentence: &str) -> Vec<String> {
    let words: Vec<&str> = sentence.split_whitespace().map(trim_punctuation).collect();
    let is_unit = |i: usize| {
        words
            .get(i)
            .is_some_and(|w| UNITS.contains(&w.to_lowercase().as_str()))
    };
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(measured) = measured_number(word) else {
            continue;
        };
        if is_unit(i + 1) {
            found.push(words[i..=i + 1].join(" "));
        } else if measured {
            found.push(word.to_string());
        } else if is_unit(i + 2) && measured_number(words[i + 1]).is_none() {
            found.push(words[i..=i + 2].join(" "));
        }
    }
    found
}

fn trim_punctuation(word: &str) -> &str {
    word.trim_matches(|c: char| {
        matches!(
            c,
            ',' | '.' | ';' | ':' | '(' | ')' | '"' | '“' | '”' | '!' | '?'
        )
    })
}

/// For a word that is a number: `Some(true)` when it carries its own unit or
/// currency, `Some(false)` when it is bare. `None` for anything else, and for
/// ordinals, versions and years.
fn measured_number(word: &str) -> Option<bool> {
    let digits = word.trim_start_matches(['$', '€', '£', '~']);
    let money = digits.len() != word.len();
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = digits
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(digits.len());
    let suffix = digits[end..].to_lowercase();
    let is_year = end == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    match suffix.as_str() {
        "" if money => Some(true),
        "" if is_year => None,
        "" => Some(false),
        s if UNIT_SUFFIXES.contains(&s) => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_found() {
        assert_eq!(
            figures_in("They cut costs by 40% across 12,000 dbt models and 100 teams in 2024."),
            vec!["40%", "12,000 dbt models", "100 teams"]
        );
        assert_eq!(
            figures_in("Threats are resolved 100x faster for $2 million less."),
            vec!["100x", "$2 million"]
        );
        assert!(figures_in("In 2025 we released version 3 of GPT-4.1 on the 4th.").is_empty());
    }
}
