//! Each edition as an email: `editions/<date>.email.html`, a simple table
//! layout with every style inlined (mail clients drop `<style>` and
//! stylesheets), and `editions/<date>.txt`, the same edition as plain text
//! wrapped at 72 columns. Both are ready to pipe into a mailer or to paste
//! into a newsletter service.
//!
//! The templates `email.html` and `email.txt` can be replaced like any other;
//! the styles of `email.html` are inlined after it is rendered, so a
//! replacement may keep writing ordinary CSS in a `<style>` element.

use anyhow::{Context, Result};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::markdown::printable;
use super::model::{EditionView, absolute};
use super::pages::base_context;
use super::templates::Templates;
use crate::config::Site;

/// Columns that plain-text lines are wrapped at.
const WIDTH: usize = 72;

/// The inliner of email styles: local rules only, nothing fetched.
pub fn inliner() -> css_inline::CSSInliner<'static> {
    css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_at_rules(true)
        .build()
}

/// What both emails of an edition are rendered with.
fn context(site: &Site, edition: &EditionView) -> tera::Context {
    let mut context = base_context(site, &edition.url);
    context.insert("edition", edition);
    context.insert("web_url", &edition.permalink);
    context.insert("archive_url", &absolute(site, "archive.html"));
    context.insert("subscribe_url", &absolute(site, "subscribe.html"));
    context
}

/// `editions/<date>.email.html`: the edition as an email, styles inlined.
pub fn html(
    templates: &Templates,
    site: &Site,
    edition: &EditionView,
    inliner: &css_inline::CSSInliner,
) -> Result<String> {
    let html = templates.render("email.html", &context(site, edition))?;
    inliner
        .inline(&html)
        .with_context(|| format!("cannot inline the styles of the email of {}", edition.date))
}

/// `editions/<date>.txt`: the edition as plain text.
pub fn text(templates: &Templates, site: &Site, edition: &EditionView) -> Result<String> {
    let mut context = context(site, edition);
    context.insert("text", &printable(&plain_text(&edition.markdown)));
    templates.render("email.txt", &context)
}

/// The paths of an edition's two emails.
pub fn paths(edition: &EditionView) -> (String, String) {
    let stem = edition.url.trim_end_matches(".html");
    (format!("{stem}.email.html"), format!("{stem}.txt"))
}

/// An edition's markdown as plain text: section headings in capitals and
/// underlined, article headings followed by their address on a line of its
/// own, paragraphs and list items wrapped, and each other link's address in
/// angle brackets after its text.
pub fn plain_text(markdown: &str) -> String {
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut links: Vec<String> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some(Block::heading(level)),
            Event::Start(Tag::Paragraph) if current.is_none() => current = Some(Block::text("")),
            Event::Start(Tag::Item) => current = Some(Block::text("- ")),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let (Some(block), Some(url)) = (current.as_mut(), links.pop()) {
                    block.link(url);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(block) = current.as_mut() {
                    block.words.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(block) = current.as_mut() {
                    block.words.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => {
                blocks.extend(current.take());
            }
            _ => {}
        }
    }
    let mut text = String::new();
    for (i, block) in blocks.iter().enumerate() {
        let tight = block.prefix == "- " && i > 0 && blocks[i - 1].prefix == "- ";
        if i > 0 && !tight {
            text.push('\n');
        }
        block.write(&mut text);
    }
    text
}

/// One block of plain text.
struct Block {
    /// `- ` for a list item, empty otherwise.
    prefix: &'static str,
    /// Underline character for a section heading.
    underline: Option<char>,
    /// Whether this is a heading, whose links go on lines of their own.
    heading: bool,
    words: String,
    /// Addresses written below a heading.
    addresses: Vec<String>,
}

impl Block {
    fn text(prefix: &'static str) -> Block {
        Block {
            prefix,
            underline: None,
            heading: false,
            words: String::new(),
            addresses: Vec::new(),
        }
    }

    /// Records the address of a link whose text was just written; only web
    /// addresses are written out.
    fn link(&mut self, url: String) {
        let Some(url) = crate::html::web_link(&url) else {
            return;
        };
        if self.heading {
            self.addresses.push(url);
        } else {
            self.words.push_str(&format!(" <{url}>"));
        }
    }

    fn heading(level: HeadingLevel) -> Block {
        let section = matches!(level, HeadingLevel::H1 | HeadingLevel::H2);
        Block {
            underline: section.then_some('='),
            heading: true,
            ..Block::text("")
        }
    }

    fn write(&self, out: &mut String) {
        if let Some(mark) = self.underline {
            let title = self.words.trim().to_uppercase();
            out.push_str(&title);
            out.push('\n');
            out.push_str(&mark.to_string().repeat(title.chars().count().min(WIDTH)));
            out.push('\n');
            return;
        }
        let indent = " ".repeat(self.prefix.len());
        for line in wrap(&self.words, self.prefix, &indent) {
            out.push_str(&line);
            out.push('\n');
        }
        for address in &self.addresses {
            out.push_str(&format!("<{address}>\n"));
        }
    }
}

/// Wraps `text` at [`WIDTH`] columns, never inside a word or an address.
fn wrap(text: &str, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut columns = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let word_columns = word.chars().count();
        if !empty && columns + 1 + word_columns > WIDTH {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            columns = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            columns += 1;
        }
        line.push_str(word);
        columns += word_columns;
        empty = false;
    }
    if !empty {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_wrapped_plain_text() {
        let text = plain_text(
            "## Deep Dives\n\n### [Edge caching](<https://a.example/x>) · Acme\n\n\
             One two three four five six seven eight nine ten eleven twelve thirteen fourteen \
             fifteen sixteen.\n\n## Sources\n\n- Acme Blog\n- Globex \\*Tech\\*\n",
        );
        assert_eq!(
            text,
            "DEEP DIVES\n==========\n\nEdge caching · Acme\n<https://a.example/x>\n\n\
             One two three four five six seven eight nine ten eleven twelve thirteen\n\
             fourteen fifteen sixteen.\n\nSOURCES\n=======\n\n- Acme Blog\n- Globex *Tech*\n"
        );
    }

    #[test]
    fn long_list_items_hang_under_their_dash() {
        let words = "word ".repeat(20);
        let text = plain_text(&format!("- {words}\n"));
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("- word") && lines[1].starts_with("  word"),
            "{text}"
        );
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
    }
}
