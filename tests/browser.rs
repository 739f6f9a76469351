//! The fixture site in a real headless Chromium (Debian's package, driven
//! by playwright-core from npm): the edition page and the other kinds of
//! page at desktop and phone widths, in light and dark, with no console
//! error, no failed request, no script and no sideways scrolling.
//! Screenshots go to `target/test-artifacts/browser/` for review. And a
//! page served by `digest serve` reloads by itself after a change.

mod common;

use std::process::Command;

use common::{TestSite, artifacts_dir, require_browser, start_serve, tools_dir};

#[test]
fn pages_load_cleanly_at_every_width_in_light_and_dark() {
    require_browser();
    let site = TestSite::fixture().with_health();
    site.digest_ok(&["render"]);
    let artifacts = artifacts_dir("browser");
    let pages = [
        "editions/2025-07-23.html",
        "index.html",
        "archive.html",
        "companies/openai.html",
        "sources/index.html",
        "subscribe.html",
    ];
    let output = Command::new("node")
        .arg(tools_dir().join("check-pages.mjs"))
        .arg(site.path().join("public"))
        .arg(&artifacts)
        .args(pages)
        .output()
        .expect("run node");
    let report = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    std::fs::write(artifacts.join("report.jsonl"), report.as_bytes()).unwrap();
    assert!(
        output.status.success(),
        "Chromium found problems:\n{report}{errors}"
    );
    // Six pages, two widths, two schemes: each view checked and shot.
    assert_eq!(report.lines().count(), pages.len() * 4, "{report}");
    for shot in [
        "editions_2025-07-23_html-desktop-light.png",
        "editions_2025-07-23_html-desktop-dark.png",
        "editions_2025-07-23_html-phone-light.png",
        "editions_2025-07-23_html-phone-dark.png",
    ] {
        let size = std::fs::metadata(artifacts.join(shot)).map_or(0, |m| m.len());
        assert!(size > 10_000, "{shot} is missing or blank ({size} bytes)");
    }
}

#[test]
fn a_page_open_in_the_browser_reloads_when_serve_sees_a_change() {
    require_browser();
    let site = TestSite::fixture();
    let (_serving, address) = start_serve(&site);
    let edition = site.path().join("content/issues/2025-07-24.md");
    let output = Command::new("node")
        .arg(tools_dir().join("check-reload.mjs"))
        .arg(format!("http://{address}/editions/2025-07-24.html"))
        .arg(&edition)
        .args([
            "## Deep Dives",
            "## Deep Dives\n\nChanged while the page was open.",
        ])
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "the page did not reload with the change: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
