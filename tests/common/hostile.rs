//! Hostile feeds for the tests: markup from the known families of
//! cross-site scripting, written for digest's tests, placed in every field
//! of an RSS, an Atom and a JSON feed.
//!
//! Every payload that could run announces itself: it sets
//! `window.__pwned` (or its parent's) to its own name, opens a dialog, or
//! asks for something on 127.0.0.1 port 9, where nothing listens. The
//! Chromium checker watches for all three.

/// One payload: a name for reports, and its markup.
pub struct Payload {
    pub name: &'static str,
    pub markup: String,
}

fn payload(name: &'static str, markup: &str) -> Payload {
    Payload {
        name,
        markup: markup.replace("MARK", &format!("window.__pwned='{name}'")),
    }
}

/// Where payloads ask for things: a loopback port where nothing listens.
pub const NOWHERE: &str = "http://127.0.0.1:9";

/// The payloads, family by family. `MARK` stands for the statement that
/// sets `window.__pwned` to the payload's name.
pub fn payloads() -> Vec<Payload> {
    let mut all = Vec::new();
    all.extend(script_tags());
    all.extend(event_handlers());
    all.extend(addresses());
    all.extend(svg_and_mathml());
    all.extend(styles_and_embedding());
    all.extend(malformed());
    all.extend(template_text());
    all
}

fn script_tags() -> Vec<Payload> {
    vec![
        payload("script-plain", "<script>MARK</script>"),
        payload("script-upper", "<SCRIPT>MARK</SCRIPT>"),
        payload(
            "script-mixed",
            "<ScRiPt type=\"text/javascript\" defer>MARK</sCrIpT>",
        ),
        payload(
            "script-src",
            "<script src=\"http://127.0.0.1:9/pwned.js\"></script>",
        ),
        payload("script-split", "<scr<script>ipt>MARK</scr</script>ipt>"),
        payload("script-slash", "<script/x>MARK</script>"),
        payload("script-newline", "<script\n>MARK</script\n>"),
        payload("script-close-title", "</title><script>MARK</script>"),
        payload("script-attr-break", "\"><script>MARK</script>"),
        payload("script-single-break", "'><script>MARK</script>"),
        payload("script-cdata-break", "]]><script>MARK</script>"),
        payload(
            "script-xhtml",
            "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">MARK</x:script>",
        ),
        payload("script-comment-break", "--><script>MARK</script>"),
        payload("script-json-break", "\"}]}<script>MARK</script>"),
    ]
}

fn event_handlers() -> Vec<Payload> {
    vec![
        payload("img-onerror", "<img src=x onerror=\"MARK\">"),
        payload("img-slashes", "<img/src=x/onerror=MARK>"),
        payload(
            "img-entities",
            "<img src=x onerror=\"&#119;indow.__pwned='img-entities'\">",
        ),
        payload("svg-onload", "<svg onload=\"MARK\"><circle r=\"1\"/></svg>"),
        payload("body-onload", "<body onload=\"MARK\">"),
        payload(
            "details-ontoggle",
            "<details open ontoggle=\"MARK\"><summary>s</summary></details>",
        ),
        payload("input-onfocus", "<input autofocus onfocus=\"MARK\">"),
        payload("video-onerror", "<video><source onerror=\"MARK\"></video>"),
        payload("audio-onerror", "<audio src=x onerror=\"MARK\"></audio>"),
        payload("marquee-onstart", "<marquee onstart=\"MARK\">m</marquee>"),
        payload(
            "div-onmouseover",
            "<div onmouseover=\"MARK\" style=\"position:fixed;inset:0\">cover</div>",
        ),
        payload("a-onclick", "<a href=\"#\" onclick=\"MARK\">click</a>"),
        payload("iframe-onload", "<iframe onload=\"MARK\"></iframe>"),
        payload(
            "object-onerror",
            "<object data=x onerror=\"MARK\"></object>",
        ),
        payload("alert-call", "<img src=x onerror=alert('alert-call')>"),
    ]
}

fn addresses() -> Vec<Payload> {
    vec![
        payload("href-js", "<a href=\"javascript:MARK\">js</a>"),
        payload("href-js-case", "<a href=\"JaVaScRiPt:MARK\">js</a>"),
        payload("href-js-tab", "<a href=\"java&#x09;script:MARK\">js</a>"),
        payload(
            "href-js-newline",
            "<a href=\"jav&#x0A;ascript:MARK\">js</a>",
        ),
        payload(
            "href-js-entities",
            "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;MARK\">js</a>",
        ),
        payload("href-js-colon", "<a href=\"javascript&colon;MARK\">js</a>"),
        payload("href-js-space", "<a href=\" &#14; javascript:MARK\">js</a>"),
        payload("href-vbscript", "<a href=\"vbscript:msgbox(1)\">vb</a>"),
        payload(
            "href-data-html",
            "<a href=\"data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+\">d</a>",
        ),
        payload(
            "img-data-svg",
            "<img src=\"data:image/svg+xml,&lt;svg onload=alert(1)&gt;\">",
        ),
        payload("img-js", "<img src=\"javascript:MARK\">"),
        payload(
            "iframe-js",
            "<iframe src=\"javascript:parent.__pwned='iframe-js'\"></iframe>",
        ),
        payload(
            "form-action",
            "<form action=\"javascript:MARK\"><button>go</button></form>",
        ),
        payload(
            "button-formaction",
            "<form><button formaction=\"javascript:MARK\">go</button></form>",
        ),
        payload(
            "area-href",
            "<map name=m><area href=\"javascript:MARK\" shape=default></map>",
        ),
        payload(
            "base-href",
            "<base href=\"http://127.0.0.1:9/\"><a href=\"x\">rel</a>",
        ),
        payload(
            "meta-refresh",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:MARK\">",
        ),
        payload(
            "img-remote",
            "<img src=\"http://127.0.0.1:9/track.gif\" srcset=\"http://127.0.0.1:9/a.png 2x\">",
        ),
    ]
}

fn svg_and_mathml() -> Vec<Payload> {
    vec![
        payload("svg-script", "<svg><script>MARK</script></svg>"),
        payload(
            "svg-xlink",
            "<svg><a xlink:href=\"javascript:MARK\"><text x=\"1\" y=\"9\">x</text></a></svg>",
        ),
        payload(
            "svg-animate",
            "<svg><animate onbegin=\"MARK\" attributeName=\"x\" dur=\"1s\"/></svg>",
        ),
        payload(
            "svg-set-href",
            "<svg><a><set attributeName=\"href\" to=\"javascript:MARK\"/><text y=\"9\">x</text></a></svg>",
        ),
        payload(
            "svg-foreign",
            "<svg><foreignObject><img src=x onerror=\"MARK\"></foreignObject></svg>",
        ),
        payload(
            "svg-use",
            "<svg><use href=\"data:image/svg+xml,&lt;svg id='x'/&gt;#x\"/></svg>",
        ),
        payload(
            "math-confusion",
            "<math><mtext><table><mglyph><style><img src=x onerror=\"MARK\">",
        ),
        payload(
            "math-href",
            "<math href=\"javascript:MARK\"><mi>x</mi></math>",
        ),
        payload(
            "svg-style-break",
            "<svg></p><style><a id=\"</style><img src=x onerror=MARK>\">",
        ),
    ]
}

fn styles_and_embedding() -> Vec<Payload> {
    vec![
        payload(
            "style-import",
            "<style>@import 'http://127.0.0.1:9/x.css';</style>",
        ),
        payload(
            "style-attribute",
            "<div style=\"background:url(http://127.0.0.1:9/bg.png);width:expression(alert(1))\">s</div>",
        ),
        payload(
            "link-stylesheet",
            "<link rel=\"stylesheet\" href=\"http://127.0.0.1:9/x.css\">",
        ),
        payload(
            "link-import",
            "<link rel=\"import\" href=\"http://127.0.0.1:9/x.html\">",
        ),
        payload(
            "object-data",
            "<object data=\"http://127.0.0.1:9/x.swf\"></object>",
        ),
        payload("embed-src", "<embed src=\"http://127.0.0.1:9/x.swf\">"),
        payload(
            "iframe-srcdoc",
            "<iframe srcdoc=\"&lt;script&gt;parent.__pwned='iframe-srcdoc'&lt;/script&gt;\"></iframe>",
        ),
        payload(
            "frameset",
            "<frameset onload=\"MARK\"><frame src=\"http://127.0.0.1:9/\"></frameset>",
        ),
    ]
}

fn malformed() -> Vec<Payload> {
    vec![
        payload("quotes-confusion", "<img \"\"\"><script>MARK</script>\">"),
        payload("double-open", "<<script>MARK//<</script>"),
        payload("unclosed-tag", "<img src=x onerror=\"MARK\" "),
        payload("comment-hidden", "<!--<img src=x onerror=MARK>-->"),
        payload(
            "conditional-comment",
            "<!--[if gte IE 4]><script>MARK</script><![endif]-->",
        ),
        payload(
            "noscript-confusion",
            "<noscript><p title=\"</noscript><img src=x onerror=MARK>\"></noscript>",
        ),
        payload("title-confusion", "<title><img src=x onerror=MARK></title>"),
        payload(
            "textarea-confusion",
            "<textarea><img src=x onerror=MARK></textarea>",
        ),
        payload(
            "template-element",
            "<template><img src=x onerror=MARK></template>",
        ),
        payload(
            "table-foster",
            "<table><img src=x onerror=\"MARK\"><tr><td>c</td></tr></table>",
        ),
        payload(
            "select-style",
            "<select><style><img src=x onerror=MARK></style></select>",
        ),
        payload(
            "nul-in-tag",
            "<scr\u{0}ipt>MARK</script><img src=x o\u{0}nerror=MARK>",
        ),
        payload("cdata-in-html", "<![CDATA[<img src=x onerror=MARK>]]>"),
    ]
}

fn template_text() -> Vec<Payload> {
    vec![
        payload(
            "tera-expression",
            "{{ \"tera\" ~ \"~ran\" }} {{ 1234567 * 2 }}",
        ),
        payload(
            "tera-statement",
            "{% set leak = \"tera\" ~ \"~set\" %}{{ leak }}{% raw %}",
        ),
        payload("tera-comment", "{# tera-comment #} {{ __tera_context }}"),
    ]
}

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Text that XML may hold: without the control characters XML 1.0 forbids.
fn xml_text(text: &str) -> String {
    xml_escape(text)
        .chars()
        .filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// A paragraph an edition can quote, with the payload in its middle.
pub fn article(payload: &Payload) -> String {
    format!(
        "<p>Edge caching cut the p99 latency of image requests by 40% across 3,000 servers. {} \
         The cache hit ratio climbed from 60% to 92% once every resize parameter was normalised.</p>\
         <p>Invalidation is scoped per tenant, so one purge no longer empties the whole tier.</p>",
        payload.markup
    )
}

/// An RSS 2.0 feed with one item per payload, the payload in every field,
/// all published on `day` (`2025-07-22`).
pub fn rss(day: &str) -> String {
    let all = payloads();
    let channel_title = xml_text(&all[0].markup);
    let mut items = String::new();
    for (i, p) in all.iter().enumerate() {
        let text = xml_text(&p.markup);
        let html = xml_text(&article(p));
        items.push_str(&format!(
            "<item>\n<title>{text} Edge caching report {i}</title>\n\
             <link>https://hostile.example/rss/{i}?q={query}</link>\n\
             <guid isPermaLink=\"false\">{text}-{i}</guid>\n\
             <pubDate>{date}</pubDate>\n\
             <author>dev@hostile.example ({text})</author>\n\
             <dc:creator>{text}</dc:creator>\n\
             <category domain=\"{text}\">{text}</category>\n\
             <comments>javascript:{text}</comments>\n\
             <source url=\"javascript:alert(1)\">{text}</source>\n\
             <enclosure url=\"javascript:alert({i})\" length=\"1\" type=\"text/html\"/>\n\
             <description>{html}</description>\n\
             <content:encoded>{html}</content:encoded>\n</item>\n",
            query = url_escape(&p.markup),
            date = rfc2822(day, i),
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n\
         <title>{channel_title}</title>\n<link>javascript:alert(1)</link>\n\
         <description>{channel_title}</description>\n\
         <image><url>javascript:alert(1)</url><title>{channel_title}</title><link>https://hostile.example/</link></image>\n\
         {items}</channel>\n</rss>\n"
    )
}

/// An Atom feed: titles and summaries of type html, content of type html
/// and, for one payload in three, of type xhtml (raw markup in the feed).
pub fn atom(day: &str) -> String {
    let all = payloads();
    let mut entries = String::new();
    for (i, p) in all.iter().enumerate() {
        let text = xml_text(&p.markup);
        let content = if i % 3 == 0 && !p.markup.contains('\u{0}') {
            format!(
                "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\
                 <p>Edge caching cut the p99 latency of image requests by 40% across 3,000 servers.</p>\
                 <script>window.__pwned='atom-xhtml-{i}'</script><p onclick=\"window.__pwned='atom-xhtml-{i}'\">\
                 The cache hit ratio climbed from 60% to 92%.</p></div></content>"
            )
        } else {
            format!("<content type=\"html\">{}</content>", xml_text(&article(p)))
        };
        entries.push_str(&format!(
            "<entry>\n<title type=\"html\">{text} Edge caching in Atom {i}</title>\n\
             <id>urn:hostile:{i}:{id}</id>\n\
             <link rel=\"alternate\" href=\"https://hostile.example/atom/{i}\"/>\n\
             <link rel=\"enclosure\" href=\"javascript:alert({i})\"/>\n\
             <published>{day}T1{h}:{m:02}:00+02:00</published>\n<updated>{day}T1{h}:{m:02}:00+02:00</updated>\n\
             <author><name>{text}</name><uri>javascript:alert(1)</uri><email>{text}</email></author>\n\
             <contributor><name>{text}</name></contributor>\n\
             <category term=\"{text}\" label=\"{text}\" scheme=\"javascript:alert(1)\"/>\n\
             <rights type=\"html\">{text}</rights>\n\
             <summary type=\"html\">{text}</summary>\n{content}\n</entry>\n",
            id = url_escape(&p.markup),
            h = i % 8,
            m = i % 60,
        ));
    }
    let title = xml_text(&all[1].markup);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title type=\"html\">{title}</title>\n<subtitle type=\"html\">{title}</subtitle>\n\
         <id>urn:hostile</id>\n<updated>{day}T23:00:00Z</updated>\n\
         <link rel=\"alternate\" href=\"javascript:alert(1)\"/>\n\
         <logo>javascript:alert(1)</logo><icon>data:image/svg+xml,x</icon>\n{entries}</feed>\n"
    )
}

/// A JSON Feed 1.1.
pub fn json_feed(day: &str) -> String {
    let all = payloads();
    let items: Vec<serde_json::Value> = all
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!({
                "id": format!("{}-{i}", p.markup),
                "url": format!("https://hostile.example/json/{i}"),
                "external_url": format!("javascript:{}", p.markup),
                "title": format!("{} Edge caching in JSON {i}", p.markup),
                "content_html": article(p),
                "content_text": p.markup,
                "summary": p.markup,
                "image": "javascript:alert(1)",
                "date_published": format!("{day}T0{}:{:02}:00Z", i % 8, i % 60),
                "authors": [{"name": p.markup, "url": "javascript:alert(1)", "avatar": "data:image/png;base64,AAAA"}],
                "tags": [p.markup],
                "attachments": [{"url": "javascript:alert(1)", "mime_type": "text/html"}],
            })
        })
        .collect();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": all[2].markup,
        "home_page_url": "javascript:alert(1)",
        "feed_url": "javascript:alert(1)",
        "icon": "javascript:alert(1)",
        "items": items,
    })
    .to_string()
}

/// The RFC 2822 date of the `i`-th item on `day` (`2025-07-22`), in UTC.
fn rfc2822(day: &str, i: usize) -> String {
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let time = chrono::NaiveTime::from_hms_opt((i % 20) as u32, (i % 60) as u32, 0).unwrap();
    date.and_time(time).and_utc().to_rfc2822()
}

/// Percent-encodes everything but letters and digits, for a query value.
pub fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Elements that no page, email or feed entry of digest may hold.
const FORBIDDEN: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "svg",
    "math", "template", "portal", "noscript", "textarea", "button", "input", "select", "video",
    "audio", "source", "marquee",
];

/// Attributes whose value is an address.
const ADDRESSES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "xlink:href",
    "cite",
    "ping",
    "longdesc",
    "lowsrc",
    "manifest",
    "codebase",
    "icon",
];

/// What a serialised HTML document or fragment holds that could run,
/// load or lead anywhere but the web: forbidden elements, `on…`
/// attributes, styles that load things, `<meta http-equiv>`, `<link>` that
/// is not a stylesheet, icon, canonical or alternate, and addresses whose
/// scheme is not http, https or mailto. Text is never markup in
/// serialised HTML (its `<` is written `&lt;`), so every raw `<` followed
/// by a letter is read as a tag.
pub fn markup_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let (tag, after) = read_tag(rest);
        rest = after;
        tag_problems(&tag, &mut problems);
        if matches!(tag.name.as_str(), "script" | "style") {
            let close = format!("</{}", tag.name);
            let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            if tag.name == "style" && style_loads(&rest[..end]) {
                problems.push(format!("<style> loads something: {:.80}", &rest[..end]));
            }
            rest = &rest[end..];
        }
    }
    problems
}

/// A start tag: its name and attributes, entities in values decoded.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Reads the tag whose name starts `text`; returns it and what follows it.
fn read_tag(text: &str) -> (Tag, &str) {
    let name_end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(text.len());
    let mut tag = Tag {
        name: text[..name_end].to_ascii_lowercase(),
        attributes: Vec::new(),
    };
    let mut rest = &text[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return (tag, rest.get(1..).unwrap_or(""));
        }
        let name_end = rest[1..]
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '='))
            .map_or(rest.len(), |i| i + 1);
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_entities(raw);
            rest = next;
        }
        tag.attributes.push((name, value));
    }
}

fn tag_problems(tag: &Tag, problems: &mut Vec<String>) {
    let name = &tag.name;
    if FORBIDDEN.contains(&name.as_str()) || name.contains(':') {
        problems.push(format!("<{name}> element"));
    }
    let attribute = |wanted: &str| {
        tag.attributes
            .iter()
            .find(|(n, _)| n == wanted)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    if name == "meta" && attribute("http-equiv").is_some() {
        problems.push("<meta http-equiv>".to_string());
    }
    if name == "link" {
        let rel = attribute("rel").unwrap_or_default();
        if !["canonical", "icon", "stylesheet", "alternate"].contains(&rel.as_str()) {
            problems.push(format!("<link rel=\"{rel}\">"));
        }
    }
    for (attr, value) in &tag.attributes {
        if attr.starts_with("on") {
            problems.push(format!("<{name}> has {attr}"));
        }
        if attr == "srcdoc" || attr == "xmlns" && value.contains("1999/xhtml") {
            problems.push(format!("<{name}> has {attr}"));
        }
        if attr == "style" && style_loads(value) {
            problems.push(format!("<{name}> style loads something: {value:.80}"));
        }
        let loads = !matches!(attr.as_str(), "href" | "cite" | "longdesc") || name == "link";
        if ADDRESSES.contains(&attr.as_str()) && !is_safe_address(value, loads) {
            problems.push(format!("<{name}> {attr}=\"{value:.80}\""));
        }
    }
}

/// Whether CSS could load something or run script.
fn style_loads(css: &str) -> bool {
    let css = css.to_ascii_lowercase();
    [
        "url(",
        "@import",
        "expression",
        "behavior",
        "-moz-binding",
        "127.0.0.1",
    ]
    .iter()
    .any(|bad| css.contains(bad))
}

/// Whether an address, as a browser reads it (control characters and
/// white space inside it dropped), is relative, http, https or mailto, and
/// (for one the browser loads by itself) does not lead to the payloads'
/// loopback port.
fn is_safe_address(value: &str, loads: bool) -> bool {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if loads && cleaned.starts_with("http://127.0.0.1:9/") {
        return false;
    }
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(slash)) if colon > slash => true,
        (Some(colon), _) => matches!(&cleaned[..colon], "http" | "https" | "mailto"),
        (None, _) => true,
    }
}

/// Decodes the character references a serialiser writes and the named ones
/// payloads use.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The HTML that a feed of digest's carries: RSS descriptions (in CDATA or
/// escaped) and Atom content and summaries of type html, decoded once.
pub fn feed_html(xml: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (open, close) in [
        ("<description>", "</description>"),
        ("<content type=\"html\">", "</content>"),
        ("<summary type=\"html\">", "</summary>"),
    ] {
        let mut rest = xml;
        while let Some(at) = rest.find(open) {
            rest = &rest[at + open.len()..];
            let end = rest.find(close).unwrap_or(rest.len());
            found.push(xml_text_of(&rest[..end]));
            rest = &rest[end..];
        }
    }
    found
}

/// The text of XML element content: CDATA sections as they are, the rest
/// with its references decoded.
fn xml_text_of(content: &str) -> String {
    let mut text = String::new();
    let mut rest = content;
    while let Some(at) = rest.find("<![CDATA[") {
        text.push_str(&decode_entities(&rest[..at]));
        rest = &rest[at + 9..];
        let end = rest.find("]]>").unwrap_or(rest.len());
        text.push_str(&rest[..end]);
        rest = rest.get(end + 3..).unwrap_or("");
    }
    text.push_str(&decode_entities(rest));
    text
}

/// The tag names used in an XML document, each once, in order of first use.
pub fn xml_tag_names(xml: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(cdata) = rest.strip_prefix("![CDATA[") {
            rest = cdata.find("]]>").map_or("", |e| &cdata[e + 3..]);
            continue;
        }
        let rest_name = rest.trim_start_matches('/');
        if !rest_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest_name
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(rest_name.len());
        let name = rest_name[..end].to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
