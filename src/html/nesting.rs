//! How deeply feed HTML nests, bounded in time linear in its length.
//!
//! An HTML parser does work in proportion to the depth of its open elements
//! for every tag it reads, and the conversion to markdown recurses into every
//! element and indents every line of a nested quote or list: a few hundred
//! kilobytes of `<div>` nested tens of thousands deep stalls the first for
//! minutes and overflows the stack of the second. Real articles nest a few
//! dozen elements at most.
//!
//! Two passes keep the depth bounded. [`limit`] runs on raw markup before it
//! is parsed, and drops any start tag (and its end tag) that would open an
//! element past the limit. It follows the parser's rules closely enough never
//! to count fewer open elements than the parser will have (up to the few it
//! adds itself, such as a table's body and row): elements that close
//! themselves (`<p>`, `<li>`, cells, rows) are closed, formatting elements
//! that a parser reopens later keep counting, and end tags that a parser
//! ignores are ignored. [`flatten`] runs on a sanitiser's output, which is
//! well-formed (every element but a void one has its end tag), and makes the
//! bound exact.

use std::borrow::Cow;
use std::collections::HashMap;

/// Elements that have no content and no end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "iframe", "noembed", "noframes", "noscript", "script", "style", "textarea", "title", "xmp",
];

/// Formatting elements, which a parser reopens after something else closed them.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements that a search of the open elements for an end tag's match, or for
/// a `<p>` to close, never passes (a parser's scope boundaries, and more).
const BOUNDARY: &[&str] = &[
    "applet",
    "annotation-xml",
    "button",
    "caption",
    "desc",
    "foreignobject",
    "html",
    "marquee",
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "object",
    "select",
    "svg",
    "table",
    "td",
    "template",
    "th",
    "title",
];

/// Elements that an `<li>`, `<dd>` or `<dt>` looks through for an open one
/// to close: phrasing elements, and the three block elements a parser passes.
const TRANSPARENT: &[&str] = &[
    "a", "abbr", "address", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "div", "em",
    "font", "i", "kbd", "mark", "nobr", "p", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "var",
];

/// Start tags that close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// Raw markup with every start tag that would open an element deeper than
/// `max` removed, with its end tag. Text is kept. Borrowed when nothing is
/// removed.
pub fn limit(html: &str, max: usize) -> Cow<'_, str> {
    scan(html, Open::parsing(max))
}

/// A sanitiser's well-formed output with every element nested deeper than
/// `max` replaced by its content. Borrowed when nothing is that deep.
pub fn flatten(html: &str, max: usize) -> Cow<'_, str> {
    scan(html, Open::well_formed(max))
}

/// What a scan does with one tag.
enum Verdict {
    Keep,
    Drop,
}

/// A tag found in markup.
struct Tag<'a> {
    /// Its name, in lower case (tags with long names are cut).
    name: Cow<'a, str>,
    /// `</…>` rather than `<…>`.
    end: bool,
    /// Where it starts and ends (one past its `>`).
    span: (usize, usize),
}

/// Walks `html` tag by tag, copying what `open` keeps.
fn scan(html: &str, mut open: Open) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(next) = html[at..].find('<').map(|i| at + i) {
        let Some(tag) = read_tag(html, next) else {
            at = skip_markup(html, next);
            continue;
        };
        at = tag.span.1;
        let verdict = if tag.end {
            open.end(&tag.name)
        } else {
            open.start(&tag.name)
        };
        if let Verdict::Drop = verdict {
            out.push_str(&html[copied..tag.span.0]);
            copied = tag.span.1;
        }
        if !tag.end && open.kept_raw_text(&tag.name) {
            at = raw_text_end(html, at, &tag.name);
        }
        if !tag.end && tag.name == "plaintext" && open.is_open("plaintext") {
            break;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The tag that starts at `at` (a `<`), or `None` when it is not a tag
/// (text, a comment, a declaration).
fn read_tag(html: &str, at: usize) -> Option<Tag<'_>> {
    let bytes = html.as_bytes();
    let end = bytes.get(at + 1) == Some(&b'/');
    let name_start = at + 1 + usize::from(end);
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = html[name_start..]
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .map_or(html.len(), |i| name_start + i);
    let close = tag_end(html, name_end);
    let mut cut = name_end.min(name_start + 32);
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    let raw = &html[name_start..cut];
    let name = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(raw.to_ascii_lowercase())
    } else {
        Cow::Borrowed(raw)
    };
    Some(Tag {
        name,
        end,
        span: (at, close),
    })
}

/// One past the `>` that ends a tag whose attributes start at `at`: quoted
/// attribute values may hold a `>`. The end of the text when it never ends.
fn tag_end(html: &str, mut at: usize) -> usize {
    let bytes = html.as_bytes();
    let mut after_equals = false;
    while at < bytes.len() {
        match bytes[at] {
            b'>' => return at + 1,
            b'=' => after_equals = true,
            quote @ (b'"' | b'\'') if after_equals => {
                at = html[at + 1..]
                    .find(quote as char)
                    .map_or(html.len(), |i| at + 1 + i);
                after_equals = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        at += 1;
    }
    html.len()
}

/// Past a comment, a declaration, a processing instruction or a lone `<`
/// at `at`, the way an HTML tokenizer ends each.
fn skip_markup(html: &str, at: usize) -> usize {
    let rest = &html[at..];
    let to_next_gt = || rest.find('>').map_or(html.len(), |i| at + i + 1);
    if let Some(comment) = rest.strip_prefix("<!--") {
        if comment.starts_with('>') {
            return at + 5;
        }
        if comment.starts_with("->") {
            return at + 6;
        }
        let ends = [comment.find("-->"), comment.find("--!>")];
        return match ends.into_iter().flatten().min() {
            Some(i) if comment[i..].starts_with("-->") => at + 4 + i + 3,
            Some(i) => at + 4 + i + 4,
            None => html.len(),
        };
    }
    if rest.starts_with("</>") {
        return at + 3;
    }
    // Declarations, processing instructions and `</` not followed by a
    // letter are bogus comments, ended by the next `>`.
    if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
        return to_next_gt();
    }
    at + 1
}

/// Where the text of a raw-text element that opened before `at` ends: at
/// its end tag, which is scanned next.
fn raw_text_end(html: &str, at: usize, name: &str) -> usize {
    let mut from = at;
    while let Some(i) = html[from..].find("</") {
        let candidate = from + i;
        let after = candidate + 2;
        let matches = html
            .get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        let ends = html
            .as_bytes()
            .get(after + name.len())
            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>');
        if matches && ends {
            return candidate;
        }
        from = after;
    }
    html.len()
}

/// The elements open at a point of a scan, as a parser would have them.
struct Open {
    /// Most elements open at once.
    max: usize,
    /// The input is a serialiser's output: every element is closed by its
    /// own end tag and nothing closes implicitly.
    well_formed: bool,
    /// The open elements that were kept, outermost first.
    kept: Vec<String>,
    /// Formatting elements closed by something else, which a parser may open
    /// again: each still counts as open.
    lingering: usize,
    /// Well-formed input: dropped elements open inside the deepest kept one.
    excess: usize,
    /// Other input: dropped start tags by name, whose end tags are dropped too.
    dropped: HashMap<String, usize>,
    /// How many of each name are in `kept`, to search it only when it helps.
    counts: HashMap<String, usize>,
}

impl Open {
    fn parsing(max: usize) -> Open {
        Open {
            max,
            well_formed: false,
            kept: Vec::new(),
            lingering: 0,
            excess: 0,
            dropped: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    fn well_formed(max: usize) -> Open {
        Open {
            well_formed: true,
            ..Open::parsing(max)
        }
    }

    fn depth(&self) -> usize {
        self.kept.len() + self.lingering
    }

    fn is_open(&self, name: &str) -> bool {
        self.kept.last().is_some_and(|n| n == name)
    }

    /// Whether `name` just opened as a raw-text element, whose content is
    /// no markup. Inside SVG or MathML the same names hold markup.
    fn kept_raw_text(&self, name: &str) -> bool {
        let foreign = || self.kept.iter().any(|n| n == "svg" || n == "math");
        RAW_TEXT.contains(&name) && self.is_open(name) && !foreign()
    }

    fn start(&mut self, name: &str) -> Verdict {
        if !self.well_formed {
            if matches!(name, "html" | "head" | "body") {
                return Verdict::Keep;
            }
            self.close_implied(name);
        }
        if VOID.contains(&name) {
            return Verdict::Keep;
        }
        if self.excess > 0 {
            self.excess += 1;
            return Verdict::Drop;
        }
        if self.depth() >= self.max {
            if self.well_formed {
                self.excess += 1;
            } else {
                *self.dropped.entry(name.to_string()).or_default() += 1;
            }
            return Verdict::Drop;
        }
        *self.counts.entry(name.to_string()).or_default() += 1;
        self.kept.push(name.to_string());
        Verdict::Keep
    }

    /// Whether any element named in `names` is open.
    fn any_open(&self, names: &[&str]) -> bool {
        names
            .iter()
            .any(|n| self.counts.get(*n).is_some_and(|c| *c > 0))
    }

    fn end(&mut self, name: &str) -> Verdict {
        if self.well_formed {
            if self.excess > 0 {
                self.excess -= 1;
                return Verdict::Drop;
            }
            if let Some(name) = self.kept.pop() {
                self.uncount(&name);
            }
            return Verdict::Keep;
        }
        let found = match name {
            _ if !self.any_open(&[name]) => None,
            "table" => self.search(&["table"], &["template"]),
            "tr" | "td" | "th" | "tbody" | "thead" | "tfoot" | "caption" => {
                self.search(&[name], &["table", "template"])
            }
            _ => self.find_for_end(name),
        };
        if let Some(at) = found {
            self.pop_to(at);
            return Verdict::Keep;
        }
        if let Some(count) = self.dropped.get_mut(name).filter(|c| **c > 0) {
            *count -= 1;
            return Verdict::Drop;
        }
        if FORMATTING.contains(&name) && self.lingering > 0 {
            self.lingering -= 1;
        }
        Verdict::Keep
    }

    /// The open element that an end tag `name` closes, if a parser would
    /// reach it: phrasing end tags stop at any block, `</li>` at a list,
    /// others at a boundary.
    fn find_for_end(&self, name: &str) -> Option<usize> {
        let is_block = |n: &str| !TRANSPARENT.contains(&n) || matches!(n, "address" | "div" | "p");
        let phrasing = !is_block(name);
        for (at, open) in self.kept.iter().enumerate().rev() {
            if open == name {
                return Some(at);
            }
            let open = open.as_str();
            let stops = if phrasing {
                is_block(open)
            } else {
                BOUNDARY.contains(&open) || (name == "li" && matches!(open, "ol" | "ul"))
            };
            if stops {
                return None;
            }
        }
        None
    }

    /// Closes what a parser closes before opening `name`: an item, cell or
    /// row of the same kind, then an open paragraph, then a heading.
    fn close_implied(&mut self, name: &str) {
        let same_kind: Option<(&[&str], Option<&[&str]>)> = match name {
            "li" => Some((&["li"], None)),
            "dd" | "dt" => Some((&["dd", "dt"], None)),
            "td" | "th" => Some((&["td", "th"], Some(&["table", "tr"]))),
            "tr" => Some((&["tr"], Some(&["table"]))),
            "tbody" | "thead" | "tfoot" => Some((&["tbody", "thead", "tfoot"], Some(&["table"]))),
            "option" => Some((&["option"], Some(&["select", "optgroup", "datalist"]))),
            _ => None,
        };
        if let Some((targets, stops)) = same_kind.filter(|(targets, _)| self.any_open(targets)) {
            let found = match stops {
                Some(stops) => self.search(targets, stops),
                None => self.search_through(targets, TRANSPARENT),
            };
            if let Some(at) = found {
                self.pop_to(at);
            }
        }
        if self.any_open(&["p"])
            && (CLOSES_P.contains(&name) || matches!(name, "li" | "dd" | "dt" | "plaintext"))
            && let Some(at) = self.search(&["p"], BOUNDARY)
        {
            self.pop_to(at);
        }
        if HEADINGS.contains(&name) && self.kept.last().is_some_and(|n| HEADINGS.contains(&&**n)) {
            self.pop_to(self.kept.len() - 1);
        }
    }

    /// The innermost open element named in `targets`, searching outwards
    /// and stopping at any element named in `stops`.
    fn search(&self, targets: &[&str], stops: &[&str]) -> Option<usize> {
        for (at, open) in self.kept.iter().enumerate().rev() {
            if targets.contains(&open.as_str()) {
                return Some(at);
            }
            if stops.contains(&open.as_str()) {
                return None;
            }
        }
        None
    }

    /// Like [`Open::search`], passing only elements named in `through`.
    fn search_through(&self, targets: &[&str], through: &[&str]) -> Option<usize> {
        for (at, open) in self.kept.iter().enumerate().rev() {
            if targets.contains(&open.as_str()) {
                return Some(at);
            }
            if !through.contains(&open.as_str()) {
                return None;
            }
        }
        None
    }

    /// Closes the element at `at` and everything inside it; formatting
    /// elements closed on the way keep counting, as a parser may reopen them.
    fn pop_to(&mut self, at: usize) {
        let inner = self.kept.split_off(at);
        for name in &inner {
            self.uncount(name);
        }
        let reopened = inner[1..]
            .iter()
            .filter(|n| FORMATTING.contains(&n.as_str()))
            .count();
        self.lingering += reopened;
    }

    fn uncount(&mut self, name: &str) {
        if let Some(count) = self.counts.get_mut(name) {
            *count -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(tag: &str, depth: usize) -> String {
        format!(
            "{}x{}",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn ordinary_markup_is_left_alone() {
        let html = "<p>One<p>Two <a href=\"/x?a=1&b=>\">link</a><ul><li>a<li>b <b>bold</b></ul>\
                    <table><tr><td>1<td>2<tr><td>3</table><!-- <div><div> --><br/><img src=x>\
                    <script>if (a < b) { x = '<div>' }</script><P>Upper</P>";
        assert!(
            matches!(limit(html, 3), Cow::Borrowed(_)),
            "{}",
            limit(html, 3)
        );
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let html = nested("div", 10_000);
        let limited = limit(&html, 64);
        assert_eq!(limited.matches("<div>").count(), 64);
        assert_eq!(limited.matches("</div>").count(), 64);
        assert!(limited.contains('x'));
        let flat = flatten(&html, 64);
        assert_eq!(flat, limited);
    }

    #[test]
    fn formatting_closed_by_a_block_keeps_counting() {
        // A parser reopens the bold elements after each </div>, so they
        // nest deeper with every round although no round nests deeply.
        let round = format!("<div>{}</div>x", "<b>".repeat(10));
        let html = round.repeat(100);
        let limited = limit(&html, 64);
        assert!(limited.matches("<b>").count() <= 64, "{limited}");
    }

    #[test]
    fn end_tags_a_parser_ignores_close_nothing() {
        // `</div>` cannot close a div outside the table cell it is in.
        let html = "<div><table><tr><td></div>".repeat(100);
        let limited = limit(&html, 64);
        assert_eq!(limited.matches("<table>").count(), 16, "{limited}");
        // Nor does an end tag without any open element of its name.
        let html = "<div></span>".repeat(100);
        assert_eq!(limit(&html, 64).matches("<div>").count(), 64);
    }

    #[test]
    fn comments_end_where_a_tokenizer_ends_them() {
        let html = format!("<!-- a --!>{}-->", "<div>".repeat(100));
        assert_eq!(limit(&html, 64).matches("<div>").count(), 64);
        let html = format!("<!-->{}", "<div>".repeat(100));
        assert_eq!(limit(&html, 64).matches("<div>").count(), 64);
    }

    #[test]
    fn self_closing_syntax_does_not_hide_open_elements() {
        let html = "<div/>".repeat(100);
        assert_eq!(limit(&html, 64).matches("<div/>").count(), 64);
    }

    #[test]
    fn quoted_attributes_may_hold_angle_brackets() {
        let html = format!("<a title=\"<div>\">{}", "<span>".repeat(3));
        assert!(matches!(limit(&html, 4), Cow::Borrowed(_)));
    }

    #[test]
    fn well_formed_output_is_flattened_exactly() {
        let html = "<blockquote><p>a</p><blockquote><p>b<br>c</p></blockquote></blockquote>";
        assert_eq!(
            flatten(html, 2),
            "<blockquote><p>a</p><blockquote>b<br>c</blockquote></blockquote>"
        );
    }
}
