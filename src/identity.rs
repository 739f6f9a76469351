//! Who an item is: its id, the same however and wherever the article arrives.
//!
//! The id is the article's canonical URL: `https`, host in lowercase, no
//! default port, no fragment, no tracking parameters, no trailing slash.
//! Without a link it is the feed's guid; without a guid, a hash of the title
//! and text.

use url::Url;

/// Query parameters that only track where a reader came from.
fn is_tracking_parameter(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || matches!(
            name.as_str(),
            "fbclid" | "gclid" | "mc_cid" | "mc_eid" | "_hsenc" | "_hsmi" | "mkt_tok" | "yclid"
        )
        // Medium and Substack mark feed links with `source=rss…`.
        || (name == "source" && value.starts_with("rss"))
        || (name == "ref" && (value.contains("rss") || value.contains("feed")))
}

/// The canonical form of an article's URL, or `None` if it is not http(s).
pub fn canonical_url(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, value)| !is_tracking_parameter(name, value))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    // The same article is served over both schemes; its id is the secure one.
    if url.scheme() == "http" {
        url.set_scheme("https").ok()?;
        if url.port() == Some(443) {
            url.set_port(None).ok()?;
        }
    }
    let mut text = url.to_string();
    if url.path().len() > 1 && url.query().is_none() && text.ends_with('/') {
        text.pop();
    }
    Some(text)
}

/// Removes tracking parameters and the fragment from a link shown to readers.
pub fn clean_link(url: &Url) -> String {
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, value)| !is_tracking_parameter(name, value))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// The id of an item: canonical link, else guid, else a hash of its content.
pub fn item_id(link: Option<&Url>, guid: &str, title: &str, text: &str) -> String {
    if let Some(id) = link.and_then(canonical_url) {
        return id;
    }
    let guid = guid.trim();
    if !guid.is_empty() {
        return guid.to_string();
    }
    format!("sha256:{}", crate::hash::hex(&format!("{title}\n{text}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        canonical_url(&Url::parse(text).unwrap()).unwrap()
    }

    #[test]
    fn the_same_article_gets_the_same_id() {
        let a = canonical(
            "https://netflixtechblog.com/data-mesh-3fddcceb1059?source=rss----2615bd06b42e---4",
        );
        let b = canonical("http://NetflixTechBlog.com:80/data-mesh-3fddcceb1059#comments");
        assert_eq!(a, "https://netflixtechblog.com/data-mesh-3fddcceb1059");
        assert_eq!(a, b);
        assert_eq!(
            canonical("https://blog.cloudflare.com/post/?utm_source=x&utm_medium=rss"),
            "https://blog.cloudflare.com/post"
        );
    }

    #[test]
    fn meaningful_query_parameters_stay() {
        assert_eq!(
            canonical("https://github.blog/?p=73405"),
            "https://github.blog/?p=73405"
        );
        assert_eq!(canonical("https://example.com/"), "https://example.com/");
    }

    #[test]
    fn ids_fall_back_to_guid_then_hash() {
        assert_eq!(
            item_id(None, " tag:x,2003:post-1 ", "t", "b"),
            "tag:x,2003:post-1"
        );
        let hashed = item_id(None, "", "t", "b");
        assert!(hashed.starts_with("sha256:") && hashed.len() == 71);
        assert_eq!(hashed, item_id(None, "", "t", "b"));
    }
}
