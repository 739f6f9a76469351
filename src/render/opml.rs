//! `sources.opml`: the sources the newsletter follows, as an OPML 2.0 list
//! that any feed reader imports, to follow them directly.

use std::fmt::Write;

use super::feed::html_escape;
use super::model::absolute;
use crate::config::Config;

/// The enabled sources, by name, one outline each.
pub fn opml(config: &Config) -> String {
    let site = &config.site;
    let mut sources: Vec<_> = config.enabled_sources().collect();
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    let _ = writeln!(
        xml,
        "  <head>\n    <title>{}: the sources</title>\n    <ownerId>{}</ownerId>\n    <docs>http://opml.org/spec2.opml</docs>\n  </head>",
        html_escape(&site.title),
        html_escape(&absolute(site, "sources/index.html"))
    );
    let _ = writeln!(
        xml,
        "  <body>\n    <outline text=\"{}\">",
        html_escape(&site.title)
    );
    for source in sources {
        let _ = writeln!(
            xml,
            "      <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{feed}\" category=\"{company}\"/>",
            name = html_escape(&source.name),
            feed = html_escape(source.feed.as_str()),
            company = html_escape(&source.company.replace(['/', ','], " ")),
        );
    }
    xml.push_str("    </outline>\n  </body>\n</opml>\n");
    xml
}
