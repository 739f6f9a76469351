//! Which company an article is about.
//!
//! A company's own blog speaks for that company. An aggregator (InfoQ,
//! ByteByteGo, O'Reilly Radar, The Batch) writes about many: its article is
//! credited to the company its title names, or else the company its opening
//! paragraphs name most often, and to the publication when none stands out.

use crate::config::{Config, SourceKind};

/// Well-known engineering organisations, beside those of `sources.toml`.
const KNOWN: &[&str] = &[
    "Adobe",
    "Airbnb",
    "Alibaba",
    "Amazon",
    "Anthropic",
    "Apple",
    "Atlassian",
    "Baidu",
    "Booking.com",
    "ByteDance",
    "Canva",
    "Capital One",
    "Cloudflare",
    "Coinbase",
    "Confluent",
    "Databricks",
    "Datadog",
    "Discord",
    "Docker",
    "DoorDash",
    "Dropbox",
    "eBay",
    "Elastic",
    "Etsy",
    "Expedia",
    "Figma",
    "GitHub",
    "GitLab",
    "Goldman Sachs",
    "Google",
    "Google DeepMind",
    "Grab",
    "HashiCorp",
    "Hugging Face",
    "IBM",
    "Instacart",
    "Intel",
    "Intuit",
    "JPMorgan",
    "LinkedIn",
    "Lyft",
    "Meta",
    "Microsoft",
    "Mistral AI",
    "MongoDB",
    "Monzo",
    "Mozilla",
    "Netflix",
    "Nubank",
    "NVIDIA",
    "OpenAI",
    "Oracle",
    "PayPal",
    "Pinterest",
    "Red Hat",
    "Reddit",
    "Revolut",
    "Salesforce",
    "Samsung",
    "Shopify",
    "Slack",
    "Snowflake",
    "SoundCloud",
    "Spotify",
    "Square",
    "Stripe",
    "Tesla",
    "Twilio",
    "Twitter",
    "Uber",
    "Vercel",
    "VMware",
    "Walmart",
    "Wix",
    "Yelp",
    "Zalando",
    "Zoom",
];

/// Other names under which a company appears in text.
const ALIASES: &[(&str, &str)] = &[
    ("AWS", "Amazon"),
    ("Amazon Web Services", "Amazon"),
    ("Azure", "Microsoft"),
    ("DeepMind", "Google DeepMind"),
    ("Facebook", "Meta"),
    ("Instagram", "Meta"),
    ("WhatsApp", "Meta"),
    ("Nvidia", "NVIDIA"),
];

/// The names to look for and the company each stands for.
pub struct Companies {
    names: Vec<(String, String)>,
}

impl Companies {
    /// The companies of the configured company sources, the user's extra
    /// names from `[site] companies`, and the built-in list.
    pub fn new(config: &Config) -> Companies {
        let configured = config
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Company)
            .map(|s| s.company.as_str())
            .chain(config.site.companies.iter().map(String::as_str));
        let mut names: Vec<(String, String)> = configured
            .chain(KNOWN.iter().copied())
            .map(|name| (name.to_string(), name.to_string()))
            .chain(
                ALIASES
                    .iter()
                    .map(|(alias, name)| (alias.to_string(), name.to_string())),
            )
            .collect();
        // Longer names first, so "Google DeepMind" wins over "Google".
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        names.dedup_by(|a, b| a.0 == b.0);
        Companies { names }
    }

    /// The company an aggregator's article is about, or `publication`.
    pub fn attribute(&self, title: &str, text: &str, publication: &str) -> String {
        if let Some(company) = self.first_named(title) {
            return company;
        }
        let opening = opening(text, 1500);
        let mut counts: Vec<(usize, &str)> = Vec::new();
        for (name, company) in &self.names {
            let count = count_word(opening, name);
            if count == 0 {
                continue;
            }
            match counts.iter_mut().find(|(_, c)| *c == company) {
                Some(entry) => entry.0 += count,
                None => counts.push((count, company)),
            }
        }
        counts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        match counts.as_slice() {
            [(best, company), rest @ ..]
                if *best >= 2 && rest.first().is_none_or(|r| r.0 < *best) =>
            {
                company.to_string()
            }
            _ => publication.to_string(),
        }
    }

    /// The company whose name comes first in `text`.
    fn first_named(&self, text: &str) -> Option<String> {
        self.names
            .iter()
            .filter_map(|(name, company)| find_word(text, name).map(|at| (at, company)))
            .min_by_key(|(at, _)| *at)
            .map(|(_, company)| company.clone())
    }
}

/// The start of `text`, at most `limit` bytes, cut on a character boundary.
fn opening(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Where `word` first occurs in `text` as a whole word, matching case.
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(at, _)| at)
        .find(|&at| is_whole_word(text, at, word.len()))
}

fn count_word(text: &str, word: &str) -> usize {
    text.match_indices(word)
        .filter(|(at, _)| is_whole_word(text, *at, word.len()))
        .count()
}

fn is_whole_word(text: &str, at: usize, length: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + length..].chars().next();
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    boundary(before) && boundary(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn companies() -> Companies {
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://e.org/\"\ncompanies = [\"Monzo Bank\"]\n\
                    [[source]]\nname = \"N\"\ncompany = \"Netflix\"\nkind = \"company\"\nfeed = \"https://n.example/\"\n";
        Companies::new(&Config::parse(text, Path::new("sources.toml")).unwrap())
    }

    #[test]
    fn the_title_names_the_company() {
        let c = companies();
        assert_eq!(
            c.attribute(
                "Neobank Monzo Builds Governed Data Mesh Across 100 Teams",
                "",
                "InfoQ"
            ),
            "Monzo"
        );
        assert_eq!(
            c.attribute("How Facebook scaled Memcache", "", "InfoQ"),
            "Meta"
        );
        assert_eq!(
            c.attribute("Google DeepMind ships Gemini", "", "InfoQ"),
            "Google DeepMind"
        );
    }

    #[test]
    fn the_opening_decides_when_the_title_does_not() {
        let c = companies();
        let text = "Engineers at Netflix described their new pipeline. Netflix runs it on Titus.";
        assert_eq!(
            c.attribute("A new streaming pipeline", text, "InfoQ"),
            "Netflix"
        );
        assert_eq!(
            c.attribute("Java 21 is out", "Oracle released Java.", "InfoQ"),
            "InfoQ"
        );
    }

    #[test]
    fn words_inside_other_words_do_not_count() {
        let c = companies();
        assert_eq!(
            c.attribute("Metadata at scale", "Metadata Metadata", "InfoQ"),
            "InfoQ"
        );
        assert_eq!(c.attribute("Squared away", "", "InfoQ"), "InfoQ");
    }
}
