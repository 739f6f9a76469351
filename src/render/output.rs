//! The folder a render writes: built beside `public/` and swapped in whole,
//! so that a failed or killed render leaves the previous site in place.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::templates::Templates;

/// The folder being written, and the files it holds.
pub struct Output {
    root: PathBuf,
    written: HashSet<String>,
}

impl Output {
    /// Writes into `root`, which must exist.
    pub fn new(root: &Path) -> Output {
        Output {
            root: root.to_path_buf(),
            written: HashSet::new(),
        }
    }

    /// Files written so far (a file of `static/` that replaces a built-in
    /// one counts once).
    pub fn files(&self) -> usize {
        self.written.len()
    }

    /// Writes `bytes` to `relative`, creating its folders.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.written.insert(relative.to_string());
        Ok(())
    }

    /// Renders `template` with `context` into `relative`.
    pub fn render(
        &mut self,
        templates: &Templates,
        template: &str,
        context: &tera::Context,
        relative: &str,
    ) -> Result<()> {
        let html = templates
            .render(template, context)
            .with_context(|| format!("cannot render {relative}"))?;
        self.write(relative, html.as_bytes())
    }

    /// Copies every file of `dir` (the site's `static/`) as it is.
    pub fn copy_static(&mut self, dir: &Path) -> Result<()> {
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&next) else {
                continue;
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let relative = path
                    .strip_prefix(dir)
                    .expect("below static/")
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                self.write(&relative, &bytes)?;
            }
        }
        Ok(())
    }
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
