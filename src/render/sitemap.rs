//! `sitemap.xml` and `robots.txt`: what search engines need to find every
//! page. Dates come from the content (an edition's day, a company's newest
//! article), never from the clock.

use std::fmt::Write;

use super::feed::html_escape;
use super::model::{Model, absolute};
use crate::config::Site;

/// `sitemap.xml`: every page, with the date it last changed where known.
pub fn sitemap(site: &Site, model: &Model) -> String {
    let newest = model.editions.first().map(|e| e.date.as_str());
    let mut pages: Vec<(String, Option<&str>)> = vec![
        ("index.html".into(), newest),
        ("archive.html".into(), newest),
        ("companies/index.html".into(), None),
        ("sources/index.html".into(), None),
        ("subscribe.html".into(), None),
    ];
    pages.extend(
        model
            .editions
            .iter()
            .map(|e| (e.url.clone(), Some(e.date.as_str()))),
    );
    pages.extend(
        model
            .companies
            .iter()
            .map(|c| (c.url.clone(), Some(c.newest.as_str()))),
    );
    pages.extend(
        model
            .sources
            .iter()
            .map(|s| (s.url.clone(), s.newest.as_deref())),
    );
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in pages {
        let _ = write!(
            xml,
            "  <url><loc>{}</loc>",
            html_escape(&absolute(site, &path))
        );
        if let Some(date) = lastmod {
            let _ = write!(xml, "<lastmod>{date}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be crawled; the sitemap says where it is.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        absolute(site, "sitemap.xml")
    )
}
