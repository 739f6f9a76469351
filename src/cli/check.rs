//! `digest check`: validates the configuration, every template and every
//! content file, and reports every problem at once, each with its file and
//! line, before exiting 1 if there was any. Nothing is written: the site is
//! rendered into a temporary folder to catch errors that only rendering
//! finds, then thrown away.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use tracing::{error, info};

use super::Status;
use crate::compose::edition::Edition;
use crate::config::Config;
use crate::item::Item;
use crate::layout::Layout;
use crate::progress::Progress;
use crate::render::{self, templates};
use crate::store::{markdown_files, read_text};

/// Checks the site and logs every problem.
pub fn run(layout: &Layout) -> Result<Status> {
    let mut problems: Vec<String> = Vec::new();
    let config = match Config::load(layout.config()) {
        Ok(config) => Some(config),
        Err(e) => {
            problems.push(format!("{e:#}"));
            None
        }
    };
    let template_count = check_templates(layout, &mut problems);
    let ids = check_items(layout, &mut problems)?;
    let editions = check_editions(layout, &ids, &mut problems)?;
    if let Some(config) = &config
        && problems.is_empty()
    {
        let dir = tempfile::tempdir()?;
        if let Err(e) = render::render_into(layout, config, dir.path()) {
            problems.push(format!("{e:#}"));
        }
    }

    for problem in &problems {
        error!("{problem}");
    }
    let summary = format!(
        "checked {}, {template_count} templates, {} items and {editions} editions",
        layout.config().display(),
        ids.len()
    );
    if problems.is_empty() {
        info!("{summary}: no problems");
        Ok(Status::Done)
    } else {
        let n = problems.len();
        error!(
            "{summary}: {n} {}",
            if n == 1 { "problem" } else { "problems" }
        );
        Ok(Status::Problems(n))
    }
}

/// Checks each template's syntax on its own; returns how many there are.
fn check_templates(layout: &Layout, problems: &mut Vec<String>) -> usize {
    match templates::sources(&layout.templates_dir()) {
        Ok(sources) => {
            problems.extend(templates::syntax_problems(&sources));
            sources.len()
        }
        Err(e) => {
            problems.push(format!("{e:#}"));
            0
        }
    }
}

/// Reads every item; returns the ids of those that are valid.
fn check_items(layout: &Layout, problems: &mut Vec<String>) -> Result<HashSet<String>> {
    let files = markdown_files(&layout.items_dir())?;
    let progress = Progress::bar(files.len(), "items");
    let mut first_file: HashMap<String, std::path::PathBuf> = HashMap::new();
    for path in &files {
        progress.inc();
        let item = match read_text(path).and_then(|text| Ok((Item::parse(&text, path)?, text))) {
            Ok(item) => item,
            Err(e) => {
                problems.push(format!("{e:#}"));
                continue;
            }
        };
        let (item, text) = item;
        let line = line_of(&text, "id = ");
        if let Some(other) = first_file.get(&item.meta.id) {
            problems.push(format!(
                "{}, line {line}: id \"{}\" is also the id of {}; an id names one article",
                path.display(),
                item.meta.id,
                other.display()
            ));
            continue;
        }
        if !(item.meta.url.starts_with("https://") || item.meta.url.starts_with("http://")) {
            let line = line_of(&text, "url = ");
            problems.push(format!(
                "{}, line {line}: url \"{}\" must be an absolute http or https address",
                path.display(),
                item.meta.url
            ));
        }
        first_file.insert(item.meta.id, path.clone());
    }
    Ok(first_file.into_keys().collect())
}

/// Reads every edition and checks that its items exist; returns how many there are.
fn check_editions(
    layout: &Layout,
    ids: &HashSet<String>,
    problems: &mut Vec<String>,
) -> Result<usize> {
    let files = markdown_files(&layout.editions_dir())?;
    let progress = Progress::bar(files.len(), "editions");
    for path in &files {
        progress.inc();
        match Edition::read(path) {
            Ok(edition) => check_edition(path, &edition, ids, problems),
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    Ok(files.len())
}

fn check_edition(
    path: &Path,
    edition: &Edition,
    ids: &HashSet<String>,
    problems: &mut Vec<String>,
) {
    let text = read_text(path).unwrap_or_default();
    let meta = &edition.meta;
    let expected = format!("{}.md", meta.date.format("%Y-%m-%d"));
    if path.file_name().and_then(|n| n.to_str()) != Some(expected.as_str()) {
        problems.push(format!(
            "{}, line {}: the date is {} but the file is not named {expected}",
            path.display(),
            line_of(&text, "date = "),
            meta.date
        ));
    }
    for id in meta.items.iter().filter(|id| !ids.contains(id.as_str())) {
        problems.push(format!(
            "{}, line {}: item \"{id}\" is not in content/items/",
            path.display(),
            line_after(&text, "items = ", &format!("\"{id}\""))
        ));
    }
    if let Some(signal) = &meta.signal
        && !meta.items.contains(signal)
    {
        problems.push(format!(
            "{}, line {}: the signal \"{signal}\" is not one of the edition's items",
            path.display(),
            line_of(&text, "signal = ")
        ));
    }
}

/// The 1-based line of the first occurrence of `needle`, or 1.
fn line_of(text: &str, needle: &str) -> usize {
    line_after(text, "", needle)
}

/// The 1-based line of the first `needle` after the first `marker`, or 1.
fn line_after(text: &str, marker: &str, needle: &str) -> usize {
    let from = text.find(marker).unwrap_or(0);
    text[from..]
        .find(needle)
        .map_or(1, |at| text[..from + at].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_one() {
        assert_eq!(line_of("a\nb = 1\n", "b = "), 2);
        assert_eq!(line_of("a", "zzz"), 1);
        assert_eq!(
            line_after("x = \"a\"\nitems = [\"a\"]\n", "items = ", "\"a\""),
            2
        );
    }
}
