//! How good the offline engine's writing is, measured on the content.
//!
//! For every item whose feed gives both a summary written by its author and
//! the full article, the engine's Deep Dive paragraph and a naive baseline
//! (the article's first three sentences) are scored against the author's
//! summary with ROUGE-1, ROUGE-2 and ROUGE-L (F1). Over all editions, the
//! share of items that appear in one, items that appear twice, boilerplate
//! and call-to-action sentences let through, and paragraphs cut off are
//! counted, for the engine's editions and for the same days written with
//! the baseline.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use anyhow::Result;
use chrono::Duration;

use super::analysis::Article;
use super::corpus::Corpus;
use super::edition;
use super::{Calendar, summary};
use crate::config::Config;
use crate::item::Item;
use crate::layout::Layout;
use crate::store::ItemStore;
use crate::text;

/// ROUGE F1 scores of one text against a reference.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rouge {
    /// Unigram overlap.
    pub one: f64,
    /// Bigram overlap.
    pub two: f64,
    /// Longest common subsequence.
    pub longest: f64,
}

impl Rouge {
    /// Scores `candidate` against `reference`.
    pub fn score(candidate: &str, reference: &str) -> Rouge {
        let (c, r) = (words(candidate), words(reference));
        Rouge {
            one: overlap(&c, &r, 1),
            two: overlap(&c, &r, 2),
            longest: lcs_f1(&c, &r),
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn f1(matched: f64, candidate: usize, reference: usize) -> f64 {
    if matched == 0.0 || candidate == 0 || reference == 0 {
        return 0.0;
    }
    let (precision, recall) = (matched / candidate as f64, matched / reference as f64);
    2.0 * precision * recall / (precision + recall)
}

/// F1 of clipped n-gram overlap.
fn overlap(candidate: &[String], reference: &[String], n: usize) -> f64 {
    let grams = |w: &[String]| -> HashMap<Vec<String>, usize> {
        let mut counts = HashMap::new();
        for gram in w.windows(n) {
            *counts.entry(gram.to_vec()).or_default() += 1;
        }
        counts
    };
    let (c, r) = (grams(candidate), grams(reference));
    let matched: usize = c
        .iter()
        .map(|(g, n)| (*n).min(r.get(g).copied().unwrap_or(0)))
        .sum();
    let total = |counts: &HashMap<Vec<String>, usize>| counts.values().sum::<usize>();
    f1(matched as f64, total(&c), total(&r))
}

/// F1 of the longest common subsequence of words.
fn lcs_f1(candidate: &[String], reference: &[String]) -> f64 {
    let mut row = vec![0usize; reference.len() + 1];
    for c in candidate {
        let mut diagonal = 0;
        for (j, r) in reference.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if c == r {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = above;
        }
    }
    f1(
        row[reference.len()] as f64,
        candidate.len(),
        reference.len(),
    )
}

/// The baseline: the first three sentences of the article, as they come.
pub fn lead_three(item: &Item) -> String {
    let paragraphs = text::paragraphs(&item.body);
    let sentences: Vec<&str> = paragraphs
        .iter()
        .flat_map(|p| text::sentences(p))
        .take(3)
        .collect();
    sentences.join(" ")
}

/// Figures for one writer: the engine or the baseline.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    /// Mean ROUGE against the authors' summaries.
    pub rouge: Rouge,
    /// Paragraphs scored for ROUGE.
    pub scored: usize,
    /// Paragraphs written in all.
    pub paragraphs: usize,
    /// Mean words per paragraph.
    pub mean_words: f64,
    /// Sentences that are boilerplate or ask the reader to do something.
    pub boilerplate: usize,
    /// Paragraphs that end without finishing their sentence.
    pub cut_off: usize,
}

impl Figures {
    fn add(&mut self, paragraph: &str) {
        self.paragraphs += 1;
        self.mean_words += text::word_count(paragraph) as f64;
        let sentences = text::sentences(paragraph);
        self.boilerplate += sentences
            .iter()
            .filter(|s| text::is_boilerplate(s) || text::is_call_to_action(s))
            .count();
        let end = paragraph.trim_end_matches(['"', '”', '’', ')']);
        if !paragraph.is_empty() && (!end.ends_with(['.', '!', '?']) || end.ends_with("...")) {
            self.cut_off += 1;
        }
    }

    fn finish(&mut self, rouge: Vec<Rouge>) {
        self.scored = rouge.len();
        let n = rouge.len().max(1) as f64;
        self.rouge = Rouge {
            one: rouge.iter().map(|r| r.one).sum::<f64>() / n,
            two: rouge.iter().map(|r| r.two).sum::<f64>() / n,
            longest: rouge.iter().map(|r| r.longest).sum::<f64>() / n,
        };
        self.mean_words /= self.paragraphs.max(1) as f64;
    }
}

/// The whole evaluation.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// The engine's figures.
    pub engine: Figures,
    /// The baseline's figures.
    pub baseline: Figures,
    /// Items stored.
    pub items: usize,
    /// Items that appear in an edition.
    pub covered: usize,
    /// Items that appear in more than one edition.
    pub duplicates: usize,
}

/// Measures the engine and the baseline on a site's content.
pub fn run(layout: &Layout, config: &Config) -> Result<Evaluation> {
    let calendar = Calendar::new(config);
    let (store, _) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    let (editions, _) = edition::load_all(&layout.editions_dir())?;
    let mut appearances: HashMap<&str, usize> = HashMap::new();
    for id in editions.iter().flat_map(|e| e.meta.items.iter()) {
        *appearances.entry(id.as_str()).or_default() += 1;
    }

    let mut items: BTreeMap<chrono::NaiveDate, Vec<Item>> = BTreeMap::new();
    for stored in store.items() {
        let day = calendar.day_of(stored.meta.published.min(stored.meta.first_seen));
        items
            .entry(day)
            .or_default()
            .push(Item::read(&stored.path)?);
    }
    let articles: HashMap<&str, Article> = items
        .values()
        .flatten()
        .map(|i| (i.meta.id.as_str(), Article::read(i)))
        .collect();

    let mut evaluation = Evaluation {
        items: store.items().len(),
        ..Default::default()
    };
    evaluation.covered = store
        .items()
        .iter()
        .filter(|s| appearances.contains_key(s.meta.id.as_str()))
        .count();
    evaluation.duplicates = appearances.values().filter(|n| **n > 1).count();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for (day, today) in &items {
        let window = items
            .range(*day - Duration::days(30)..=*day)
            .flat_map(|(_, i)| i.iter());
        let corpus = Corpus::new(window.map(|i| &articles[i.meta.id.as_str()]));
        for item in today {
            let paragraph =
                summary::paragraph(&articles[item.meta.id.as_str()], &corpus).unwrap_or_default();
            let lead = lead_three(item);
            evaluation.engine.add(&paragraph);
            evaluation.baseline.add(&lead);
            if let Some(reference) = item
                .meta
                .summary
                .as_deref()
                .filter(|s| text::word_count(s) >= 8)
            {
                let reference = text::without_platform_line(reference);
                ours.push(Rouge::score(&paragraph, reference));
                theirs.push(Rouge::score(&lead, reference));
            }
        }
    }
    evaluation.engine.finish(ours);
    evaluation.baseline.finish(theirs);
    Ok(evaluation)
}

impl Evaluation {
    /// The figures as a table, engine and baseline side by side.
    pub fn table(&self) -> String {
        let (a, b) = (&self.engine, &self.baseline);
        let mut out = String::new();
        let _ = writeln!(out, "{:<44} {:>10} {:>10}", "", "digest", "lead-3");
        let mut row = |name: &str, x: String, y: String| {
            let _ = writeln!(out, "{name:<44} {x:>10} {y:>10}");
        };
        let scored = format!("ROUGE-1 F1 vs the author's summary (n={})", a.scored);
        row(
            &scored,
            format!("{:.3}", a.rouge.one),
            format!("{:.3}", b.rouge.one),
        );
        row(
            "ROUGE-2 F1",
            format!("{:.3}", a.rouge.two),
            format!("{:.3}", b.rouge.two),
        );
        row(
            "ROUGE-L F1",
            format!("{:.3}", a.rouge.longest),
            format!("{:.3}", b.rouge.longest),
        );
        row(
            "paragraphs written",
            a.paragraphs.to_string(),
            b.paragraphs.to_string(),
        );
        row(
            "mean words per paragraph",
            format!("{:.0}", a.mean_words),
            format!("{:.0}", b.mean_words),
        );
        row(
            "boilerplate or call-to-action sentences",
            a.boilerplate.to_string(),
            b.boilerplate.to_string(),
        );
        row(
            "paragraphs cut off mid-sentence",
            a.cut_off.to_string(),
            b.cut_off.to_string(),
        );
        let covered = format!("{}/{}", self.covered, self.items);
        row("items that appear in an edition", covered, "-".into());
        row(
            "items in more than one edition",
            self.duplicates.to_string(),
            "-".into(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rouge_matches_hand_counts() {
        let r = Rouge::score("the cat sat on the mat", "the cat lay on the mat");
        assert!((r.one - 5.0 / 6.0).abs() < 1e-9, "{r:?}");
        assert!((r.two - 3.0 / 5.0).abs() < 1e-9, "{r:?}");
        assert!((r.longest - 5.0 / 6.0).abs() < 1e-9, "{r:?}");
        assert_eq!(Rouge::score("", "anything"), Rouge::default());
    }
}
