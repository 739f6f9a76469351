//! The commands as people use them: `init`, `build`, `check`, `serve`,
//! `sources`, `completions`, `--strict`, `-q` and `--help`, run through the
//! real binary on temporary sites.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::{FeedServer, Reply, TestSite, TestSource, start_serve};

fn digest() -> Command {
    Command::new(env!("CARGO_BIN_EXE_digest"))
}

#[test]
fn init_then_build_then_check_succeeds_on_a_fresh_directory() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("my-digest");
    let output = digest().arg("init").arg(&dir).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    for path in [
        "sources.toml",
        "content/items",
        "content/issues",
        ".gitignore",
    ] {
        assert!(dir.join(path).exists(), "init made no {path}");
    }
    for args in [&["build", "--offline"][..], &["check"]] {
        let output = digest().arg("-C").arg(&dir).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "digest {args:?}: {stderr}");
    }
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(index.contains("No edition yet"), "{index}");

    // A second init leaves the site alone.
    let output = digest().arg("init").arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn init_with_templates_copies_them_out_for_changing() {
    let dir = tempfile::tempdir().unwrap();
    let output = digest()
        .arg("-C")
        .arg(dir.path())
        .args(["init", "--with-templates"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(dir.path().join("templates/edition.html").is_file());
    assert!(dir.path().join("static/style.css").is_file());
    let edition = dir.path().join("templates/base.html");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(
        &edition,
        text.replace("Skip to content", "Skip to the edition"),
    )
    .unwrap();
    let output = digest()
        .arg("-C")
        .arg(dir.path())
        .args(["build", "--offline"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let index = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(index.contains("Skip to the edition"));
}

#[test]
fn check_reports_every_problem_with_its_file_and_line() {
    let site = TestSite::fixture();
    let root = site.path();
    // A broken item, an edition naming an item that does not exist, two
    // broken templates and an unknown configuration key.
    let item = root.join("content/items/openai-blog/2025-07-23-announcing-openai-devday-2025.md");
    let text = std::fs::read_to_string(&item).unwrap();
    std::fs::write(&item, text.replacen("title = ", "title = [", 1)).unwrap();
    let edition = root.join("content/issues/2025-07-24.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    let items_line = text
        .lines()
        .position(|l| l.starts_with("items = "))
        .unwrap()
        + 1;
    std::fs::write(
        &edition,
        text.replace(
            "https://openai.com/index/outtake\"",
            "https://gone.example/\"",
        ),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/index.html"),
        "<p>\n{{ latest.date </p>\n",
    )
    .unwrap();
    std::fs::write(root.join("templates/archive.html"), "\n\n{% for x in %}\n").unwrap();
    let config = root.join("sources.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("feed_entries = 20", "feed_entries = 20\ncolour = \"red\""),
    )
    .unwrap();

    let output = site.digest(&["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expect = [
        format!("{}: line 11: unknown field `colour`", config.display()),
        format!("{}, line 4: missing comma", item.display()),
        format!(
            "{}, line {items_line}: item \"https://gone.example/\"",
            edition.display()
        ),
        format!("{}, line 2", root.join("templates/index.html").display()),
        format!("{}, line 3", root.join("templates/archive.html").display()),
        "6 problems".to_string(),
    ];
    for wanted in &expect {
        assert!(
            stderr.contains(wanted.as_str()),
            "no {wanted:?} in:\n{stderr}"
        );
    }
    // Each edition naming the broken item is reported too.
    assert!(stderr.contains("2025-07-23.md"), "{stderr}");
    assert!(!root.join("public").exists(), "check wrote the site");
}

#[test]
fn check_passes_a_sound_site_and_says_what_it_checked() {
    let site = TestSite::fixture();
    let stderr = site.digest_ok(&["check"]);
    assert!(
        stderr.contains("14 items and 3 editions: no problems"),
        "{stderr}"
    );
}

#[test]
fn sources_lists_every_source_with_its_items_and_health() {
    let site = TestSite::fixture().with_health();
    let output = site.digest(&["sources"]);
    assert!(output.status.success());
    let table = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[0].starts_with("SOURCE") && lines[0].contains("LAST ERROR"));
    assert!(lines[1].starts_with("OpenAI Blog") && lines[1].contains("2025-07-25T06:15:02Z"));
    assert!(lines[2].contains("HTTP 503 Service Unavailable"), "{table}");
    assert!(lines[3].starts_with("InfoQ") && lines[3].contains("aggregator"));
    assert!(lines[4].contains("  no  "), "{table}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = digest().args(["completions", shell]).output().unwrap();
        assert!(output.status.success());
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(
            script.contains("digest") && script.contains("serve"),
            "{shell}"
        );
    }
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let output = digest().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Examples:") && help.contains("digest init my-digest"));
    assert!(help.contains("Exit codes:") && help.contains("3  --strict"));
    let output = digest().args(["bogus"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn strict_turns_a_failed_source_into_exit_code_3() {
    let server = FeedServer::start();
    server.route("/gone.xml", Reply::Status(404));
    let site = TestSite::new(&[
        TestSource::blog("Gone Blog", "Gone", server.url("/gone.xml")),
        TestSource::blog(
            "Microsoft AI Blogs",
            "Microsoft",
            server.serve_fixture("sources/microsoft-ai-blogs.xml"),
        ),
    ]);
    assert_eq!(site.digest(&["fetch"]).status.code(), Some(0));
    let output = site.digest(&["build", "--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("1 source failed"), "{stderr}");
    assert!(site.path().join("public/index.html").is_file(), "no site");
    assert_eq!(site.digest(&["fetch", "--strict"]).status.code(), Some(3));
}

#[test]
fn quiet_runs_print_nothing_when_all_is_well() {
    let site = TestSite::fixture();
    let output = site.digest(&["-q", "build", "--offline"]);
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty() && output.stdout.is_empty(),
        "{output:?}"
    );
}

/// GETs `path` from a loopback address; returns the status line and body.
fn get(address: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

#[test]
fn serve_answers_on_loopback_and_reloads_after_a_content_change() {
    let site = TestSite::fixture();
    let (_serving, address) = start_serve(&site);
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let (status, page) = get(&address, "/editions/2025-07-24.html");
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("/__digest/reload"), "no reload script");
    let on_disk = site.read("public/editions/2025-07-24.html");
    assert!(
        !on_disk.contains("<script"),
        "public/ got the reload script"
    );
    let (status, _) = get(&address, "/../sources.toml");
    assert!(status.contains("404"), "{status}");

    // A page waits on the long-poll; an edit to an edition ends the wait.
    let (_, version) = get(&address, "/__digest/reload");
    let poll_address = address.clone();
    let waiting = std::thread::spawn(move || {
        get(&poll_address, &format!("/__digest/reload?since={version}"))
    });
    std::thread::sleep(Duration::from_millis(500));
    let edition = site.path().join("content/issues/2025-07-24.md");
    let text = std::fs::read_to_string(&edition).unwrap();
    std::fs::write(
        &edition,
        text.replace(
            "## Signal of the Day",
            "## Signal of the Day\n\nAn editor was here.",
        ),
    )
    .unwrap();
    let (status, new_version) = waiting.join().unwrap();
    assert!(status.contains("200"), "{status}");
    assert_ne!(new_version, "0", "the long-poll ended without a rebuild");
    let (_, page) = get(&address, "/editions/2025-07-24.html");
    assert!(page.contains("An editor was here."), "not rebuilt");
}
