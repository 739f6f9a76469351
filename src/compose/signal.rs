//! Signal of the Day: the one article an engineer should not miss.
//!
//! Every article of the day gets the same transparent score, a weighted sum
//! of five features between 0 and 1:
//!
//! - outcomes: concrete figures (scale, latency, cost, percentages), worth
//!   most in the title, then in the opening, and words about incidents and
//!   performance;
//! - novelty: how unlike it is to everything of the previous two weeks;
//! - support: how many other companies share a theme with it that day;
//! - substance: how much text there is to learn from (teasers score low);
//! - explained: whether the article says, in a sentence of its own, why it
//!   matters.
//!
//! The highest score wins; ties go to the earlier article.

use super::analysis::{Article, figures_in};
use super::corpus::Vector;

/// Weight of the outcomes feature in the score.
pub const OUTCOMES: f64 = 0.35;
/// Weight of the novelty feature.
pub const NOVELTY: f64 = 0.20;
/// Weight of the support feature.
pub const SUPPORT: f64 = 0.20;
/// Weight of the substance feature.
pub const SUBSTANCE: f64 = 0.15;
/// Weight of the explained feature.
pub const EXPLAINED: f64 = 0.10;

/// Sentences counted as the opening of an article.
const OPENING: usize = 3;

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

/// The features of one candidate.
#[derive(Debug, Clone)]
pub struct Features {
    /// Concrete figures found, title first.
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
    /// Whether it says why it matters.
    pub explained: bool,
}

impl Features {
    /// Measures an article against the recent ones and the day's patterns.
    pub fn measure(
        article: &Article,
        vector: &Vector,
        recent: &[(&Article, Vector)],
        support: Vec<String>,
        explained: bool,
    ) -> Features {
        let nearest = recent
            .iter()
            .map(|(other, v)| (other.title.clone(), vector.cosine(v)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
        let (figures, weight) = weighed_figures(article);
        let outcome_words = outcome_words(article);
        Features {
            outcomes: ((weight + 0.3 * outcome_words.len() as f64) / 3.0).min(1.0),
            novelty: 1.0 - nearest.as_ref().map_or(0.0, |n| n.1.clamp(0.0, 1.0)),
            nearest,
            substance: (article.words as f64 / 600.0).min(1.0),
            support,
            figures,
            outcome_words,
            explained,
        }
    }

    /// Support feature, 0 to 1: one other company gives 0.5, two or more 1.
    pub fn support_score(&self) -> f64 {
        (self.support.len() as f64 / 2.0).min(1.0)
    }

    /// The score: the weighted sum of the features.
    pub fn score(&self) -> f64 {
        OUTCOMES * self.outcomes
            + NOVELTY * self.novelty
            + SUPPORT * self.support_score()
            + SUBSTANCE * self.substance
            + EXPLAINED * f64::from(u8::from(self.explained))
    }
}

/// The article's figures, and their weight: 2 for each in the title, 1 for
/// each other in the opening sentences, 0.5 for each one further on.
fn weighed_figures(article: &Article) -> (Vec<String>, f64) {
    let mut figures: Vec<String> = Vec::new();
    let mut weight = 0.0;
    let in_title = figures_in(&article.title);
    let sentences = article
        .sentences
        .iter()
        .map(|s| (s.position < OPENING, figures_in(&s.text)));
    let all =
        std::iter::once((None, in_title)).chain(sentences.map(|(opening, f)| (Some(opening), f)));
    for (place, found) in all {
        for figure in found {
            let number = figure.split_whitespace().next().unwrap_or("").to_string();
            if figures
                .iter()
                .any(|f| f.split_whitespace().next() == Some(number.as_str()))
            {
                continue;
            }
            weight += match place {
                None => 2.0,
                Some(true) => 1.0,
                Some(false) => 0.5,
            };
            figures.push(figure);
        }
    }
    (figures, weight)
}

fn outcome_words(article: &Article) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let words = article
        .sentences
        .iter()
        .flat_map(|s| s.text.split(|c: char| !c.is_alphanumeric()));
    for word in words {
        let lower = word.to_lowercase();
        if OUTCOME_WORDS.contains(&lower.as_str()) && !found.contains(&lower) {
            found.push(lower);
        }
    }
    found
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
    "help",
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
    "milestone",
    "will ",
    "can now",
    "no longer",
    "first ",
];

/// Picks the sentence that best says why the article matters: one with a
/// consequence or a figure, other than `what`. `None` when there is none.
pub fn why_it_matters(article: &Article, what: &[usize]) -> Option<usize> {
    article
        .sentences
        .iter()
        .enumerate()
        .filter(|(i, _)| !what.contains(i))
        .map(|(i, s)| {
            let lower = s.text.to_lowercase();
            let cues = CONSEQUENCE_CUES
                .iter()
                .filter(|c| lower.contains(*c))
                .count();
            let figures = figures_in(&s.text).len();
            (i, 2 * figures.min(2) + cues.min(3))
        })
        .filter(|(_, score)| *score > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Item, ItemMeta};

    fn article(title: &str, body: &str) -> Article {
        let date = chrono::DateTime::parse_from_rfc3339("2025-07-22T00:00:00Z").unwrap();
        let meta = ItemMeta::new("x", title, "", ("S", "C"), date);
        Article::read(&Item {
            meta,
            body: body.into(),
        })
    }

    #[test]
    fn figures_in_the_title_weigh_most() {
        let stargate = article(
            "Stargate advances with 4.5 GW partnership with Oracle",
            "Oracle and OpenAI have entered an agreement to develop 4.5 gigawatts of additional data center capacity.",
        );
        let chart = article(
            "Visualize with Copilot now allows you to save your chart",
            "Saving charts is now faster for every maker.",
        );
        let none = Vector::default();
        let a = Features::measure(&stargate, &none, &[], vec![], false);
        let b = Features::measure(&chart, &none, &[], vec![], false);
        assert_eq!(a.figures, vec!["4.5 GW"]);
        assert!(a.outcomes > b.outcomes, "{a:?} {b:?}");
    }

    #[test]
    fn why_it_matters_is_a_consequence_not_the_lead() {
        let a = article(
            "Stargate advances",
            "Oracle and OpenAI have entered an agreement to develop new data center capacity in Texas.\n\n\
             This investment will create new jobs and help advance research across the country.",
        );
        assert_eq!(why_it_matters(&a, &[0]), Some(1));
        assert_eq!(why_it_matters(&a, &[0, 1]), None);
    }
}
