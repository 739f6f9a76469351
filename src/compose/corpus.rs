//! Term statistics over a window of articles: how rare a term is (inverse
//! document frequency), and tf-idf vectors to compare texts by cosine.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::analysis::{Article, Terms};

/// Document frequencies of terms and phrases over a set of articles.
pub struct Corpus {
    documents: usize,
    frequency: HashMap<String, usize>,
}

impl Corpus {
    /// Counts, for every stem and phrase, the articles that contain it.
    pub fn new<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Corpus {
        let mut frequency: HashMap<String, usize> = HashMap::new();
        let mut documents = 0;
        for article in articles {
            documents += 1;
            let keys: BTreeSet<&String> =
                article.terms.keys().chain(article.phrases.keys()).collect();
            for key in keys {
                *frequency.entry(key.clone()).or_default() += 1;
            }
        }
        Corpus {
            documents,
            frequency,
        }
    }

    /// Inverse document frequency: high for rare terms, 1 for a term in every article.
    pub fn idf(&self, term: &str) -> f64 {
        let seen = self.frequency.get(term).copied().unwrap_or(0) as f64;
        ((1.0 + self.documents as f64) / (1.0 + seen)).ln() + 1.0
    }

    /// The tf-idf vector of some terms, scaled to length 1.
    pub fn vector(&self, terms: &Terms) -> Vector {
        let mut weights: BTreeMap<String, f64> = terms
            .iter()
            .map(|(t, count)| (t.clone(), (1.0 + count.ln()) * self.idf(t)))
            .collect();
        let length = weights.values().map(|w| w * w).sum::<f64>().sqrt();
        if length > 0.0 {
            weights.values_mut().for_each(|w| *w /= length);
        }
        Vector(weights)
    }
}

/// A unit-length sparse vector of term weights.
#[derive(Debug, Clone, Default)]
pub struct Vector(BTreeMap<String, f64>);

impl Vector {
    /// Cosine similarity: 0 for nothing in common, 1 for the same terms in the same proportions.
    pub fn cosine(&self, other: &Vector) -> f64 {
        let (small, large) = if self.0.len() <= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        small
            .0
            .iter()
            .filter_map(|(t, w)| large.0.get(t).map(|v| w * v))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Terms {
        words.iter().map(|w| (w.to_string(), 1.0)).collect()
    }

    #[test]
    fn rare_terms_weigh_more_and_cosine_is_bounded() {
        let corpus = Corpus {
            documents: 10,
            frequency: HashMap::from([("ai".into(), 9), ("mesh".into(), 1)]),
        };
        assert!(corpus.idf("mesh") > corpus.idf("ai"));
        let a = corpus.vector(&terms(&["ai", "mesh"]));
        let b = corpus.vector(&terms(&["mesh"]));
        let c = corpus.vector(&terms(&["cache"]));
        assert!((a.cosine(&a) - 1.0).abs() < 1e-9);
        assert!(a.cosine(&b) > 0.5 && a.cosine(&b) < 1.0);
        assert_eq!(a.cosine(&c), 0.0);
    }
}
