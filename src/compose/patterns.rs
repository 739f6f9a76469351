//! Patterns Across Companies: themes that two or more companies' articles
//! share on one day.
//!
//! Two articles from different companies are linked when their tf-idf
//! vectors are similar enough; linked articles form groups. A group becomes
//! a theme when a keyphrase is strong in the articles of at least two of its
//! companies: that phrase is its label. Company and source names are never
//! labels. Themes are taken best first, at most three. When nothing is
//! shared, there is no pattern: none is invented.

use std::collections::{BTreeMap, BTreeSet};

use super::analysis::Article;
use super::corpus::{Corpus, Vector};

/// Articles at least this similar (cosine of tf-idf vectors) share a theme.
pub const LINKED: f64 = 0.08;
/// Keyphrases per article that may label a theme.
const TOP_PHRASES: usize = 15;
/// Most themes in one edition.
const MAX_PATTERNS: usize = 3;

/// A theme shared by several companies' articles on one day.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The phrase as it is most often written.
    pub label: String,
    /// The phrase's stems.
    pub key: String,
    /// Indexes of the day's articles that share it, in the day's order.
    pub members: Vec<usize>,
    /// The companies of those articles, in the order of the members.
    pub companies: Vec<String>,
    /// How strongly the articles share it.
    pub score: f64,
}

/// The themes of a day's articles, best first.
pub fn find(
    articles: &[&Article],
    vectors: &[Vector],
    corpus: &Corpus,
    excluded: &BTreeSet<String>,
) -> Vec<Pattern> {
    let tops: Vec<BTreeMap<&str, f64>> = articles
        .iter()
        .map(|a| top_phrases(a, corpus, excluded))
        .collect();
    let mut patterns: Vec<Pattern> = groups(articles, vectors)
        .into_iter()
        .filter_map(|group| theme(&group, articles, &tops))
        .collect();
    patterns.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
    patterns.truncate(MAX_PATTERNS);
    patterns
}

/// Groups of articles joined by links between different companies' articles.
fn groups(articles: &[&Article], vectors: &[Vector]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..articles.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..articles.len() {
        for j in i + 1..articles.len() {
            if articles[i].company != articles[j].company
                && vectors[i].cosine(&vectors[j]) >= LINKED
            {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..articles.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

/// The theme of a group: its strongest keyphrase shared by two companies,
/// with the articles (of the group) that have it.
fn theme(group: &[usize], articles: &[&Article], tops: &[BTreeMap<&str, f64>]) -> Option<Pattern> {
    let keys: BTreeSet<&str> = group
        .iter()
        .flat_map(|&i| tops[i].keys().copied())
        .collect();
    let mut best: Option<Pattern> = None;
    for key in keys {
        let members: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&i| tops[i].contains_key(key))
            .collect();
        let companies = companies_of(&members, articles);
        if companies.len() < 2 {
            continue;
        }
        let label = label_of(key, &members, articles);
        if !key.contains(' ') && !is_name_like(&label) && !in_two_titles(key, &members, articles) {
            continue;
        }
        // The weakest member's weight: a theme is as shared as its least committed article.
        let weakest = members
            .iter()
            .map(|&i| tops[i][key])
            .fold(f64::INFINITY, f64::min);
        let bigram_bonus = if key.contains(' ') { 1.5 } else { 1.0 };
        let score = weakest * companies.len() as f64 * bigram_bonus;
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Pattern {
                label,
                key: key.to_string(),
                members,
                companies,
                score,
            });
        }
    }
    best
}

/// A single word makes a label only if it names something: a product, a
/// project or an acronym (`Kubernetes`, `Copilot`, `BGP`), not a common word.
fn is_name_like(label: &str) -> bool {
    label.chars().next().is_some_and(char::is_uppercase)
}

/// Whether the titles of articles of two companies both contain the stem.
fn in_two_titles(key: &str, members: &[usize], articles: &[&Article]) -> bool {
    let titled: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| {
            crate::text::tokens(&articles[i].title)
                .iter()
                .any(|t| t.stem.as_deref() == Some(key))
        })
        .collect();
    companies_of(&titled, articles).len() >= 2
}

fn companies_of(members: &[usize], articles: &[&Article]) -> Vec<String> {
    let mut companies: Vec<String> = Vec::new();
    for &i in members {
        if !companies.contains(&articles[i].company) {
            companies.push(articles[i].company.clone());
        }
    }
    companies
}

/// An article's best keyphrases with their weights, leaving out names.
fn top_phrases<'a>(
    article: &'a Article,
    corpus: &Corpus,
    excluded: &BTreeSet<String>,
) -> BTreeMap<&'a str, f64> {
    let mut scored: Vec<(&str, f64)> = article
        .phrases
        .iter()
        .filter(|(key, _)| !key.split(' ').any(|stem| excluded.contains(stem)))
        .map(|(key, phrase)| (key.as_str(), (1.0 + phrase.weight).ln() * corpus.idf(key)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    scored.into_iter().take(TOP_PHRASES).collect()
}

/// The most frequent written form of a phrase across the articles sharing it.
fn label_of(key: &str, members: &[usize], articles: &[&Article]) -> String {
    let mut surfaces: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in members {
        if let Some(phrase) = articles[i].phrases.get(key) {
            for (surface, count) in &phrase.surfaces {
                *surfaces.entry(surface.as_str()).or_default() += count;
            }
        }
    }
    surfaces
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(s, _)| s.to_string())
        .unwrap_or_else(|| key.to_string())
}
