//! A render writes only what changed: whatever happened to the site since
//! the last one (hand edits, files deleted from `public/`, symbolic links,
//! damaged state in `.digest/`), its `public/` must end byte for byte as a
//! render from nothing would make it.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::{TestSite, assert_same_files};

const ITEM: &str = "content/items/google-deepmind/2025-04-02-taking-a-responsible-path-to-agi.md";

/// Renders a fresh copy of the fixture site after `change`, from nothing,
/// and fails unless `site` has the same `public/`, byte for byte.
fn assert_same_as_fresh(site: &TestSite, change: impl Fn(&Path)) {
    let fresh = TestSite::fixture().with_health();
    change(fresh.path());
    fresh.digest_ok(&["render"]);
    assert_same_files(
        &site.files("public"),
        &fresh.files("public"),
        "against a render from nothing",
    );
}

fn rendered() -> TestSite {
    let site = TestSite::fixture().with_health();
    site.digest_ok(&["render"]);
    site
}

fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {relative}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_item_whose_company_is_edited_by_hand_moves_on_every_page() {
    let site = rendered();
    let change = |root: &Path| {
        edit(
            root,
            ITEM,
            "company = \"Google DeepMind\"",
            "company = \"Alphabet\"",
        )
    };
    change(site.path());
    site.digest_ok(&["render"]);
    assert!(
        site.read("public/sources/google-deepmind.html")
            .contains("Alphabet"),
        "the source page still names the old company"
    );
    assert_same_as_fresh(&site, change);
}

#[test]
fn files_deleted_from_public_are_written_again() {
    let site = rendered();
    for file in [
        "public/index.html",
        "public/editions/2025-07-23.html",
        "public/companies/openai.html",
    ] {
        std::fs::remove_file(site.path().join(file)).unwrap();
    }
    let log = site.digest_ok(&["-v", "render"]);
    assert!(log.contains(": 3 of "), "{log}");
    assert_same_as_fresh(&site, |_| {});
}

#[test]
fn a_public_folder_that_is_a_symbolic_link_stays_one() {
    let site = rendered();
    let web = tempfile::tempdir().unwrap();
    let root = web.path().join("www");
    std::fs::rename(site.path().join("public"), &root).unwrap();
    symlink(&root, site.path().join("public")).unwrap();
    // A new title changes every page: the whole site is rendered again.
    let change = |root: &Path| edit(root, "sources.toml", "title = \"", "title = \"New: ");
    change(site.path());
    site.digest_ok(&["render"]);
    let public = std::fs::symlink_metadata(site.path().join("public")).unwrap();
    assert!(
        public.file_type().is_symlink(),
        "public is no longer a link"
    );
    assert!(
        std::fs::read_to_string(root.join("index.html"))
            .unwrap()
            .contains("New: "),
        "the linked folder was not written"
    );
    assert_same_as_fresh(&site, change);
}

#[test]
fn a_static_file_whose_bytes_change_is_copied_again() {
    let site = TestSite::fixture().with_health();
    let menu = |byte: u8| {
        move |root: &Path| {
            std::fs::create_dir_all(root.join("static")).unwrap();
            std::fs::write(root.join("static/menu.txt"), [b'c', b'a', b'f', byte]).unwrap();
        }
    };
    menu(0xE9)(site.path());
    site.digest_ok(&["render"]);
    menu(0xE8)(site.path());
    site.digest_ok(&["render"]);
    assert_eq!(
        std::fs::read(site.path().join("public/menu.txt")).unwrap(),
        b"caf\xE8"
    );
    assert_same_as_fresh(&site, menu(0xE8));
}

#[test]
fn a_render_manifest_never_removes_a_file_outside_public() {
    let site = rendered();
    let victim = site.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let manifest = site.path().join(".digest/render.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replacen(
        "\"outputs\":{",
        "\"outputs\":{\"../victim.txt\":\"x\",\"/tmp/x\":\"x\",",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    site.digest_ok(&["render"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn caches_that_cannot_be_written_cost_time_not_the_render() {
    let site = rendered();
    let cache = site.path().join(".digest/cache");
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(&cache, "not a folder").unwrap();
    let change = |root: &Path| {
        edit(
            root,
            "content/issues/2025-07-23.md",
            "## Signal of the Day",
            "## Signal of the Day\n\nEDITOR NOTE: read this one.",
        )
    };
    change(site.path());
    let log = site.digest_ok(&["render"]);
    assert!(
        log.contains("the next run reads these files again"),
        "{log}"
    );
    assert!(
        site.read("public/editions/2025-07-23.html")
            .contains("EDITOR NOTE: read this one.")
    );
    assert_same_as_fresh(&site, change);
}

#[test]
fn items_and_folders_behind_symbolic_links_are_read_and_followed() {
    let site = rendered();
    let elsewhere = tempfile::tempdir().unwrap();
    let folder = elsewhere.path().join("google-deepmind");
    std::fs::rename(site.path().join("content/items/google-deepmind"), &folder).unwrap();
    symlink(&folder, site.path().join("content/items/google-deepmind")).unwrap();
    site.digest_ok(&["render"]);
    assert_same_as_fresh(&site, |_| {});

    // An edit to the file behind a link is seen.
    let change = |root: &Path| edit(root, ITEM, "title = \"Taking", "title = \"Now taking");
    change(site.path());
    site.digest_ok(&["render"]);
    assert!(
        site.read("public/companies/google-deepmind.html")
            .contains("Now taking")
    );
    assert_same_as_fresh(&site, change);

    // So is an edit to an item file that is itself a link.
    let file = elsewhere.path().join("item.md");
    std::fs::rename(site.path().join(ITEM), &file).unwrap();
    symlink(&file, site.path().join(ITEM)).unwrap();
    site.digest_ok(&["render"]);
    let both = |root: &Path| {
        change(root);
        edit(
            root,
            ITEM,
            "title = \"Now taking",
            "title = \"Today, taking",
        );
    };
    edit(
        elsewhere.path(),
        "item.md",
        "title = \"Now taking",
        "title = \"Today, taking",
    );
    site.digest_ok(&["render"]);
    assert!(
        site.read("public/companies/google-deepmind.html")
            .contains("Today, taking")
    );
    assert_same_as_fresh(&site, both);
}

#[test]
fn a_second_edition_of_one_day_is_left_out_with_a_warning_naming_both_files() {
    let site = TestSite::fixture().with_health();
    edit(
        site.path(),
        "content/issues/2025-07-24.md",
        "date = 2025-07-24",
        "date = 2025-07-23",
    );
    let log = site.digest_ok(&["render"]);
    assert!(
        log.contains("2025-07-24.md: a second edition of 2025-07-23, beside")
            && log.contains("2025-07-23.md; change its date or remove one of them"),
        "{log}"
    );
    let archive = site.read("public/archive.html");
    assert_eq!(
        archive.matches("href=\"editions/2025-07-23.html\"").count(),
        1
    );
    let page = site.read("public/editions/2025-07-23.html");
    let kept = site.read("content/issues/2025-07-23.md");
    let signal = kept
        .lines()
        .find(|l| l.starts_with("### "))
        .expect("a heading in the kept edition");
    let title = signal.trim_start_matches("### ");
    let title = title.split("](").next().unwrap().trim_start_matches('[');
    assert!(page.contains(title), "{title} not on the page");
}

#[test]
fn a_file_where_public_should_be_is_named_and_left_alone() {
    let site = TestSite::fixture().with_health();
    std::fs::write(site.path().join("public"), "notes").unwrap();
    let output = site.digest(&["render"]);
    assert!(!output.status.success());
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("public is a file, not a folder: move it away"),
        "{log}"
    );
    assert_eq!(site.read("public"), "notes");
    assert!(!site.path().join(".public.new").exists());
    std::fs::remove_file(site.path().join("public")).unwrap();
    site.digest_ok(&["render"]);
    assert_same_as_fresh(&site, |_| {});
}

#[test]
fn a_folder_removed_from_static_leaves_no_empty_folder_in_public() {
    let site = rendered();
    let docs = site.path().join("static/docs/guides");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), "a").unwrap();
    site.digest_ok(&["render"]);
    assert!(site.path().join("public/docs/guides/a.txt").is_file());
    std::fs::remove_dir_all(site.path().join("static/docs")).unwrap();
    site.digest_ok(&["render"]);
    assert!(!site.path().join("public/docs").exists());
    assert_same_as_fresh(&site, |root| {
        std::fs::create_dir_all(root.join("static")).unwrap();
    });
}
