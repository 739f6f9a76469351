//! `digest serve`: build the site, serve `public/` on 127.0.0.1, and build
//! it again whenever content, templates, static files or the configuration
//! change, reloading the pages open in a browser.
//!
//! The first build composes the editions that are due and renders, like
//! `digest build --offline`; later builds only render, so that editing an
//! edition by hand shows at once and nothing writes content behind the
//! editor's back. Nothing is ever fetched.
//!
//! Live reload needs no websocket: every HTML page served (never the files
//! in `public/`) gets a small script that long-polls `/__digest/reload`,
//! which answers when the site's version changes.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use notify::{EventKind, RecursiveMode, Watcher};
use tiny_http::{Header, Request, Response, Server};
use tracing::{debug, error, info};

use super::Status;
use crate::compose::{self, ComposeOptions};
use crate::config::Config;
use crate::layout::Layout;
use crate::lock::RunLock;
use crate::render;

/// The address of the long-poll that tells pages to reload.
const RELOAD_PATH: &str = "/__digest/reload";
/// How long a long-poll waits before answering that nothing changed.
const POLL_WAIT: Duration = Duration::from_secs(25);
/// How long changes are gathered before one rebuild.
const SETTLE: Duration = Duration::from_millis(150);

/// The script put before `</body>` of every page served.
const RELOAD_SCRIPT: &str = "<script>(function(){var v;function poll(){\
fetch('/__digest/reload'+(v===undefined?'':'?since='+v),{cache:'no-store'})\
.then(function(r){return r.text()}).then(function(t){\
if(v!==undefined&&t!==v){location.reload();return}v=t;poll()},\
function(){setTimeout(poll,2000)})}poll()})();</script>\n";

/// Builds, serves and rebuilds until the process is stopped.
pub fn run(layout: &Layout, port: u16) -> Result<Status> {
    build(layout, true)?;
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow!("cannot listen on 127.0.0.1:{port}: {e}; try another --port"))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    info!(
        "serving {} on http://{address}/ (Ctrl-C stops)",
        layout.public_dir().display()
    );

    let version = Arc::new(Version::default());
    let watched = layout.clone();
    let bumped = Arc::clone(&version);
    std::thread::spawn(move || {
        if let Err(e) = watch(&watched, &bumped) {
            error!("{e:#}; pages will not reload by themselves");
        }
    });
    for request in server.incoming_requests() {
        let public = layout.public_dir();
        let version = Arc::clone(&version);
        std::thread::spawn(move || respond(request, &public, &version));
    }
    Ok(Status::Done)
}

/// One build: compose (the first time) and render, holding the run lock.
fn build(layout: &Layout, with_compose: bool) -> Result<()> {
    let config = Config::load(layout.config())?;
    let _lock = RunLock::acquire(&layout.state_dir(), config.site.lock_wait)?;
    if with_compose {
        compose::run(layout, &config, Utc::now(), &ComposeOptions::default())?;
    }
    render::run(layout, &config)?;
    Ok(())
}

/// The site's version: bumped after each rebuild, waited on by pages.
#[derive(Default)]
struct Version {
    number: Mutex<u64>,
    changed: Condvar,
}

impl Version {
    fn current(&self) -> u64 {
        *self.number.lock().expect("version lock")
    }

    fn bump(&self) {
        *self.number.lock().expect("version lock") += 1;
        self.changed.notify_all();
    }

    /// Waits until the version is not `seen`, or `POLL_WAIT` passes.
    fn wait_past(&self, seen: u64) -> u64 {
        let number = self.number.lock().expect("version lock");
        let (number, _) = self
            .changed
            .wait_timeout_while(number, POLL_WAIT, |n| *n == seen)
            .expect("version lock");
        *number
    }
}

/// Watches the site's inputs and rebuilds after each burst of changes.
fn watch(layout: &Layout, version: &Version) -> Result<()> {
    let (sender, events) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender).context("cannot watch for changes")?;
    let inputs = inputs(layout);
    let config_dir = layout
        .config()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    watcher
        .watch(&config_dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", config_dir.display()))?;
    watcher
        .watch(layout.root(), RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", layout.root().display()))?;
    let mut watching: Vec<PathBuf> = Vec::new();
    loop {
        let new: Vec<&PathBuf> = inputs
            .iter()
            .filter(|d| d.is_dir() && !watching.contains(d))
            .collect();
        for dir in new {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", dir.display()))?;
            watching.push(dir.clone());
        }
        let event = events.recv().context("the watcher stopped")?;
        if !event.is_ok_and(|e| concerns(&e, layout, &inputs)) {
            continue;
        }
        std::thread::sleep(SETTLE);
        while events.try_recv().is_ok() {}
        match build(layout, false) {
            Ok(()) => version.bump(),
            Err(e) => error!("{e:#}; still serving the previous site"),
        }
    }
}

/// The folders whose changes call for a rebuild.
fn inputs(layout: &Layout) -> Vec<PathBuf> {
    vec![
        layout.root().join("content"),
        layout.templates_dir(),
        layout.static_dir(),
    ]
}

/// Whether an event changed an input (not a temporary file, not public/).
fn concerns(event: &notify::Event, layout: &Layout, inputs: &[PathBuf]) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|path| {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let relevant = path == layout.config()
            || same_file(path, layout.config())
            || inputs.iter().any(|dir| path.starts_with(dir));
        if relevant && !hidden {
            debug!("{} changed", path.display());
        }
        relevant && !hidden
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Answers one request: the reload long-poll, or a file of `public/`.
fn respond(request: Request, public: &Path, version: &Version) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let response = if path == RELOAD_PATH {
        let seen = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("since="))
            .and_then(|n| n.parse().ok());
        let number = match seen {
            Some(seen) => version.wait_past(seen),
            None => version.current(),
        };
        reply(
            200,
            "text/plain; charset=utf-8",
            number.to_string().into_bytes(),
        )
    } else {
        file_response(public, path)
    };
    if let Err(e) = request.respond(response) {
        debug!("{url}: the browser went away: {e}");
    }
}

/// The file of `public/` at a URL path, with the reload script in HTML.
fn file_response(public: &Path, url_path: &str) -> Response<Cursor<Vec<u8>>> {
    let Some(mut path) = resolve(public, url_path) else {
        return not_found(public);
    };
    if path.is_dir() {
        path = path.join("index.html");
    }
    let Ok(bytes) = std::fs::read(&path) else {
        return not_found(public);
    };
    let content_type = content_type(&path);
    let bytes = if content_type.starts_with("text/html") {
        with_reload_script(bytes)
    } else {
        bytes
    };
    reply(200, content_type, bytes)
}

/// The file a URL path names under `public/`, or None if it would leave it.
fn resolve(public: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut path = public.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

/// Decodes `%XX` escapes; None if the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn not_found(public: &Path) -> Response<Cursor<Vec<u8>>> {
    let page = std::fs::read(public.join("404.html")).unwrap_or_else(|_| b"Not found\n".to_vec());
    reply(404, "text/html; charset=utf-8", with_reload_script(page))
}

fn with_reload_script(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, RELOAD_SCRIPT.bytes());
    html
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Response<Cursor<Vec<u8>>> {
    let mut response = Response::from_data(body).with_status_code(status);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    response
}

/// The media type of a file of the site, by its extension.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "xml" | "opml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_public() {
        let public = Path::new("/site/public");
        assert_eq!(
            resolve(public, "/editions/2025-07-22.html"),
            Some(public.join("editions/2025-07-22.html"))
        );
        assert_eq!(resolve(public, "/../etc/passwd"), None);
        assert_eq!(resolve(public, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(public, "/a%5c..%5cb"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let html = with_reload_script(b"<body><p>x</p></body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<body><p>x</p><script>"), "{html}");
        assert!(html.ends_with("</script>\n</body></html>"), "{html}");
    }
}
