//! No feed value becomes a path outside `content/` and `public/`. Sources
//! and companies named like paths, reserved device names, bidi and control
//! characters; articles titled the same way, with such ids and links;
//! redirects and Content-Location headers that point elsewhere; content
//! files edited by hand to name such companies and sources: the site is
//! built inside an otherwise empty folder, then every file in it is checked
//! to be where it belongs, under a name of safe characters.

mod common;

use std::path::{Component, Path, PathBuf};

use common::hostile::xml_escape;
use common::{FeedServer, Reply};

/// Names that try to leave a folder, or that a file system treats specially.
const HOSTILE_NAMES: &[&str] = &[
    "../../../../tmp/escape",
    "..",
    ".",
    "",
    "   ",
    "/",
    "/etc/passwd",
    "C:\\Windows\\System32\\drivers",
    "\\\\server\\share\\file",
    "CON",
    "con.md",
    "nul.txt",
    "AUX",
    "COM1",
    "LPT9",
    "LPT\u{b2}",
    "\u{202e}gnp.exe",
    "\u{200f}\u{2066}isolated\u{2069}\u{202b}embedded",
    "tab\tand\u{1}control\u{7f}",
    "%2e%2e%2f%2e%2e%2fetc",
    "\u{ff0e}\u{ff0e}\u{ff0f}\u{ff0e}\u{ff0e}\u{ff0f}fullwidth",
    "....//....//etc",
    ".git/config",
    "~/.ssh/authorized_keys",
    "-rf --no-preserve-root",
    "title/with/slashes",
    "名前/日本語",
    "\u{1f525}\u{1f525}",
    "<script>x</script>",
    "{{ x }}",
];

/// A name of 1,500 characters: long, but not cut off on the way.
fn long_name() -> String {
    "long ".repeat(300)
}

/// Every hostile name, and the long one.
fn names() -> Vec<String> {
    HOSTILE_NAMES
        .iter()
        .map(|n| n.to_string())
        .chain([long_name()])
        .collect()
}

/// A feed of source `n` with one item per hostile name, each titled, given
/// an id and a link in that name, and dated near the end of the years a
/// content file can hold.
fn feed(n: usize) -> String {
    let mut items = String::new();
    for (i, name) in names().iter().enumerate() {
        let name = xml_escape(&name.replace(['\u{1}', '\u{7f}'], ""));
        let path: String = name.chars().take(200).collect();
        items.push_str(&format!(
            "<item><title>{name}</title><guid isPermaLink=\"false\">{name}</guid>\
             <link>https://s{n}.example/{i}?next=../../{path}</link>\
             <pubDate>Fri, 31 Dec 9998 23:{i:02}:00 -1200</pubDate>\
             <description>Article {i} of source {n} on edge caching.</description></item>"
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xml:base=\"file:///etc/\"><channel>\
         <title>{}</title><link>../../../../</link>{items}</channel></rss>",
        xml_escape(HOSTILE_NAMES[0])
    )
}

/// Serves source `n`'s feed behind a redirect whose path climbs out, with a
/// Content-Location that is not on the web.
fn serve(server: &FeedServer, n: usize) -> String {
    let target = format!("/feeds/{n}.xml?dest=../../../etc/passwd");
    let headers = vec![
        ("Content-Type", "application/rss+xml".to_string()),
        ("Content-Location", "file:///etc/passwd".to_string()),
    ];
    server.route(&target, Reply::Full(200, headers, feed(n).into_bytes()));
    let redirect = format!("/redirect/{n}");
    let location = format!("/../../..{target}");
    server.route(
        &redirect,
        Reply::Full(301, vec![("Location", location)], Vec::new()),
    );
    server.url(&redirect)
}

/// A site whose sources carry the hostile names, inside an empty folder.
fn hostile_site(server: &FeedServer) -> (tempfile::TempDir, PathBuf) {
    let sandbox = tempfile::tempdir().unwrap();
    let root = sandbox.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let mut config = "[site]\ntitle = \"T\"\nbase_url = \"https://digest.test/\"\n\
                      timezone = \"Pacific/Kiritimati\"\n"
        .to_string();
    // A number after each name keeps their folders apart.
    for (n, name) in names().iter().enumerate() {
        let company = format!("{} {n}", HOSTILE_NAMES[(n + 3) % HOSTILE_NAMES.len()]);
        config.push_str(&format!(
            "\n[[source]]\nname = {}\ncompany = {}\nkind = \"company\"\nfeed = {}\n",
            quote(&format!("{name} {n}")),
            quote(&company),
            quote(&serve(server, n))
        ));
    }
    std::fs::write(root.join("sources.toml"), config).unwrap();
    (sandbox, root)
}

/// Items edited by hand that name hostile sources and companies.
fn write_hand_items(root: &Path) {
    let folder = root.join("content/items/hand");
    std::fs::create_dir_all(&folder).unwrap();
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    for (i, name) in names().iter().enumerate() {
        let item = format!(
            "+++\nid = \"tag:hand,{i}\"\ntitle = {title}\nurl = \"https://hand.example/{i}\"\n\
             source = {name}\ncompany = {name}\npublished = 2025-07-22T10:00:00Z\n\
             first_seen = 2025-07-22T10:00:00Z\n+++\n\nHand-made article {i}.\n",
            title = quote(&format!("Hand {i}")),
            name = quote(name),
        );
        std::fs::write(folder.join(format!("2025-07-22-hand-{i}.md")), item).unwrap();
    }
}

/// Every file below `dir`, relative to it, without following links.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                pending.push(entry.path());
            } else {
                found.push(entry.path().strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// Whether a name is made of safe characters: lower-case ASCII letters,
/// digits, single hyphens and, for extensions, dots; no leading or
/// trailing hyphen, no reserved device name, at most 120 bytes.
fn is_safe_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let characters = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    let reserved = ["con", "prn", "aux", "nul"].contains(&stem)
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit());
    characters
        && !stem.is_empty()
        && !stem.starts_with('-')
        && !stem.ends_with('-')
        && !name.contains("--")
        && !name.contains("..")
        && !reserved
        && name.len() <= 120
}

/// What is wrong with where a file of the site is, if anything.
fn misplaced(path: &Path) -> Option<String> {
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_string_lossy().to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    let safe = |names: &[String]| names.iter().all(|n| is_safe_name(n));
    let unsafe_name = || Some(format!("unsafe name: {}", path.display()));
    match parts[0].as_str() {
        "sources.toml" if parts.len() == 1 => None,
        ".digest" => None,
        "content" if matches!(parts[1].as_str(), "items" | "issues") => {
            (!safe(&parts[2..])).then(unsafe_name).flatten()
        }
        "public" => (!safe(&parts[1..])).then(unsafe_name).flatten(),
        _ => Some(format!(
            "written outside content/ and public/: {}",
            path.display()
        )),
    }
}

/// Runs `digest` in the site at `root`; fails the test unless it exits 0.
fn digest_ok(root: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_digest"))
        .arg("-C")
        .arg(root)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "digest {args:?} failed:\n{log}");
    log
}

#[test]
fn hostile_names_and_redirects_end_in_safe_files_under_content_and_public() {
    let server = FeedServer::start();
    let (sandbox, root) = hostile_site(&server);
    write_hand_items(&root);
    let log = digest_ok(&root, &["build"]);
    assert!(!log.contains("WARN"), "{log}");

    // Nothing beside the site in the folder that holds it.
    let beside: Vec<PathBuf> = walk(sandbox.path())
        .into_iter()
        .filter(|p| !p.starts_with("site"))
        .collect();
    assert!(beside.is_empty(), "written beside the site: {beside:?}");

    let files = walk(&root);
    // Dated at the end of 9998 and filed in 9999, in the site's time zone.
    assert!(
        files
            .iter()
            .any(|p| p.to_string_lossy().contains("/9999-01-02-"))
    );
    let problems: Vec<String> = files.iter().filter_map(|p| misplaced(p)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Every source stored every article, each in the source's own folder.
    let sources = std::fs::read_dir(root.join("content/items"))
        .unwrap()
        .count();
    assert_eq!(sources, names().len() + 1);
    for folder in std::fs::read_dir(root.join("content/items"))
        .unwrap()
        .flatten()
    {
        let stored = std::fs::read_dir(folder.path()).unwrap().count();
        assert_eq!(stored, names().len(), "{}", folder.path().display());
    }
    // And each hand-named company and source has its page.
    let companies = files
        .iter()
        .filter(|p| p.starts_with("public/companies"))
        .count();
    assert!(
        companies > names().len(),
        "{companies} company pages and feeds"
    );
}

#[test]
fn slugs_of_hostile_names_are_safe_file_names() {
    for name in names() {
        for max in [1, 2, 5, 60, 80] {
            let slug = digest::slug::slugify(&name, max);
            assert!(slug.len() <= max, "{name:?} at {max}: {slug}");
            assert!(
                slug.is_empty() || is_safe_name(&slug),
                "{name:?} at {max}: {slug:?}"
            );
        }
    }
}
