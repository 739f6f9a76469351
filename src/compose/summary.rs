//! Extractive summaries: an article told in its own sentences.
//!
//! Sentences from the opening are scored by centrality (how much of the
//! rest of the article, and the title, each one shares) with a bonus for
//! leading; the best are taken while they add something new, until the
//! paragraph is long enough, and put back in the article's order. No
//! sentence is ever cut.

use super::analysis::Article;
use super::corpus::{Corpus, Vector};

/// Shortest paragraph aimed for, in words (a teaser may give less).
pub const MIN_WORDS: usize = 40;
/// Longest paragraph allowed, in words (one longer sentence may stand alone).
pub const MAX_WORDS: usize = 90;
/// Two sentences more alike than this say the same thing.
const REDUNDANT: f64 = 0.5;

/// A sentence's score and why.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Index into the article's sentences.
    pub index: usize,
    /// Mean similarity to the other sentences and the title.
    pub centrality: f64,
    /// Bonus for coming early.
    pub lead: f64,
}

impl Ranked {
    /// The score that orders sentences.
    pub fn score(&self) -> f64 {
        self.centrality + self.lead
    }
}

/// Ranks an article's sentences, best first.
pub fn rank(article: &Article, corpus: &Corpus) -> Vec<Ranked> {
    let vectors: Vec<Vector> = article
        .sentences
        .iter()
        .map(|s| corpus.vector(&s.terms))
        .collect();
    let title = corpus.vector(&crate::compose::analysis::Article::title_terms(
        &article.title,
    ));
    let mut ranked: Vec<Ranked> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let others: f64 = vectors
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| v.cosine(o))
                .sum();
            let mean = if vectors.len() > 1 {
                others / (vectors.len() - 1) as f64
            } else {
                0.0
            };
            let position = article.sentences[i].position as f64;
            Ranked {
                index: i,
                centrality: mean + 0.5 * v.cosine(&title),
                lead: 0.3 / (1.0 + position),
            }
        })
        .collect();
    ranked.sort_by(|a, b| b.score().total_cmp(&a.score()).then(a.index.cmp(&b.index)));
    ranked
}

/// Chooses the sentences of a summary paragraph of `MIN_WORDS` to
/// `MAX_WORDS` words; returns their indexes in the article's order.
pub fn choose(article: &Article, corpus: &Corpus, max_words: usize) -> Vec<usize> {
    let ranked = rank(article, corpus);
    let vectors: Vec<Vector> = article
        .sentences
        .iter()
        .map(|s| corpus.vector(&s.terms))
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    let mut words = 0;
    for candidate in &ranked {
        if words >= MIN_WORDS {
            break;
        }
        let sentence = &article.sentences[candidate.index];
        let fits = words + sentence.words <= max_words || chosen.is_empty();
        let redundant = chosen
            .iter()
            .any(|&c| vectors[c].cosine(&vectors[candidate.index]) > REDUNDANT);
        if fits && !redundant {
            chosen.push(candidate.index);
            words += sentence.words;
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The summary paragraph: the chosen sentences joined, or the whole teaser
/// of an article too short to have whole sentences.
pub fn paragraph(article: &Article, corpus: &Corpus) -> Option<String> {
    let chosen = choose(article, corpus, MAX_WORDS);
    if chosen.is_empty() {
        return article.teaser.clone();
    }
    Some(text(article, &chosen))
}

/// The sentences at `chosen`, joined; the teaser when none are chosen.
pub fn text(article: &Article, chosen: &[usize]) -> String {
    if chosen.is_empty() {
        return article.teaser.clone().unwrap_or_default();
    }
    let sentences: Vec<&str> = chosen
        .iter()
        .map(|&i| article.sentences[i].text.as_str())
        .collect();
    sentences.join(" ")
}
