//! `robots.txt`: the paths of a site that its owner asks crawlers to leave
//! alone.
//!
//! Read as RFC 9309 describes: rules sit in groups under one or more
//! `user-agent` lines; digest follows the groups that name its product token
//! (`digest`), all of them combined, or else the `*` groups. Of the rules
//! that match a path, the longest wins, and `allow` wins a tie; `*` in a
//! rule matches any run of characters and a final `$` anchors it at the end
//! of the path. Other lines (`sitemap`, `crawl-delay`) are ignored. A site
//! whose `robots.txt` cannot be read because the server fails is treated as
//! disallowing everything, as the RFC asks.

/// The product token that `user-agent` lines name digest by.
pub const AGENT: &str = "digest";

/// One `allow` or `disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    allow: bool,
    pattern: String,
}

/// What one site's `robots.txt` asks of digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Robots {
    /// These rules apply (none: everything is allowed).
    Rules(Vec<Rule>),
    /// The file could not be read, for this reason: nothing may be fetched.
    Unreachable(String),
}

impl Robots {
    /// A site without rules for anyone.
    pub fn allow_all() -> Robots {
        Robots::Rules(Vec::new())
    }

    /// The rules of `text` that apply to the crawler named `agent`.
    pub fn parse(text: &str, agent: &str) -> Robots {
        let groups = groups(text);
        let named = |wanted: &dyn Fn(&str) -> bool| -> Vec<Rule> {
            groups
                .iter()
                .filter(|(agents, _)| agents.iter().any(|a| wanted(a)))
                .flat_map(|(_, rules)| rules.iter().cloned())
                .collect()
        };
        let agent = agent.to_ascii_lowercase();
        let own = |a: &str| a == agent || a.split('/').next() == Some(agent.as_str());
        let ours = groups
            .iter()
            .any(|(agents, _)| agents.iter().any(|a| own(a)));
        if ours {
            Robots::Rules(named(&own))
        } else {
            Robots::Rules(named(&|a| a == "*"))
        }
    }

    /// Whether `path` (with its query) may be fetched; when not, the reason.
    pub fn check(&self, path: &str) -> Result<(), String> {
        let rules = match self {
            Robots::Rules(rules) => rules,
            Robots::Unreachable(why) => return Err(why.clone()),
        };
        let decisive = rules
            .iter()
            .filter(|rule| matches(&rule.pattern, path))
            .max_by_key(|rule| (rule.pattern.len(), rule.allow));
        match decisive {
            Some(rule) if !rule.allow => Err(format!(
                "disallows {path} for {AGENT} (rule \"Disallow: {}\")",
                rule.pattern
            )),
            _ => Ok(()),
        }
    }
}

/// The groups of a file: the agents each names (lowercase) and its rules.
fn groups(text: &str) -> Vec<(Vec<String>, Vec<Rule>)> {
    let mut groups: Vec<(Vec<String>, Vec<Rule>)> = Vec::new();
    let mut naming_agents = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "user-agent" => {
                if !naming_agents {
                    groups.push((Vec::new(), Vec::new()));
                }
                naming_agents = true;
                if let Some((agents, _)) = groups.last_mut() {
                    agents.push(value.to_ascii_lowercase());
                }
            }
            "allow" | "disallow" => {
                naming_agents = false;
                if let Some((_, rules)) = groups.last_mut()
                    && !value.is_empty()
                {
                    rules.push(Rule {
                        allow: key == "allow",
                        pattern: percent_encode_non_ascii(value),
                    });
                }
            }
            _ => {}
        }
    }
    groups
}

/// Whether a rule's pattern matches a path: `*` is any run of characters,
/// a final `$` ends the path, and otherwise the pattern is a prefix.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(pattern) => (pattern, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return !anchored || rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    if anchored {
        rest.ends_with(last)
    } else {
        rest.contains(last)
    }
}

/// Writes the non-ASCII characters of a rule as a URL path writes them.
fn percent_encode_non_ascii(pattern: &str) -> String {
    let mut encoded = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if c.is_ascii() {
            encoded.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(text: &str, path: &str) -> bool {
        Robots::parse(text, AGENT).check(path).is_ok()
    }

    #[test]
    fn the_group_naming_digest_wins_over_the_star_group() {
        let text = "User-agent: *\nDisallow: /\n\nUser-agent: Digest\nAllow: /blog/\nDisallow: /";
        assert!(allowed(text, "/blog/post"));
        assert!(!allowed(text, "/about"));
        let others = "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /";
        assert!(allowed(others, "/blog/post"));
        assert!(!allowed(others, "/private/x"));
    }

    #[test]
    fn groups_naming_digest_are_combined_and_agents_share_a_group() {
        let text = "user-agent: a\nuser-agent: digest/2.0\ndisallow: /x\n\
                    sitemap: https://s.example/map.xml\n\
                    user-agent: digest\ndisallow: /y # comment\n";
        assert!(!allowed(text, "/x/1"));
        assert!(!allowed(text, "/y/1"));
        assert!(allowed(text, "/z"));
    }

    #[test]
    fn the_longest_rule_wins_and_allow_wins_a_tie() {
        let text = "User-agent: *\nDisallow: /news/\nAllow: /news/public/\nDisallow: /a\nAllow: /a";
        assert!(!allowed(text, "/news/secret"));
        assert!(allowed(text, "/news/public/1"));
        assert!(allowed(text, "/a"));
    }

    #[test]
    fn wildcards_and_end_anchors() {
        let text = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp*/drafts\nDisallow: /exact$";
        assert!(!allowed(text, "/papers/x.pdf"));
        assert!(allowed(text, "/papers/x.pdf?download=1"));
        assert!(!allowed(text, "/tmp-1/drafts/9"));
        assert!(!allowed(text, "/exact"));
        assert!(allowed(text, "/exact/more"));
        assert!(!allowed(
            "User-agent: *\nDisallow: /café",
            "/caf%C3%A9/menu"
        ));
    }

    #[test]
    fn an_empty_disallow_allows_everything_and_no_group_allows_everything() {
        assert!(allowed("User-agent: *\nDisallow:\n", "/anything"));
        assert!(allowed("Disallow: /\n", "/anything"));
        assert!(allowed("", "/anything"));
    }

    #[test]
    fn an_unreachable_file_disallows_everything_and_says_why() {
        let robots = Robots::Unreachable("HTTP 503".into());
        assert_eq!(robots.check("/a"), Err("HTTP 503".into()));
        let reason = Robots::parse("User-agent: *\nDisallow: /p/", AGENT)
            .check("/p/1")
            .unwrap_err();
        assert_eq!(reason, "disallows /p/1 for digest (rule \"Disallow: /p/\")");
    }
}
