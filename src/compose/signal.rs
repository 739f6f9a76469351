//! Signal of the Day: the one article an engineer should not miss.
//!
//! Every article of the day gets the same transparent score, made of four
//! features between 0 and 1:
//!
//! - outcomes: concrete figures (scale, latency, cost, percentages) and
//!   words about incidents and performance;
//! - novelty: how unlike it is to everything of the previous two weeks;
//! - support: how many other companies share a theme with it that day;
//! - substance: how much text there is to learn from (teasers score low).
//!
//! The highest score wins; ties go to the earlier article, then the lower id.

use super::analysis::Article;
use super::corpus::Vector;

/// Weights of the features in the score.
const OUTCOMES: f64 = 0.35;
const NOVELTY: f64 = 0.25;
const SUPPORT: f64 = 0.25;
const SUBSTANCE: f64 = 0.15;

/// Words that report an outcome an engineer can weigh.
const OUTCOME_WORDS: &[&str] = &[
    "latency",
    "throughput",
    "cost",
    "costs",
    "outage",
    "incident",
    "downtime",
    "p99",
    "p95",
    "faster",
    "cheaper",
    "reduced",
    "reduce",
    "saved",
    "savings",
    "scale",
    "scaled",
    "migrated",
    "migration",
    "vulnerability",
    "efficiency",
    "reliability",
];

/// The features of one candidate and its score.
#[derive(Debug, Clone)]
pub struct Features {
    /// Concrete figures found.
    pub figures: Vec<String>,
    /// Outcome words found.
    pub outcome_words: Vec<String>,
    /// Outcome feature, 0 to 1.
    pub outcomes: f64,
    /// Novelty feature, 0 to 1.
    pub novelty: f64,
    /// The most similar recent article and how similar, if any.
    pub nearest: Option<(String, f64)>,
    /// Other companies sharing a theme with it today.
    pub support: Vec<String>,
    /// Substance feature, 0 to 1.
    pub substance: f64,
}

impl Features {
    /// Measures an article against the recent ones and the day's patterns.
    pub fn measure(
        article: &Article,
        vector: &Vector,
        recent: &[(&Article, Vector)],
        support: Vec<String>,
    ) -> Features {
        let mut outcome_words: Vec<String> = Vec::new();
        for sentence in &article.sentences {
            for word in sentence.text.split(|c: char| !c.is_alphanumeric()) {
                let lower = word.to_lowercase();
                if OUTCOME_WORDS.contains(&lower.as_str()) && !outcome_words.contains(&lower) {
                    outcome_words.push(lower);
                }
            }
        }
        let nearest = recent
            .iter()
            .map(|(other, v)| (other.title.clone(), vector.cosine(v)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
        let outcomes =
            ((article.figures.len() as f64 + 0.5 * outcome_words.len() as f64) / 5.0).min(1.0);
        Features {
            outcomes,
            novelty: 1.0 - nearest.as_ref().map_or(0.0, |n| n.1.clamp(0.0, 1.0)),
            nearest,
            substance: (article.words as f64 / 600.0).min(1.0),
            support,
            figures: article.figures.clone(),
            outcome_words,
        }
    }

    /// Support feature, 0 to 1: one other company gives 0.5, two or more 1.
    pub fn support_score(&self) -> f64 {
        (self.support.len() as f64 / 2.0).min(1.0)
    }

    /// The score: a weighted sum of the four features.
    pub fn score(&self) -> f64 {
        OUTCOMES * self.outcomes
            + NOVELTY * self.novelty
            + SUPPORT * self.support_score()
            + SUBSTANCE * self.substance
    }
}

/// Words that introduce a consequence or a benefit.
const CONSEQUENCE_CUES: &[&str] = &[
    "means",
    "allows",
    "allowing",
    "enables",
    "enabling",
    "so that",
    "lets ",
    "helps",
    "reduc",
    "improv",
    "faster",
    "cheaper",
    "without",
    "instead of",
    "for the first time",
    "because",
    "result",
    "impact",
    "matters",
    "important",
    "key ",
    "critical",
    "unlock",
    "previously",
];

/// Picks the sentence that best says why the article matters: one with a
/// figure or a consequence, not among `used`. `None` when there is none.
pub fn why_it_matters(article: &Article, used: &[usize]) -> Option<usize> {
    article
        .sentences
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(i, s)| {
            let lower = s.text.to_lowercase();
            let cues = CONSEQUENCE_CUES
                .iter()
                .filter(|c| lower.contains(*c))
                .count();
            let figures = super::analysis::figures_in(&s.text).len();
            (i, 2 * figures.min(2) + cues.min(3))
        })
        .filter(|(_, score)| *score > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}
