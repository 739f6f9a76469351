//! What fetching remembers between runs, in `.digest/`: the HTTP validators
//! of every feed (`http.json`), for conditional requests, and the health of
//! every source (`health.json`, see [`crate::health`]), for `digest
//! sources` and the site.
//!
//! Both are machine state, not content: deleting them costs one full
//! download of every feed and the history of failures, nothing else.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::store::write_atomic;

/// The validators a server gave for a feed's last full answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    /// The `ETag` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validator {
    /// Whether there is anything to send back.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// Validators by source and feed URL.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Validators {
    /// Source name and feed URL, joined by a newline, to validators.
    pub feeds: BTreeMap<String, Validator>,
}

/// The key of a source's validators: its name and its feed's address, so
/// that two sources never share them, and a feed that moves starts afresh.
pub fn validator_key(source: &crate::config::Source) -> String {
    format!("{}\n{}", source.name, source.feed)
}

/// Fingerprints of the feed entries stored so far, by source and item id:
/// an entry a source serves again unchanged is not read into an item again.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fingerprints {
    /// Source name and item id, joined by a newline, to the fingerprint of its entry.
    pub entries: BTreeMap<String, String>,
}

/// Reads a state file; a missing file is the default, an unreadable one is
/// reported and replaced by the default (state can always be rebuilt).
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> T {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return T::default(),
        Err(e) => {
            tracing::warn!("cannot read {}: {e}; starting it afresh", path.display());
            return T::default();
        }
    };
    serde_json::from_str(&text).unwrap_or_else(|e| {
        tracing::warn!("{} is damaged ({e}); starting it afresh", path.display());
        T::default()
    })
}

/// Writes a state file whole.
pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("cannot encode state")?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use crate::health::Health;

    #[test]
    fn health_written_before_full_text_still_reads() {
        let old = r#"{"sources":{"A":{"last_success":"2025-07-23T06:00:00Z","last_error":null,
            "last_error_at":null,"consecutive_failures":0,"items_stored":4}}}"#;
        let health: Health = serde_json::from_str(old).unwrap();
        assert_eq!(health.sources["A"].items_stored, 4);
        assert_eq!(health.sources["A"].full_text_note, None);
        let written = serde_json::to_string(&health).unwrap();
        assert!(!written.contains("full_text_note"), "{written}");
    }
}
