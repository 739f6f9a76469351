//! `digest init [DIR]`: a new site that builds as it is made.
//!
//! It writes `sources.toml` (the `[site]` table with every key explained,
//! and two example sources), an empty `content/` and a `.gitignore`; the
//! templates and stylesheet are built into digest, and `--with-templates`
//! copies them out for a site that wants to change them.

use std::path::Path;

use anyhow::{Context, Result, bail};
use tracing::info;

use crate::render::templates::BUILT_IN;
use crate::render::{FAVICON, STYLE};
use crate::store::write_atomic;

/// The `sources.toml` of a new site.
pub const SAMPLE_CONFIG: &str = r#"# The configuration of this digest: a [site] table, then one [[source]]
# per feed. Unknown keys are refused, with the line they are on.

[site]
title = "My Engineering Digest"
# Where public/ will be published; feeds and the sitemap link to it.
base_url = "https://digest.example.com/"
description = "A daily digest of the engineering blogs I follow."
# author = "Your Name"
language = "en"
# The day an article belongs to is decided in this time zone (IANA name).
timezone = "UTC"
# A day closes at this hour (0 = midnight); its edition is written after.
day_closes_at = 0
# Deep Dives per edition, beside the Signal of the Day.
deep_dives = 8
# Editions listed in rss.xml, atom.xml and feed.json.
feed_entries = 20

# A company's own blog: its articles are about that company.
[[source]]
name = "Netflix Tech Blog"
company = "Netflix"
kind = "company"
feed = "https://netflixtechblog.com/feed"

[[source]]
name = "The GitHub Blog"
company = "GitHub"
kind = "company"
feed = "https://github.blog/feed/"

# A publication about many companies: each article's company is read
# from its text. Set enabled = false to keep a source without fetching it.
[[source]]
name = "InfoQ"
company = "InfoQ"
kind = "aggregator"
feed = "https://feed.infoq.com/"
enabled = false
"#;

const GITIGNORE: &str = "/public\n/.digest\n/.public.new\n/.public.old\n";

/// Makes a new site in `dir`.
pub fn run(dir: &Path, with_templates: bool) -> Result<()> {
    let config = dir.join("sources.toml");
    if config.exists() {
        bail!(
            "{} exists: {} is a site already, and init leaves it as it is",
            config.display(),
            dir.display()
        );
    }
    for folder in ["content/items", "content/issues"] {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    write_atomic(&config, SAMPLE_CONFIG.as_bytes())?;
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        write_atomic(&gitignore, GITIGNORE.as_bytes())?;
    }
    if with_templates {
        copy_templates(dir)?;
    }
    info!(
        "made a new site in {}: edit sources.toml, then run `digest -C {} build`",
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// Writes the built-in templates to `templates/` and the stylesheet to `static/`.
fn copy_templates(dir: &Path) -> Result<()> {
    for (name, text) in BUILT_IN {
        write_atomic(&dir.join("templates").join(name), text.as_bytes())?;
    }
    write_atomic(&dir.join("static/style.css"), STYLE.as_bytes())?;
    write_atomic(&dir.join("static/favicon.svg"), FAVICON.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_sample_configuration_is_valid() {
        let config = Config::parse(SAMPLE_CONFIG, Path::new("sources.toml")).unwrap();
        assert_eq!(config.sources.len(), 3);
        assert_eq!(config.enabled_sources().count(), 2);
    }

    #[test]
    fn an_existing_site_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sources.toml"), "mine").unwrap();
        let err = run(dir.path(), false).unwrap_err().to_string();
        assert!(err.contains("is a site already"), "{err}");
        let kept = std::fs::read_to_string(dir.path().join("sources.toml")).unwrap();
        assert_eq!(kept, "mine");
    }
}
