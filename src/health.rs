//! Source health: how each source fared in recent fetch runs, kept in
//! `.digest/health.json`.
//!
//! The fetch phase writes the file; the source-health page and
//! `digest sources` read it. A site without the file (never fetched, or
//! `.digest/` deleted) simply shows no health, so reading never fails on a
//! missing file. The shape, agreed between both sides:
//!
//! ```json
//! {"sources": {"Netflix Tech Blog": {
//!     "last_success": "2025-07-22T06:15:02Z", "last_error": null,
//!     "last_error_at": null, "consecutive_failures": 0, "items_stored": 412}}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The health of every source that has been fetched, by source name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// One record per source name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceHealth>,
}

/// How one source fared.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceHealth {
    /// When its feed was last read and parsed without error.
    #[serde(default)]
    pub last_success: Option<DateTime<FixedOffset>>,
    /// Why the last failed attempt failed.
    #[serde(default)]
    pub last_error: Option<String>,
    /// When the last failed attempt was made.
    #[serde(default)]
    pub last_error_at: Option<DateTime<FixedOffset>>,
    /// Failed attempts since the last success.
    #[serde(default)]
    pub consecutive_failures: u32,
    /// Items this source has stored, over all runs.
    #[serde(default)]
    pub items_stored: u64,
    /// Why its articles were last not read from their pages, when the site
    /// asked not to be (robots.txt); absent once pages are read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_text_note: Option<String>,
}

impl Health {
    /// The file under a site's state directory.
    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join("health.json")
    }

    /// Reads `.digest/health.json`; a missing file is an empty record.
    pub fn load(state_dir: &Path) -> Result<Health> {
        let path = Health::path(state_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Health::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not valid source health; delete it and the next fetch writes it again",
                path.display()
            )
        })
    }

    /// The record of the source with this name, if it has one.
    pub fn source(&self, name: &str) -> Option<&SourceHealth> {
        self.sources.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_no_health() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Health::load(dir.path()).unwrap(), Health::default());
    }

    #[test]
    fn the_agreed_shape_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let json = r#"{"sources": {"Acme": {"last_success": "2025-07-22T06:15:02Z",
            "last_error": "HTTP 503", "last_error_at": "2025-07-21T06:15:00+02:00",
            "consecutive_failures": 0, "items_stored": 12}}}"#;
        std::fs::write(dir.path().join("health.json"), json).unwrap();
        let health = Health::load(dir.path()).unwrap();
        let acme = health.source("Acme").unwrap();
        assert_eq!(acme.items_stored, 12);
        assert_eq!(acme.last_error.as_deref(), Some("HTTP 503"));
        assert_eq!(
            acme.last_error_at.unwrap().to_rfc3339(),
            "2025-07-21T06:15:00+02:00"
        );
    }

    #[test]
    fn a_broken_file_says_how_to_fix_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("health.json"), "{").unwrap();
        let err = format!("{:#}", Health::load(dir.path()).unwrap_err());
        assert!(
            err.contains("health.json") && err.contains("delete it"),
            "{err}"
        );
    }
}
