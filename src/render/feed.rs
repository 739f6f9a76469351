//! `rss.xml`: RSS 2.0 with one entry per edition, holding its full HTML.
//!
//! Every date in the feed comes from the editions (an edition is dated when
//! its day closes), never from the clock, so the same content gives the
//! same feed.

use std::collections::BTreeMap;

use rss::extension::atom::{AtomExtension, Link};
use rss::{ChannelBuilder, GuidBuilder, ItemBuilder};

use super::EditionView;
use crate::config::Site;

/// Writes the RSS feed of the newest editions (`editions` is newest first).
pub fn rss(site: &Site, editions: &[EditionView]) -> String {
    let entries: Vec<&EditionView> = editions.iter().take(site.feed_entries).collect();
    let items: Vec<rss::Item> = entries
        .iter()
        .map(|edition| {
            let url = site
                .base_url
                .join(&edition.url)
                .map(|u| u.to_string())
                .unwrap_or_default();
            ItemBuilder::default()
                .title(Some(edition.title.clone()))
                .link(Some(url.clone()))
                .guid(Some(
                    GuidBuilder::default().value(url).permalink(true).build(),
                ))
                .pub_date(Some(edition.published.to_rfc2822()))
                .description(Some(edition.html.clone()))
                .build()
        })
        .collect();
    let self_link = site
        .base_url
        .join("rss.xml")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let atom = AtomExtension {
        links: vec![Link {
            href: self_link,
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    };
    let channel = ChannelBuilder::default()
        .title(site.title.clone())
        .link(site.base_url.to_string())
        .description(site.description.clone())
        .language(Some(site.language.clone()))
        .generator(Some(format!("digest {}", env!("CARGO_PKG_VERSION"))))
        .last_build_date(entries.first().map(|e| e.published.to_rfc2822()))
        .managing_editor(site.author.clone().filter(|a| a.contains('@')))
        .atom_ext(Some(atom))
        .namespaces(BTreeMap::from([(
            "atom".to_string(),
            "http://www.w3.org/2005/Atom".to_string(),
        )]))
        .items(items)
        .build();
    let mut xml = channel.to_string();
    if !xml.starts_with("<?xml") {
        xml.insert_str(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    xml
}
