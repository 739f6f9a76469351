//! Where things are in a site directory.
//!
//! A site is a directory holding `sources.toml`, `content/`, `templates/`
//! and `static/`; digest writes `public/` and its own state in `.digest/`.

use std::path::{Path, PathBuf};

/// The paths of one site.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
    config: PathBuf,
}

impl Layout {
    /// The site at `root`, configured by `config` (default `root/sources.toml`).
    pub fn new(root: &Path, config: Option<&Path>) -> Layout {
        let config = match config {
            Some(path) if path.is_absolute() => path.to_path_buf(),
            Some(path) => std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or(path.into()),
            None => root.join("sources.toml"),
        };
        Layout {
            root: root.to_path_buf(),
            config,
        }
    }

    /// The site directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration file.
    pub fn config(&self) -> &Path {
        &self.config
    }

    /// `content/items/`: one markdown file per article.
    pub fn items_dir(&self) -> PathBuf {
        self.root.join("content").join("items")
    }

    /// `content/issues/`: one markdown file per edition.
    pub fn editions_dir(&self) -> PathBuf {
        self.root.join("content").join("issues")
    }

    /// `templates/`: templates that replace the built-in ones.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// `static/`: files copied into the site as they are.
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// `public/`: the built site.
    pub fn public_dir(&self) -> PathBuf {
        self.root.join("public")
    }

    /// `.digest/cache/items.bin`: what the item files said when last read.
    pub fn item_cache(&self) -> PathBuf {
        self.state_dir().join("cache").join("items.bin")
    }

    /// `.digest/cache/editions.bin`: what the edition files said when last read.
    pub fn edition_cache(&self) -> PathBuf {
        self.state_dir().join("cache").join("editions.bin")
    }

    /// `.digest/`: machine state that is not content.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".digest")
    }
}
