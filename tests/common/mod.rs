//! Shared test helpers: a loopback feed server and a throwaway site that the
//! real `digest` binary runs in.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The saved feeds copied from the shared corpus.
pub fn fixture(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// What the server answers on a path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this body and content type.
    Feed(Vec<u8>, &'static str),
    /// This status with a short text body.
    Status(u16),
    /// These exact bytes, written as the whole response.
    Raw(Vec<u8>),
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each path with a fixed reply.
pub struct FeedServer {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FeedServer {
    /// Starts a server on a free loopback port; it runs until the test ends.
    pub fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (shared_routes, shared_requests) = (Arc::clone(&routes), Arc::clone(&requests));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = Arc::clone(&shared_routes);
                let requests = Arc::clone(&shared_requests);
                thread::spawn(move || serve(stream, &routes, &requests));
            }
        });
        FeedServer {
            port,
            routes,
            requests,
        }
    }

    /// Answers `path` with `reply` from now on.
    pub fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    /// Serves a corpus fixture at `/<fixture path>` and returns its URL.
    pub fn serve_fixture(&self, relative: &str) -> String {
        let path = format!("/{relative}");
        self.route(&path, Reply::Feed(fixture(relative), "application/rss+xml"));
        self.url(&path)
    }

    /// The absolute URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The request lines received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>, requests: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    requests
        .lock()
        .unwrap()
        .push(request_line.trim().to_string());
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let reply = routes
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404));
    let mut stream = stream;
    let bytes = match reply {
        Reply::Feed(body, content_type) => response(200, "OK", content_type, &body),
        Reply::Status(code) => response(
            code,
            "Status",
            "text/plain",
            format!("status {code}\n").as_bytes(),
        ),
        Reply::Raw(bytes) => bytes,
    };
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

fn response(code: u16, reason: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One `[[source]]` of a test site.
pub struct TestSource<'a> {
    pub name: &'a str,
    pub company: &'a str,
    pub kind: &'a str,
    pub feed: String,
}

/// A site in a temporary directory.
pub struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A site whose `sources.toml` lists `sources`.
    pub fn new(sources: &[TestSource]) -> TestSite {
        let dir = tempfile::tempdir().expect("temporary site");
        let mut config = String::from(
            "[site]\ntitle = \"Engineering @ Scale\"\nbase_url = \"https://digest.test/\"\ntimezone = \"UTC\"\n",
        );
        for source in sources {
            config.push_str(&format!(
                "\n[[source]]\nname = \"{}\"\ncompany = \"{}\"\nkind = \"{}\"\nfeed = \"{}\"\n",
                source.name, source.company, source.kind, source.feed
            ));
        }
        std::fs::write(dir.path().join("sources.toml"), config).unwrap();
        TestSite { dir }
    }

    /// The site's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the real `digest` binary in the site with `args`.
    pub fn digest(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_digest"))
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .expect("run digest")
    }

    /// Runs `digest` and fails the test unless it exits 0; returns its stderr.
    pub fn digest_ok(&self, args: &[&str]) -> String {
        let output = self.digest(args);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(output.status.success(), "digest {args:?} failed:\n{stderr}");
        stderr
    }

    /// The text of a file of the site.
    pub fn read(&self, relative: &str) -> String {
        let path = self.path().join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every file below `relative`, with its bytes.
    pub fn files(&self, relative: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut found = BTreeMap::new();
        let mut pending = vec![self.path().join(relative)];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    found.insert(path.strip_prefix(self.path()).unwrap().to_path_buf(), bytes);
                }
            }
        }
        found
    }
}

impl TestSite {
    /// A copy of the fixture site in `tests/fixtures/site`: three editions
    /// of real content and their items.
    pub fn fixture() -> TestSite {
        let dir = tempfile::tempdir().expect("temporary site");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        copy_dir(&from, dir.path());
        TestSite { dir }
    }

    /// Puts the fixture's source health into the site's `.digest/`.
    pub fn with_health(self) -> TestSite {
        let state = self.path().join(".digest");
        std::fs::create_dir_all(&state).unwrap();
        std::fs::rename(self.path().join("health.json"), state.join("health.json")).unwrap();
        self
    }

    /// Every file below `relative` whose name ends with `suffix`, sorted.
    pub fn paths_ending(&self, relative: &str, suffix: &str) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .files(relative)
            .into_keys()
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect();
        paths.sort();
        paths
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `target/test-artifacts/<name>/`, emptied: where tests leave screenshots
/// and reports for a person to look at.
pub fn artifacts_dir(name: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let dir = target.join("test-artifacts").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tests/tools/`, where `.ci/run` installs the npm tools the tests use.
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools")
}

/// Fails the test, saying what to install, unless `command` can run.
pub fn require_tool(command: &str, args: &[&str], install: &str) {
    let works = Command::new(command)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        works,
        "this test needs `{command} {}`, which does not run here. Install it: {install} \
         (.ci/run does this on a fresh machine)",
        args.join(" ")
    );
}

/// A `digest serve` that is stopped when the test ends.
pub struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `digest serve --port 0` and returns it with its address.
pub fn start_serve(site: &TestSite) -> (Serving, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
        .arg("-C")
        .arg(site.path())
        .args(["serve", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let serving = Serving(child);
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("serve said where it serves");
        if let Some(rest) = line.split("http://").nth(1) {
            let address = rest.split('/').next().unwrap().to_string();
            return (serving, address);
        }
    }
}
