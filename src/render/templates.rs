//! The templates pages are rendered with: built into digest, each one
//! replaced by a file of the same name in the site's `templates/`.
//!
//! Errors name the file a template came from (the site's file, or "the
//! built-in template") and the line, whether the template fails to parse or
//! fails while rendering a page.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use tera::{ErrorKind, Tera};

use crate::store::read_text;

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("edition.html", include_str!("../../templates/edition.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "companies.html",
        include_str!("../../templates/companies.html"),
    ),
    ("company.html", include_str!("../../templates/company.html")),
    ("items.html", include_str!("../../templates/items.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("source.html", include_str!("../../templates/source.html")),
    (
        "subscribe.html",
        include_str!("../../templates/subscribe.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("email.html", include_str!("../../templates/email.html")),
    ("email.txt", include_str!("../../templates/email.txt")),
];

/// One template's text and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The template's name, such as `edition.html`.
    pub name: String,
    /// `templates/edition.html`, or `the built-in edition.html`.
    pub origin: String,
    /// Its text.
    pub text: String,
}

/// The loaded templates, with the origin of each for error messages.
pub struct Templates {
    tera: Tera,
    origins: BTreeMap<String, String>,
    fingerprint: String,
}

impl Templates {
    /// Loads the built-in templates and the site's replacements from `dir`.
    pub fn load(dir: &Path) -> Result<Templates> {
        let sources = sources(dir)?;
        let origins: BTreeMap<String, String> = sources
            .iter()
            .map(|s| (s.name.clone(), s.origin.clone()))
            .collect();
        let mut tera = Tera::new();
        tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())))
            .map_err(|e| anyhow!("{}", describe(&e, &origins)))?;
        let texts: Vec<String> = sources
            .iter()
            .map(|s| format!("{}\n{}", s.name, s.text))
            .collect();
        let fingerprint = crate::hash::hex(&texts.join("\u{0}"));
        Ok(Templates {
            tera,
            origins,
            fingerprint,
        })
    }

    /// A hash of every template's name and text.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Renders the template `name` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| anyhow!("{}", describe(&e, &self.origins)))
    }
}

/// Every template: the built-in ones, each replaced by a same-name file of
/// `dir`, and the site's own extra templates (for `{% include %}`).
pub fn sources(dir: &Path) -> Result<Vec<TemplateSource>> {
    let mut sources: BTreeMap<String, TemplateSource> = BUILT_IN
        .iter()
        .map(|(name, text)| {
            let source = TemplateSource {
                name: name.to_string(),
                origin: format!("the built-in {name}"),
                text: text.to_string(),
            };
            (name.to_string(), source)
        })
        .collect();
    for path in template_files(dir)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let source = TemplateSource {
            name: name.clone(),
            origin: path.display().to_string(),
            text: read_text(&path)?,
        };
        sources.insert(name, source);
    }
    Ok(sources.into_values().collect())
}

/// The `.html`, `.xml` and `.txt` files of a site's `templates/`, sorted.
fn template_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "html" || e == "xml" || e == "txt")
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Checks the syntax of each template on its own, so that every broken
/// template is reported, not only the first. Returns one message per error.
pub fn syntax_problems(sources: &[TemplateSource]) -> Vec<String> {
    let origins: BTreeMap<String, String> = sources
        .iter()
        .map(|s| (s.name.clone(), s.origin.clone()))
        .collect();
    let mut problems = Vec::new();
    for source in sources {
        let mut tera = Tera::new();
        if let Err(e) = tera.add_raw_template(&source.name, &source.text)
            && matches!(e.kind(), ErrorKind::SyntaxError(_))
        {
            problems.push(describe(&e, &origins));
        }
    }
    problems
}

/// A template error as "FILE, line N: what is wrong", followed by Tera's
/// own report of the line when it has one.
pub fn describe(error: &tera::Error, origins: &BTreeMap<String, String>) -> String {
    let origin = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("template {name}"))
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            format!(
                "{}, line {}, column {}: {}\n{error}",
                origin(report.filename()),
                span.start_line,
                span.start_col + 1,
                report.message()
            )
        }
        ErrorKind::MissingParent { current, parent } => format!(
            "{}: extends \"{parent}\", which is neither built in nor in templates/",
            origin(current)
        ),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            format!("{}: {error}", origin(tpl))
        }
        _ => format!("a template is wrong: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(name: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        dir
    }

    #[test]
    fn built_in_templates_load() {
        let dir = tempfile::tempdir().unwrap();
        Templates::load(dir.path()).unwrap();
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let dir = site_with(
            "edition.html",
            "{% extends \"base.html\" %}\n\n{% block main %}{{ x \n",
        );
        let err = Templates::load(dir.path()).err().unwrap().to_string();
        let file = dir.path().join("edition.html").display().to_string();
        assert!(err.starts_with(&format!("{file}, line 3")), "{err}");
        let problems = syntax_problems(&sources(dir.path()).unwrap());
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_rendering_error_names_the_file_and_line() {
        let dir = site_with("archive.html", "<p>\n{{ missing.value }}</p>\n");
        let templates = Templates::load(dir.path()).unwrap();
        let err = templates
            .render("archive.html", &tera::Context::new())
            .unwrap_err()
            .to_string();
        let file = dir.path().join("archive.html").display().to_string();
        assert!(err.starts_with(&format!("{file}, line 2")), "{err}");
    }
}
