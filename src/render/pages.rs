//! The HTML pages: editions, index, archive, companies, sources and their
//! health, subscribe, and a page for addresses that do not exist.
//!
//! Each page gets `site` (the `[site]` table), `root` (the relative path
//! back to the site's root, so that the site works from any folder and
//! from the disk) and `path` (its own path, for its canonical address).

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::model::{CompanyView, EditionView, Model, SourceView};
use super::templates::Templates;
use crate::config::Site;

/// Recent editions listed on the index page, beside the latest.
const RECENT: usize = 10;

/// The page of edition `i` of `views` (newest first), linking to the one
/// before and after.
pub fn edition(
    templates: &Templates,
    site: &Site,
    views: &[EditionView],
    i: usize,
) -> Result<String> {
    let edition = &views[i];
    let mut context = base_context(site, &edition.url);
    context.insert("edition", edition);
    context.insert("next", &i.checked_sub(1).map(|n| &views[n]));
    context.insert("previous", &views.get(i + 1));
    templates.render("edition.html", &context)
}

/// The index: the latest edition in full and the recent ones by title.
pub fn index(templates: &Templates, site: &Site, model: &Model) -> Result<String> {
    let mut context = base_context(site, "index.html");
    let views = &model.editions;
    context.insert("latest", &views.first());
    context.insert(
        "recent",
        &views.iter().skip(1).take(RECENT).collect::<Vec<_>>(),
    );
    templates.render("index.html", &context)
}

/// Editions listed on the index page beside the latest.
pub fn recent(model: &Model) -> impl Iterator<Item = &EditionView> {
    model.editions.iter().skip(1).take(RECENT)
}

/// The archive: every edition, by month.
pub fn archive(templates: &Templates, site: &Site, views: &[EditionView]) -> Result<String> {
    let mut context = base_context(site, "archive.html");
    context.insert("count", &views.len());
    context.insert("months", &months(views));
    templates.render("archive.html", &context)
}

/// The list of companies.
pub fn companies(templates: &Templates, site: &Site, companies: &[CompanyView]) -> Result<String> {
    let mut context = base_context(site, "companies/index.html");
    context.insert("companies", companies);
    templates.render("companies.html", &context)
}

/// A company's page: its articles by year.
pub fn company(templates: &Templates, site: &Site, company: &CompanyView) -> Result<String> {
    let mut context = base_context(site, &company.url);
    context.insert("company", company);
    context.insert("years", &years(&company.items));
    templates.render("company.html", &context)
}

/// The source-health page.
pub fn sources(templates: &Templates, site: &Site, sources: &[SourceView]) -> Result<String> {
    let mut context = base_context(site, "sources/index.html");
    context.insert("sources", sources);
    context.insert("has_health", &sources.iter().any(|s| s.health.is_some()));
    templates.render("sources.html", &context)
}

/// A source's page: its articles by year.
pub fn source(templates: &Templates, site: &Site, source: &SourceView) -> Result<String> {
    let mut context = base_context(site, &source.url);
    context.insert("source", source);
    context.insert("years", &years(&source.items));
    templates.render("source.html", &context)
}

/// How to subscribe: the feeds, the company feeds, the OPML file.
pub fn subscribe(templates: &Templates, site: &Site, companies: &[CompanyView]) -> Result<String> {
    let mut context = base_context(site, "subscribe.html");
    context.insert("companies", companies);
    templates.render("subscribe.html", &context)
}

/// The page a host shows at any address that does not exist. Its links
/// start from the site's root path rather than from where it happens to be.
pub fn not_found(templates: &Templates, site: &Site) -> Result<String> {
    let mut context = base_context(site, "404.html");
    context.insert("root", site.base_url.path());
    templates.render("404.html", &context)
}

/// A month of the archive.
#[derive(Serialize)]
struct Month<'a> {
    id: String,
    label: String,
    editions: Vec<&'a EditionView>,
}

/// Editions grouped by month, newest first (`views` is newest first).
fn months(views: &[EditionView]) -> Vec<Month<'_>> {
    let mut months: Vec<Month> = Vec::new();
    for view in views {
        let key = &view.date[..7];
        let id = format!("m-{key}");
        if months.last().is_none_or(|m| m.id != id) {
            let first =
                NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").unwrap_or_default();
            months.push(Month {
                id,
                label: first.format("%B %Y").to_string(),
                editions: Vec::new(),
            });
        }
        months.last_mut().expect("a month").editions.push(view);
    }
    months
}

/// A year of a company's or source's items.
#[derive(Serialize)]
struct Year<'a, T> {
    id: String,
    label: String,
    items: Vec<&'a T>,
}

/// Items grouped by year, newest first (`items` is newest first).
fn years<T: Dated>(items: &[T]) -> Vec<Year<'_, T>> {
    let mut years: Vec<Year<T>> = Vec::new();
    for item in items {
        let label = &item.date()[..4];
        if years.last().is_none_or(|y| y.label != label) {
            years.push(Year {
                id: format!("y-{label}"),
                label: label.to_string(),
                items: Vec::new(),
            });
        }
        years.last_mut().expect("a year").items.push(item);
    }
    years
}

/// Something listed by date, as `yyyy-mm-dd`.
trait Dated {
    fn date(&self) -> &str;
}

impl Dated for super::model::ItemView {
    fn date(&self) -> &str {
        &self.date
    }
}

impl<T: Dated> Dated for std::sync::Arc<T> {
    fn date(&self) -> &str {
        self.as_ref().date()
    }
}

/// What every page gets: the site, the way back to its root, and its own path.
pub fn base_context(site: &Site, path: &str) -> tera::Context {
    #[derive(Serialize)]
    struct SiteView<'a> {
        title: &'a str,
        description: &'a str,
        language: &'a str,
        base_url: &'a str,
        author: Option<&'a str>,
    }
    let mut context = tera::Context::new();
    context.insert(
        "site",
        &SiteView {
            title: &site.title,
            description: &site.description,
            language: &site.language,
            base_url: site.base_url.as_str(),
            author: site.author.as_deref(),
        },
    );
    context.insert("root", &"../".repeat(path.matches('/').count()));
    context.insert("path", path);
    context
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_climbs_out_of_subfolders() {
        let site = crate::config::Config::parse(
            "[site]\ntitle = \"T\"\nbase_url = \"https://e.example/\"\n",
            std::path::Path::new("sources.toml"),
        )
        .unwrap()
        .site;
        let root = |path: &str| {
            base_context(&site, path)
                .get("root")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap()
        };
        assert_eq!(root("index.html"), "");
        assert_eq!(root("editions/2025-07-22.html"), "../");
    }
}
