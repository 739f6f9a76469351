//! Stable hashes for ids and file names: SHA-256, written in hex.

use sha2::{Digest, Sha256};

/// The full SHA-256 of `text`, in lowercase hex.
pub fn hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first 8 hex digits of the SHA-256 of `text`: enough to tell file
/// names apart within one folder and day.
pub fn short(text: &str) -> String {
    hex(text)[..8].to_string()
}
