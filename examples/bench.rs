//! The benchmark of a ten-year digest, printed side by side with its
//! references, all measured in one run on one machine:
//!
//! - a full build of a synthetic ten-year site (3,650 editions, about
//!   30,000 items whose bodies are the committed content's real articles)
//!   against Hugo building the same items and editions, and against the
//!   floor of copying the finished `public/`;
//! - the daily build (one new day on that archive) against the full build;
//! - peak memory of each build;
//! - fetching 1,000 feeds from a loopback server that adds latency to every
//!   answer, against the ideal, and the bytes of a second, conditional run;
//! - feed parsing throughput on the saved feeds against Python's feedparser.
//!
//! Builds, copies and Hugo's runs are each timed three times, and the table
//! shows the median, so that one disturbed run does not decide a figure.
//!
//! Run from the project's root, with Debian's `hugo` and `time` installed:
//!
//!     cargo build --release && cargo run --release --example bench
//!
//! Options: `--days N` (default 3650), `--per-day N` (default 8),
//! `--feeds N` (default 1000), `--latency-ms N` (default 100),
//! `--skip-hugo`, `--skip-fetch`, `--skip-parse`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration as Days, NaiveDate, TimeZone, Utc};
use digest::item::{Item, ItemMeta};

/// What the benchmark was asked to do.
struct Options {
    days: i64,
    per_day: usize,
    feeds: usize,
    latency: Duration,
    hugo: bool,
    fetch: bool,
    parse: bool,
}

impl Options {
    fn from_args() -> Result<Options> {
        let mut options = Options {
            days: 3650,
            per_day: 8,
            feeds: 1000,
            latency: Duration::from_millis(100),
            hugo: true,
            fetch: true,
            parse: true,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = || -> Result<u64> {
                let text = args.next().context("a value is missing")?;
                Ok(text.parse::<u64>()?)
            };
            match arg.as_str() {
                "--days" => options.days = value()? as i64,
                "--per-day" => options.per_day = value()? as usize,
                "--feeds" => options.feeds = value()? as usize,
                "--latency-ms" => options.latency = Duration::from_millis(value()?),
                "--skip-hugo" => options.hugo = false,
                "--skip-fetch" => options.fetch = false,
                "--skip-parse" => options.parse = false,
                other => bail!("unknown option {other}"),
            }
        }
        Ok(options)
    }
}

/// One measured run of a command.
struct Run {
    seconds: f64,
    peak_mib: f64,
    /// Processor time, user and system, over all threads.
    cpu_seconds: f64,
}

/// Builds and copies are timed this many times; the table shows the median
/// time and the largest peak memory, so that one disturbed run on a shared
/// machine does not decide a figure.
const RUNS: usize = 3;

/// The median of some timings.
fn median(seconds: &mut [f64]) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

/// The median time and the largest peak memory of some runs.
fn median_run(runs: impl Iterator<Item = Result<Run>>) -> Result<Run> {
    let runs = runs.collect::<Result<Vec<Run>>>()?;
    let mut seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    let mut cpu: Vec<f64> = runs.iter().map(|r| r.cpu_seconds).collect();
    Ok(Run {
        seconds: median(&mut seconds),
        peak_mib: runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max),
        cpu_seconds: median(&mut cpu),
    })
}

/// Runs a command under GNU time and reads its wall time, peak memory and
/// processor time.
fn measure(command: &mut Command) -> Result<Run> {
    let report = tempfile::NamedTempFile::new()?;
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let started = Instant::now();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%M %U %S")
        .arg("-o")
        .arg(report.path())
        .arg(&program)
        .args(&args);
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let output = timed
        .output()
        .context("/usr/bin/time is needed: apt-get install time")?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "{:?} failed: {}",
            program,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report = std::fs::read_to_string(report.path())?;
    let figures: Vec<f64> = report
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [kib, user, system] = figures[..] else {
        bail!("GNU time said {report:?}");
    };
    Ok(Run {
        seconds,
        peak_mib: kib / 1024.0,
        cpu_seconds: user + system,
    })
}

fn digest_binary() -> Result<PathBuf> {
    let example = std::env::current_exe()?;
    let binary = example
        .parent()
        .and_then(Path::parent)
        .map(|p| p.join("digest"))
        .context("no target dir")?;
    if !binary.exists() {
        bail!(
            "{} is missing: run `cargo build --release` first",
            binary.display()
        );
    }
    Ok(binary)
}

/// Real article bodies and titles from the committed content.
fn corpus_articles() -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    for path in digest::store::markdown_files(Path::new("content/items"))? {
        let item = Item::read(&path)?;
        if item.body.split_whitespace().count() > 40 {
            found.push((item.meta.title, item.body));
        }
    }
    if found.is_empty() {
        bail!("run the benchmark from the project's root: it reads content/items/");
    }
    Ok(found)
}

/// The sources of the project's configuration, with their folder slugs.
fn sources() -> Result<Vec<(String, String, String)>> {
    let config = digest::config::Config::load(Path::new("sources.toml"))?;
    Ok(config
        .sources
        .iter()
        .filter(|s| s.enabled)
        .map(|s| (s.name.clone(), s.slug.clone(), s.company.clone()))
        .collect())
}

/// Writes `per_day` items for every day from `first` on, for `days` days.
fn write_items(
    site: &Path,
    first: NaiveDate,
    days: i64,
    per_day: usize,
    articles: &[(String, String)],
) -> Result<usize> {
    let sources = sources()?;
    let mut written = 0;
    for day in 0..days {
        let date = first + Days::days(day);
        // Numbered by the date, so that each day's items have their own ids.
        let ordinal = date.num_days_from_ce() as usize;
        for slot in 0..per_day {
            let n = ordinal * per_day + slot;
            let (name, slug, company) = &sources[(n * 7 + ordinal) % sources.len()];
            let (title, body) = &articles[(n * 13) % articles.len()];
            let at = Utc
                .from_utc_datetime(&date.and_hms_opt(6 + (slot as u32 * 2) % 16, 0, 0).unwrap())
                .fixed_offset();
            let id = format!("https://bench.example/{slug}/{n}");
            let meta = ItemMeta::new(&id, &format!("{title} ({n})"), &id, (name, company), at);
            let path = site
                .join("content/items")
                .join(slug)
                .join(format!("{}-item-{n}.md", date.format("%Y-%m-%d")));
            std::fs::create_dir_all(path.parent().unwrap())?;
            std::fs::write(
                &path,
                Item {
                    meta,
                    body: body.clone(),
                }
                .to_text()?,
            )?;
            written += 1;
        }
    }
    Ok(written)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let status = Command::new("cp").arg("-r").arg(from).arg(to).status()?;
    if !status.success() {
        bail!("cp -r failed");
    }
    Ok(())
}

fn files_in(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path)
            } else {
                found.push(path)
            }
        }
    }
    found
}

/// The table row of a figure against its reference.
fn row(out: &mut String, name: &str, ours: String, reference: String, ratio: String, target: &str) {
    out.push_str(&format!(
        "| {name} | {ours} | {reference} | {ratio} | {target} |\n"
    ));
}

fn main() -> Result<()> {
    let options = Options::from_args()?;
    let digest = digest_binary()?;
    let work = PathBuf::from("target/bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let work = work.canonicalize()?;
    let mut table = String::from(
        "| measure | digest | reference | ratio | target |\n|---|---:|---:|---:|---|\n",
    );

    // The synthetic archive: items, then its editions.
    let articles = corpus_articles()?;
    let site = work.join("site");
    std::fs::create_dir_all(&site)?;
    std::fs::copy("sources.toml", site.join("sources.toml"))?;
    // The archive ends early enough for each daily run to add a day that
    // is over, so that it gets its edition.
    let last = Utc::now().date_naive() - Days::days(RUNS as i64 + 1);
    let first = last - Days::days(options.days - 1);
    let started = Instant::now();
    let items = write_items(&site, first, options.days, options.per_day, &articles)?;
    eprintln!(
        "wrote {items} items in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let compose = measure(
        Command::new(&digest)
            .args(["-q", "-C"])
            .arg(&site)
            .arg("compose"),
    )?;
    let editions = files_in(&site.join("content/issues"));
    eprintln!("composed {editions} editions in {:.1}s", compose.seconds);

    // Full build, its floor, and the daily build, each the median of RUNS.
    let build = || {
        measure(
            Command::new(&digest)
                .args(["-q", "-C"])
                .arg(&site)
                .args(["build", "--offline"]),
        )
    };
    let full = median_run((0..RUNS).map(|_| {
        let _ = std::fs::remove_dir_all(site.join("public"));
        let _ = std::fs::remove_file(site.join(".digest/render.json"));
        build()
    }))?;
    let outputs = files_in(&site.join("public"));
    let mut floors = (0..RUNS)
        .map(|_| {
            let copy = work.join("public-copy");
            let _ = std::fs::remove_dir_all(&copy);
            let started = Instant::now();
            copy_dir(&site.join("public"), &copy)?;
            Ok(started.elapsed().as_secs_f64())
        })
        .collect::<Result<Vec<f64>>>()?;
    let floor = median(&mut floors);
    let daily = median_run((1..=RUNS).map(|day| {
        write_items(
            &site,
            last + Days::days(day as i64),
            1,
            options.per_day,
            &articles,
        )?;
        build()
    }))?;
    eprintln!(
        "full build {:.2}s, daily {:.2}s, cp -r {:.2}s",
        full.seconds, daily.seconds, floor
    );
    let title = format!("full build: {editions} editions, {items} items, {outputs} files");
    row(
        &mut table,
        &title,
        format!("{:.2} s ({:.1} s CPU)", full.seconds, full.cpu_seconds),
        format!("{floor:.2} s (cp -r)"),
        format!("{:.1}x", full.seconds / floor),
        "within 3x of cp -r",
    );
    if options.hugo {
        let hugo = hugo_build(&work, &site)?;
        row(
            &mut table,
            "full build against Hugo (same items and editions)",
            format!("{:.2} s", full.seconds),
            format!("{:.2} s (hugo)", hugo.seconds),
            format!("{:.2}", full.seconds / hugo.seconds),
            "at most 0.5",
        );
        row(
            &mut table,
            "peak memory of the full build",
            format!("{:.0} MiB", full.peak_mib),
            format!("{:.0} MiB (hugo)", hugo.peak_mib),
            format!("{:.2}", full.peak_mib / hugo.peak_mib),
            "under 300 MiB",
        );
    } else {
        row(
            &mut table,
            "peak memory of the full build",
            format!("{:.0} MiB", full.peak_mib),
            "-".into(),
            "-".into(),
            "under 300 MiB",
        );
    }
    row(
        &mut table,
        "daily build (one new day)",
        format!("{:.3} s ({:.2} s CPU)", daily.seconds, daily.cpu_seconds),
        format!("{:.2} s (full)", full.seconds),
        format!("1/{:.0}", full.seconds / daily.seconds),
        "at most 1/20",
    );
    row(
        &mut table,
        "peak memory of the daily build",
        format!("{:.0} MiB", daily.peak_mib),
        "-".into(),
        "-".into(),
        "under 300 MiB",
    );

    if options.fetch {
        fetch_bench(&work, &digest, &options, &mut table)?;
    }
    if options.parse {
        parse_bench(&mut table)?;
    }
    println!("{table}");
    Ok(())
}

/// The same archive as a Hugo site with equivalent templates: a page per
/// edition, an index, an archive, a page per company listing its items,
/// and the RSS feed. Items are listed, not given pages, as in digest.
fn hugo_build(work: &Path, site: &Path) -> Result<Run> {
    let hugo = work.join("hugo");
    for dir in [
        "content/editions",
        "content/items",
        "layouts/_default",
        "layouts/editions",
        "layouts/companies",
    ] {
        std::fs::create_dir_all(hugo.join(dir))?;
    }
    std::fs::write(
        hugo.join("hugo.toml"),
        "baseURL = 'https://digest.example/'\ntitle = 'Engineering @ Scale'\ndisableKinds = ['section']\n\
         [taxonomies]\ncompany = 'companies'\n[outputs]\nhome = ['HTML', 'RSS']\n",
    )?;
    for path in digest::store::markdown_files(&site.join("content/issues"))? {
        let edition = digest::compose::edition::Edition::read(&path)?;
        let date = edition.meta.date;
        std::fs::write(
            hugo.join(format!("content/editions/{date}.md")),
            format!(
                "+++\ntitle = 'Engineering @ Scale — {date}'\ndate = {date}\n+++\n\n{}",
                edition.body
            ),
        )?;
    }
    for (n, path) in digest::store::markdown_files(&site.join("content/items"))?
        .iter()
        .enumerate()
    {
        let item = Item::read(path)?;
        let title = item.meta.title.replace('\'', "’");
        std::fs::write(
            hugo.join(format!("content/items/{n}.md")),
            format!(
                "+++\ntitle = '{title}'\ndate = {}\ncompanies = ['{}']\nurl_original = '{}'\n[_build]\nrender = 'never'\nlist = 'always'\n+++\n\n{}",
                item.meta.published.to_rfc3339(),
                item.meta.company.replace('\'', "’"),
                item.meta.url,
                item.body
            ),
        )?;
    }
    let base = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title>\
                <link rel=\"stylesheet\" href=\"/style.css\"></head><body><header><a href=\"/\">Engineering @ Scale</a> \
                <a href=\"/editions/\">Archive</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>";
    std::fs::write(hugo.join("layouts/_default/baseof.html"), base)?;
    std::fs::write(
        hugo.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">Previous</a>{{ end }}{{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">Next</a>{{ end }}{{ end }}",
    )?;
    std::fs::write(
        hugo.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages.ByDate.Reverse }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
    )?;
    std::fs::write(
        hugo.join("layouts/_default/term.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages.ByDate.Reverse }}<li><a href=\"{{ .Params.url_original }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}",
    )?;
    std::fs::write(
        hugo.join("layouts/_default/terms.html"),
        "{{ define \"main\" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}",
    )?;
    std::fs::write(
        hugo.join("layouts/index.html"),
        "{{ define \"main\" }}{{ range first 1 (where .Site.RegularPages.ByDate.Reverse \"Section\" \"editions\") }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}<ul>{{ range first 10 (where .Site.RegularPages.ByDate.Reverse \"Section\" \"editions\") }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
    )?;
    let run = median_run((0..RUNS).map(|_| {
        let _ = std::fs::remove_dir_all(hugo.join("public"));
        measure(
            Command::new("hugo")
                .arg("--quiet")
                .arg("--source")
                .arg(&hugo),
        )
        .context("Hugo is needed: apt-get install hugo")
    }))?;
    eprintln!(
        "hugo {:.2}s ({} files)",
        run.seconds,
        files_in(&hugo.join("public"))
    );
    Ok(run)
}

/// Serves feeds on loopback, each answer after `latency`, with ETags and
/// 304s, counting the body bytes sent. Feed `n` is the saved feed with its
/// articles moved to `site<n>.example`, so that every feed has its own.
fn serve_feeds(
    body: Arc<Vec<u8>>,
    latency: Duration,
    sent: Arc<AtomicUsize>,
    conditional: Arc<AtomicBool>,
) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (body, sent) = (Arc::clone(&body), Arc::clone(&sent));
            let conditional = conditional.load(Ordering::SeqCst);
            std::thread::spawn(move || answer(stream, &body, latency, &sent, conditional));
        }
    });
    Ok(port)
}

fn answer(
    stream: TcpStream,
    body: &[u8],
    latency: Duration,
    sent: &AtomicUsize,
    conditional: bool,
) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let n = line
        .split('/')
        .nth(2)
        .and_then(|f| f.split('.').next())
        .unwrap_or("0");
    let body =
        String::from_utf8_lossy(body).replace("microsoft.com/", &format!("site{n}.example/"));
    let body = body.as_bytes();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    std::thread::sleep(latency);
    let mut stream = stream;
    let etag = "\"bench-1\"";
    if conditional && headers.get("if-none-match").map(String::as_str) == Some(etag) {
        let _ = stream.write_all(
            b"HTTP/1.1 304 Not Modified\r\nETag: \"bench-1\"\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    sent.fetch_add(body.len(), Ordering::SeqCst);
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn fetch_bench(work: &Path, digest: &Path, options: &Options, table: &mut String) -> Result<()> {
    let body = Arc::new(std::fs::read(
        "tests/fixtures/corpus/sources/microsoft-ai-blogs.xml",
    )?);
    let sent = Arc::new(AtomicUsize::new(0));
    let conditional = Arc::new(AtomicBool::new(true));
    let port = serve_feeds(
        body,
        options.latency,
        Arc::clone(&sent),
        Arc::clone(&conditional),
    )?;
    let site = work.join("fetch-site");
    std::fs::create_dir_all(&site)?;
    let concurrency = 64;
    let mut config = format!(
        "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example/\"\nconcurrency = {concurrency}\nper_host = {concurrency}\n"
    );
    for n in 0..options.feeds {
        config.push_str(&format!("\n[[source]]\nname = \"Feed {n}\"\ncompany = \"Company {n}\"\nkind = \"company\"\nfeed = \"http://127.0.0.1:{port}/feed/{n}.xml\"\n"));
    }
    std::fs::write(site.join("sources.toml"), config)?;
    let first = measure(
        Command::new(digest)
            .args(["-q", "-C"])
            .arg(&site)
            .arg("fetch"),
    )?;
    let first_bytes = sent.swap(0, Ordering::SeqCst);
    let second = measure(
        Command::new(digest)
            .args(["-q", "-C"])
            .arg(&site)
            .arg("fetch"),
    )?;
    let second_bytes = sent.swap(0, Ordering::SeqCst);
    conditional.store(false, Ordering::SeqCst);
    let third = measure(
        Command::new(digest)
            .args(["-q", "-C"])
            .arg(&site)
            .arg("fetch"),
    )?;
    let waves = options.feeds.div_ceil(concurrency);
    let ideal = options.latency.as_secs_f64() * waves as f64;
    let name = format!(
        "fetch {} feeds, {} ms latency, {concurrency} at a time",
        options.feeds,
        options.latency.as_millis()
    );
    row(
        table,
        &name,
        format!("{:.2} s ({:.1} s CPU)", first.seconds, first.cpu_seconds),
        format!("{ideal:.2} s (ideal)"),
        format!("{:.2}", first.seconds / ideal),
        "within 1.5x of ideal",
    );
    let share = 100.0 * second_bytes as f64 / first_bytes.max(1) as f64;
    row(
        table,
        "bytes of a second, conditional fetch",
        format!("{second_bytes} B"),
        format!("{first_bytes} B (first)"),
        format!("{share:.2}%"),
        "under 1%",
    );
    row(
        table,
        "peak memory of the first fetch",
        format!("{:.0} MiB", first.peak_mib),
        "-".into(),
        "-".into(),
        "-",
    );
    row(
        table,
        "second fetch, every feed answering 304",
        format!("{:.2} s", second.seconds),
        format!("{ideal:.2} s (ideal)"),
        format!("{:.2}", second.seconds / ideal),
        "-",
    );
    row(
        table,
        "third fetch, feeds unchanged but sent whole",
        format!("{:.2} s", third.seconds),
        format!("{ideal:.2} s (ideal)"),
        format!("{:.2}", third.seconds / ideal),
        "-",
    );
    Ok(())
}

/// Parsing throughput: digest's parser (decoding, repairs, feed-rs) and
/// Python's feedparser on the same saved feeds, in MB per second.
fn parse_bench(table: &mut String) -> Result<()> {
    let mut files = Vec::new();
    for folder in ["sources", "feeds", "tricky"] {
        for path in walk(&Path::new("tests/fixtures/corpus").join(folder)) {
            if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let bodies: Vec<Vec<u8>> = files
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<_>>()?;
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        for body in &bodies {
            let _ = std::hint::black_box(digest::fetch::parse::parse(body, None));
        }
    }
    let ours = (bytes * rounds) as f64 / started.elapsed().as_secs_f64() / 1e6;
    let script = "import sys, time, feedparser\nfiles = sys.argv[2:]\nrounds = int(sys.argv[1])\n\
                  data = [open(f, 'rb').read() for f in files]\nstart = time.perf_counter()\n\
                  for _ in range(rounds):\n    for d in data:\n        feedparser.parse(d)\n\
                  print(time.perf_counter() - start)\n";
    let python_rounds = 3;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(python_rounds.to_string())
        .args(&files)
        .output()
        .context("python3 with feedparser is needed")?;
    if !output.status.success() {
        bail!("feedparser: {}", String::from_utf8_lossy(&output.stderr));
    }
    let seconds: f64 = String::from_utf8_lossy(&output.stdout).trim().parse()?;
    let theirs = (bytes * python_rounds) as f64 / seconds / 1e6;
    let name = format!(
        "parse {} saved feeds ({:.1} MB)",
        files.len(),
        bytes as f64 / 1e6
    );
    row(
        table,
        &name,
        format!("{ours:.1} MB/s"),
        format!("{theirs:.2} MB/s (feedparser)"),
        format!("{:.0}x", ours / theirs),
        "at least 20x",
    );
    Ok(())
}
