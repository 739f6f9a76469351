//! The folder a render writes: built beside `public/` and swapped in whole,
//! so that a failed or killed render leaves the previous site in place.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes `bytes` to `relative` below `dir`, a folder being built, creating
/// the folders it needs.
pub fn write_new(dir: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// An empty folder named `name` in `root`, for a render to write into.
pub fn fresh_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let staging = root.join(name);
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove the leftover {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    Ok(staging)
}

/// Replaces `public` with `staging`: the old site stays until the new one is whole.
pub fn swap_into_place(staging: &Path, public: &Path) -> Result<()> {
    let old = public.with_file_name(".public.old");
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    if public.exists() {
        std::fs::rename(public, &old)
            .with_context(|| format!("cannot move {} aside", public.display()))?;
    }
    std::fs::rename(staging, public)
        .with_context(|| format!("cannot move the new site to {}", public.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(())
}
