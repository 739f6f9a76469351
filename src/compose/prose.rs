//! Writing markdown from feed text: escaping, links, and English lists.

/// "A", "A and B", "A, B and C".
pub fn and_list<S: AsRef<str>>(parts: &[S]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// The text with its first letter in upper case.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A markdown link whose text is escaped and whose address is kept whole.
pub fn link(text: &str, url: &str) -> String {
    if url.is_empty() {
        return escape(text);
    }
    let url = url.replace(['<', '>', '\n', ' '], "");
    format!("[{}](<{url}>)", escape(text))
}

/// A link to another edition, which the renderer turns into the address of
/// its page.
pub fn edition_link(text: &str, date: chrono::NaiveDate) -> String {
    format!("[{}](edition:{})", escape(text), date.format("%Y-%m-%d"))
}

/// Escapes text so that markdown shows it as written: no emphasis, links,
/// HTML, code or list markers come from a feed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '&'
                | '!'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // A line must not start like a list item.
    if out.starts_with(['-', '+']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
        html
    }

    #[test]
    fn escaped_text_renders_as_written() {
        let text = "<script>alert(1)</script> *bold* [x](y) {{ tera }} & 1. item";
        assert_eq!(
            html(&escape(text)),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; *bold* [x](y) {{ tera }} &amp; 1. item</p>\n"
        );
        assert_eq!(html(&escape("1. Not a list")), "<p>1. Not a list</p>\n");
        assert_eq!(html(&escape("- Not a list")), "<p>- Not a list</p>\n");
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["OpenAI"]), "OpenAI");
        assert_eq!(and_list(&["OpenAI", "Google"]), "OpenAI and Google");
        assert_eq!(
            and_list(&["OpenAI", "Google", "Microsoft"]),
            "OpenAI, Google and Microsoft"
        );
    }
}
