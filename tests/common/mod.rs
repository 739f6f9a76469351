//! Shared test helpers: a loopback feed server that can also misbehave on
//! purpose, and a throwaway site that the real `digest` binary runs in.

#![allow(dead_code)]

pub mod hostile;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A saved feed copied from the shared corpus into `tests/fixtures/corpus`.
pub fn fixture(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Two small feeds written for these tests: two companies that publish on
/// the same theme on 2025-07-23, one with a relative link and a date with
/// an offset that moves it to the next day in UTC.
pub const ACME_FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Acme Engineering</title><link>https://acme.example/blog/</link>
<item>
  <title>Moving image resizing to edge caching</title>
  <link>/blog/edge-caching-images</link>
  <guid isPermaLink="false">acme-42</guid>
  <pubDate>Tue, 22 Jul 2025 23:30:00 -0700</pubDate>
  <author>dev@acme.example (Ada Lovelace)</author>
  <description><![CDATA[<p>Last quarter we moved image resizing out of our origin servers and into edge caching nodes. The p99 latency of image requests fell by 40% across 3,000 servers, and origin traffic dropped by half.</p>
<p>Edge caching only works when cache keys are stable, so we normalised every resize parameter before it reaches the cache. We also learned that invalidation must be scoped per tenant, or one customer's purge empties everyone's edge caching tier.</p>
<p>Read the <a href="/docs/edge">edge caching guide</a> for the configuration we use.</p>]]></description>
</item>
</channel></rss>"#;

pub const GLOBEX_FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Globex Tech</title><id>urn:globex</id>
<link href="https://globex.example/"/><updated>2025-07-23T12:00:00Z</updated>
<entry>
  <title>Edge caching for our public API, one year on</title>
  <link href="https://globex.example/posts/edge-caching-api"/>
  <id>urn:globex:post:7</id>
  <published>2025-07-23T12:00:00+02:00</published>
  <updated>2025-07-23T12:00:00+02:00</updated>
  <author><name>Grace Hopper</name></author>
  <content type="html"><![CDATA[<p>A year ago we put edge caching in front of our public API. The cache hit ratio climbed from 60% to 92%, and the p99 latency of read requests fell from 180 ms to 45 ms.</p>
<p>The hard part of edge caching was invalidation: we tag every cached response with the records it contains, so a write purges exactly the responses it changes. Stale reads are now measured in seconds rather than minutes.</p>]]></content>
</entry>
</feed>"#;

/// The date every feed reply says it was last modified.
pub const LAST_MODIFIED: &str = "Wed, 23 Jul 2025 12:00:00 GMT";

/// What the server answers on a path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this body and content type, an ETag and a Last-Modified
    /// date; 304 with no body when the request carries the same ETag.
    Feed(Vec<u8>, &'static str),
    /// This status with a short text body.
    Status(u16),
    /// This status, these headers and this body.
    Full(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// These exact bytes, written as the whole response.
    Raw(Vec<u8>),
    /// Waits this long before answering with the inner reply.
    Slow(Duration, Box<Reply>),
    /// Headers, then the body one byte at a time, this far apart.
    Drip(Vec<u8>, Duration),
    /// Closes the connection without answering.
    HangUp,
    /// The first `n` requests get the first reply, later ones the second.
    Then(usize, Box<Reply>, Box<Reply>),
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The path asked for.
    pub path: String,
    /// Header names (lowercase) and values.
    pub headers: HashMap<String, String>,
    /// The body, for a request that has one.
    pub body: String,
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each path with a reply.
pub struct FeedServer {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<Request>>>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
    active: Arc<AtomicUsize>,
    most_active: Arc<AtomicUsize>,
    body_bytes: Arc<AtomicUsize>,
}

impl FeedServer {
    /// Starts a server on a free loopback port; it runs until the test ends.
    pub fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let server = FeedServer {
            port: listener.local_addr().unwrap().port(),
            routes: Arc::default(),
            requests: Arc::default(),
            counts: Arc::default(),
            active: Arc::default(),
            most_active: Arc::default(),
            body_bytes: Arc::default(),
        };
        let shared = server.shared();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                thread::spawn(move || shared.serve(stream));
            }
        });
        server
    }

    fn shared(&self) -> Shared {
        Shared {
            routes: Arc::clone(&self.routes),
            requests: Arc::clone(&self.requests),
            counts: Arc::clone(&self.counts),
            active: Arc::clone(&self.active),
            most_active: Arc::clone(&self.most_active),
            body_bytes: Arc::clone(&self.body_bytes),
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

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Forgets the requests and byte counts so far.
    pub fn reset_log(&self) {
        self.requests.lock().unwrap().clear();
        self.body_bytes.store(0, Ordering::SeqCst);
    }

    /// Body bytes sent since the last reset.
    pub fn body_bytes(&self) -> usize {
        self.body_bytes.load(Ordering::SeqCst)
    }

    /// The most connections that were being answered at the same time.
    pub fn most_active(&self) -> usize {
        self.most_active.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Shared {
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<Request>>>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
    active: Arc<AtomicUsize>,
    most_active: Arc<AtomicUsize>,
    body_bytes: Arc<AtomicUsize>,
}

impl Shared {
    fn serve(&self, stream: TcpStream) {
        let Some(request) = read_request(&stream) else {
            return;
        };
        let now = self.active.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_active.fetch_max(now, Ordering::SeqCst);
        let busy = Busy {
            active: &self.active,
            done: std::cell::Cell::new(false),
        };
        self.requests.lock().unwrap().push(request.clone());
        let seen = {
            let mut counts = self.counts.lock().unwrap();
            let count = counts.entry(request.path.clone()).or_default();
            *count += 1;
            *count
        };
        let reply = self
            .routes
            .lock()
            .unwrap()
            .get(&request.path)
            .cloned()
            .unwrap_or(Reply::Status(404));
        self.answer(stream, &request, reply, seen, &busy);
        busy.release();
    }

    fn answer(
        &self,
        mut stream: TcpStream,
        request: &Request,
        reply: Reply,
        seen: usize,
        busy: &Busy,
    ) {
        match reply {
            Reply::Feed(body, content_type) => {
                let etag = format!(
                    "\"{:x}\"",
                    body.len() * 31 + body.iter().map(|&b| b as usize).sum::<usize>()
                );
                if request.headers.get("if-none-match") == Some(&etag) {
                    self.write(&mut stream, 304, &[("ETag", etag)], b"", busy);
                } else {
                    let headers = [
                        ("Content-Type", content_type.to_string()),
                        ("ETag", etag),
                        ("Last-Modified", LAST_MODIFIED.to_string()),
                    ];
                    self.write(&mut stream, 200, &headers, &body, busy);
                }
            }
            Reply::Status(code) => self.write(
                &mut stream,
                code,
                &[("Content-Type", "text/plain".into())],
                format!("status {code}\n").as_bytes(),
                busy,
            ),
            Reply::Full(code, headers, body) => {
                self.write(&mut stream, code, &headers, &body, busy)
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes);
            }
            Reply::Slow(delay, inner) => {
                thread::sleep(delay);
                self.answer(stream, request, *inner, seen, busy);
            }
            Reply::Drip(body, every) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for byte in body {
                    thread::sleep(every);
                    if stream.write_all(&[byte]).is_err() {
                        return;
                    }
                }
            }
            Reply::HangUp => {
                let _ = stream.shutdown(Shutdown::Both);
            }
            Reply::Then(first, before, after) => {
                let reply = if seen <= first { *before } else { *after };
                self.answer(stream, request, reply, seen, busy);
            }
        }
    }

    fn write(
        &self,
        stream: &mut TcpStream,
        code: u16,
        headers: &[(&str, String)],
        body: &[u8],
        busy: &Busy,
    ) {
        let mut head = format!("HTTP/1.1 {code} Test\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            && code != 304
        {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        self.body_bytes.fetch_add(body.len(), Ordering::SeqCst);
        // The client may start its next request as soon as it has the last
        // byte, so this request stops counting as active just before it.
        let mut answer = head.into_bytes();
        answer.extend_from_slice(body);
        let last = answer.pop();
        let _ = stream.write_all(&answer);
        let _ = stream.flush();
        busy.release();
        let _ = stream.write_all(last.as_slice());
        let _ = stream.flush();
    }
}

/// A request being answered, counted in `active` until released.
struct Busy<'a> {
    active: &'a AtomicUsize,
    done: std::cell::Cell<bool>,
}

impl Busy<'_> {
    /// Stops counting the request; only the first call counts.
    fn release(&self) {
        if !self.done.replace(true) {
            self.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    std::io::Read::read_exact(&mut reader, &mut body).ok()?;
    Some(Request {
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One `[[source]]` of a test site.
pub struct TestSource<'a> {
    pub name: &'a str,
    pub company: &'a str,
    pub kind: &'a str,
    pub feed: String,
}

impl<'a> TestSource<'a> {
    /// A company source with this name, whose company is the name too.
    pub fn new(name: &'a str, feed: String) -> TestSource<'a> {
        TestSource {
            name,
            company: name,
            kind: "company",
            feed,
        }
    }

    /// The blog of `company`, named `name`.
    pub fn blog(name: &'a str, company: &'a str, feed: String) -> TestSource<'a> {
        TestSource {
            name,
            company,
            kind: "company",
            feed,
        }
    }
}

/// A site in a temporary directory.
pub struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A site whose `sources.toml` lists `sources`.
    pub fn new(sources: &[TestSource]) -> TestSite {
        TestSite::with_settings("", sources)
    }

    /// A site with extra `[site]` settings (TOML lines) and `sources`.
    pub fn with_settings(settings: &str, sources: &[TestSource]) -> TestSite {
        let dir = tempfile::tempdir().expect("temporary site");
        let mut config = format!(
            "[site]\ntitle = \"Engineering @ Scale\"\nbase_url = \"https://digest.test/\"\ntimezone = \"UTC\"\n{settings}\n"
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

    /// A site whose `sources.toml` is `config`, as given.
    pub fn from_config(config: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temporary site");
        std::fs::write(dir.path().join("sources.toml"), config).unwrap();
        TestSite { dir }
    }

    /// The site's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The `digest` command, set to run in this site.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_digest"));
        command
            .arg("-C")
            .arg(self.path())
            .args(args)
            .env_remove("RUST_LOG");
        command
    }

    /// Runs `digest` with `args`, and fails the test if it has not
    /// finished within `bound`.
    pub fn digest_within(&self, bound: Duration, args: &[&str]) -> Output {
        let mut child = self
            .command(args)
            .stderr(Stdio::piped())
            .spawn()
            .expect("run digest");
        let started = std::time::Instant::now();
        while child.try_wait().expect("wait for digest").is_none() {
            if started.elapsed() > bound {
                let _ = child.kill();
                panic!("digest {args:?} hung");
            }
            thread::sleep(Duration::from_millis(50));
        }
        child.wait_with_output().expect("digest's output")
    }

    /// Runs the real `digest` binary in the site with `args`.
    pub fn digest(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run digest")
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

    /// Every file below `relative` with its modification time.
    pub fn mtimes(&self, relative: &str) -> BTreeMap<PathBuf, std::time::SystemTime> {
        self.files(relative)
            .keys()
            .map(|p| {
                (
                    p.clone(),
                    std::fs::metadata(self.path().join(p))
                        .unwrap()
                        .modified()
                        .unwrap(),
                )
            })
            .collect()
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

/// Fails unless Node.js, Debian's Chromium and playwright-core are there.
pub fn require_browser() {
    require_tool("node", &["--version"], "apt-get install -y nodejs npm");
    require_tool(
        "/usr/bin/chromium",
        &["--version"],
        "apt-get install -y chromium",
    );
    let driver = tools_dir().join("node_modules/playwright-core");
    assert!(
        driver.is_dir(),
        "{} is missing: run `npm ci --ignore-scripts --prefix tests/tools` \
         (.ci/run does this on a fresh machine)",
        driver.display()
    );
}

/// Fails unless two trees of files (as [`TestSite::files`] reads them)
/// hold the same files with the same bytes; `what` says what `actual` is.
pub fn assert_same_files(
    actual: &BTreeMap<PathBuf, Vec<u8>>,
    expected: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: not the same files"
    );
    for (path, bytes) in expected {
        assert!(actual[path] == *bytes, "{what}: {} differs", path.display());
    }
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
