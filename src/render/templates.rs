//! The templates pages are rendered with: built into digest, each one
//! replaced by a file of the same name in the site's `templates/`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use tera::Tera;

use crate::store::read_text;

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("edition.html", include_str!("../../templates/edition.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
];

/// Loads the built-in templates and the site's replacements from `dir`.
pub fn load(dir: &Path) -> Result<Tera> {
    let mut sources: BTreeMap<String, (String, String)> = BUILT_IN
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                (format!("built-in template {name}"), text.to_string()),
            )
        })
        .collect();
    if dir.is_dir() {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "xml"))
        {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            sources.insert(name, (path.display().to_string(), read_text(&path)?));
        }
    }
    let mut tera = Tera::new();
    tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str())),
    )
    .map_err(|e| {
        let origins: Vec<&str> = sources
            .values()
            .map(|(origin, _)| origin.as_str())
            .collect();
        anyhow!("a template is wrong ({}):\n{e}", origins.join(", "))
    })?;
    Ok(tera)
}
