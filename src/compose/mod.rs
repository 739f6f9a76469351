//! `digest compose`: write the edition of every closed day that has items
//! and no edition yet.
//!
//! An item belongs to the day it was published, in the site's time zone
//! (shifted by `day_closes_at`). An item found after its day's edition was
//! written is late: it goes into the next edition still to be written,
//! marked with its date, unless it is more than a week old, in which case it
//! stays in the archive without an edition. Each edition is written from
//! the items of its day and of the weeks before it, so composing a day gives
//! the same text whether it is composed alone or with others.

pub mod analysis;
pub mod corpus;
pub mod draft;
pub mod edition;
pub mod patterns;
pub mod signal;
pub mod summary;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use tracing::{debug, info, warn};

use crate::config::Config;
use crate::item::Item;
use crate::layout::Layout;
use crate::store::{ItemStore, StoredItem, write_atomic};
use analysis::Article;
use corpus::Corpus;
use edition::{Edition, EditionMeta};

/// Days before an edition whose articles set how rare a term is.
const CORPUS_DAYS: i64 = 30;
/// Days before an edition against which novelty is measured.
const NOVELTY_DAYS: i64 = 14;
/// How old a late item may be and still go into the next edition.
const LATE_DAYS: i64 = 7;

/// What `digest compose` should do.
#[derive(Debug, Default, Clone)]
pub struct ComposeOptions {
    /// Only this day.
    pub date: Option<NaiveDate>,
    /// Rewrite the edition of `date` even if it exists.
    pub force: bool,
}

/// The editions written in a run.
#[derive(Debug, Default)]
pub struct ComposeReport {
    /// Their dates, oldest first.
    pub written: Vec<NaiveDate>,
}

/// The calendar of a site: which day an instant belongs to, and when a day closes.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    timezone: Tz,
    closes_at: u32,
}

impl Calendar {
    /// The calendar of the site's time zone and closing hour.
    pub fn new(config: &Config) -> Calendar {
        Calendar {
            timezone: config.site.timezone,
            closes_at: config.site.day_closes_at,
        }
    }

    /// The edition day of an instant.
    pub fn day_of(&self, instant: DateTime<FixedOffset>) -> NaiveDate {
        let shift = Duration::hours(i64::from((24 - self.closes_at) % 24));
        (instant.with_timezone(&self.timezone) + shift).date_naive()
    }

    /// The instant a day closes.
    pub fn closes(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = self
            .timezone
            .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
            .earliest();
        let midnight = midnight
            .map(|m| m.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc());
        let hours = if self.closes_at == 0 {
            24
        } else {
            self.closes_at
        };
        midnight + Duration::hours(i64::from(hours))
    }
}

/// Writes the editions that are due.
pub fn run(
    layout: &Layout,
    config: &Config,
    now: DateTime<Utc>,
    options: &ComposeOptions,
) -> Result<ComposeReport> {
    if options.force && options.date.is_none() {
        bail!("--force rewrites one edition: give its day with --date YYYY-MM-DD");
    }
    let calendar = Calendar::new(config);
    let (store, problems) = ItemStore::load(&layout.items_dir(), config.site.timezone)?;
    for problem in problems {
        warn!("{problem:#}; fix or delete the file (it is kept as it is)");
    }
    let (editions, problems) = edition::load_all(&layout.editions_dir())?;
    if !problems.is_empty() {
        // The items an unreadable edition lists are unknown: writing other
        // editions now could place them a second time, so nothing is written.
        for problem in &problems {
            warn!("{problem:#}");
        }
        warn!(
            "no edition is written while an edition cannot be read: fix the file above \
             (it is kept as it is), or delete it to have it written again"
        );
        return Ok(ComposeReport::default());
    }

    let mut existing: BTreeMap<NaiveDate, &Edition> =
        editions.iter().map(|e| (e.meta.date, e)).collect();
    let mut forced_items: Vec<String> = Vec::new();
    if options.force
        && let Some(date) = options.date
        && let Some(edition) = existing.remove(&date)
    {
        forced_items = edition.meta.items.clone();
    }
    let assigned: HashSet<&str> = existing
        .values()
        .flat_map(|e| e.meta.items.iter().map(String::as_str))
        .collect();
    let plan = plan_days(&store, &calendar, &existing, &assigned, &forced_items);

    let mut writer = Writer::new(layout, config, &store, calendar);
    let mut report = ComposeReport::default();
    for (day, members) in &plan {
        if options.date.is_some_and(|d| d != *day) {
            continue;
        }
        if calendar.closes(*day) > now {
            debug!(
                "{day} is still open; its edition waits until {}",
                calendar.closes(*day)
            );
            continue;
        }
        writer.write(*day, members)?;
        report.written.push(*day);
    }
    if let Some(date) = options.date
        && report.written.is_empty()
    {
        if existing.contains_key(&date) {
            info!("the edition of {date} exists; use --force to write it again");
        } else {
            info!("no edition written for {date}: it has no items, or the day is not over");
        }
    }
    info!(
        "composed {}",
        crate::text::count(report.written.len(), "edition")
    );
    Ok(report)
}

/// An item planned into an edition; `late` holds its publication date when
/// it arrived after its own day's edition.
struct Member<'a> {
    item: &'a StoredItem,
    late: Option<NaiveDate>,
}

/// Groups the items without an edition by the day whose edition they go into.
fn plan_days<'a>(
    store: &'a ItemStore,
    calendar: &Calendar,
    existing: &BTreeMap<NaiveDate, &Edition>,
    assigned: &HashSet<&str>,
    forced: &[String],
) -> BTreeMap<NaiveDate, Vec<Member<'a>>> {
    let mut plan: BTreeMap<NaiveDate, Vec<Member>> = BTreeMap::new();
    for stored in store.items() {
        let meta = &stored.meta;
        if assigned.contains(meta.id.as_str()) {
            continue;
        }
        let day = calendar.day_of(meta.published.min(meta.first_seen));
        if !existing.contains_key(&day) {
            plan.entry(day).or_default().push(Member {
                item: stored,
                late: None,
            });
            continue;
        }
        if meta.first_seen - meta.published > Duration::days(LATE_DAYS) {
            debug!(
                "{} is too old to go into a later edition; it stays in the archive",
                meta.id
            );
            continue;
        }
        let mut target = calendar.day_of(meta.first_seen).max(day);
        while existing.contains_key(&target) {
            target = target.succ_opt().unwrap_or(target);
        }
        plan.entry(target).or_default().push(Member {
            item: stored,
            late: Some(day),
        });
    }
    for id in forced {
        if let Some(stored) = store.get(id) {
            let day = calendar.day_of(stored.meta.published.min(stored.meta.first_seen));
            let group = plan.entry(day).or_default();
            if !group.iter().any(|m| &m.item.meta.id == id) {
                group.push(Member {
                    item: stored,
                    late: None,
                });
            }
        }
    }
    for members in plan.values_mut() {
        members.sort_by(|a, b| {
            (a.item.meta.published, &a.item.meta.id).cmp(&(b.item.meta.published, &b.item.meta.id))
        });
    }
    plan
}

/// Reads articles once per run and writes editions.
struct Writer<'a> {
    layout: &'a Layout,
    config: &'a Config,
    by_day: BTreeMap<NaiveDate, Vec<&'a StoredItem>>,
    articles: HashMap<String, Article>,
    excluded: BTreeSet<String>,
}

impl<'a> Writer<'a> {
    fn new(
        layout: &'a Layout,
        config: &'a Config,
        store: &'a ItemStore,
        calendar: Calendar,
    ) -> Writer<'a> {
        let mut by_day: BTreeMap<NaiveDate, Vec<&StoredItem>> = BTreeMap::new();
        for stored in store.items() {
            by_day
                .entry(calendar.day_of(stored.meta.published.min(stored.meta.first_seen)))
                .or_default()
                .push(stored);
        }
        let names = config
            .sources
            .iter()
            .flat_map(|s| [s.name.as_str(), s.company.as_str()])
            .chain(config.site.companies.iter().map(String::as_str))
            .chain(
                store
                    .items()
                    .iter()
                    .flat_map(|s| [s.meta.company.as_str(), s.meta.source.as_str()]),
            );
        let excluded = names
            .flat_map(crate::text::tokens)
            .filter_map(|t| t.stem)
            .collect();
        Writer {
            layout,
            config,
            by_day,
            articles: HashMap::new(),
            excluded,
        }
    }

    /// Reads an item into an article, once.
    fn article(&mut self, stored: &StoredItem) -> Result<()> {
        if !self.articles.contains_key(&stored.meta.id) {
            let item = Item::read(&stored.path)?;
            self.articles
                .insert(stored.meta.id.clone(), Article::read(&item));
        }
        Ok(())
    }

    /// The items whose day falls in `first..=last`.
    fn items_between(&self, first: NaiveDate, last: NaiveDate) -> Vec<&'a StoredItem> {
        self.by_day
            .range(first..=last)
            .flat_map(|(_, items)| items.iter().copied())
            .collect()
    }

    fn write(&mut self, day: NaiveDate, members: &[Member]) -> Result<()> {
        let window = self.items_between(day - Duration::days(CORPUS_DAYS), day);
        let recent =
            self.items_between(day - Duration::days(NOVELTY_DAYS), day - Duration::days(1));
        let mut in_corpus: BTreeSet<&str> = BTreeSet::new();
        for stored in window.iter().copied().chain(members.iter().map(|m| m.item)) {
            self.article(stored)?;
            in_corpus.insert(stored.meta.id.as_str());
        }
        let corpus = Corpus::new(in_corpus.iter().map(|id| &self.articles[*id]));
        let articles: Vec<&Article> = members
            .iter()
            .map(|m| &self.articles[&m.item.meta.id])
            .collect();
        let recent = recent
            .iter()
            .map(|s| &self.articles[&s.meta.id])
            .map(|a| (a, corpus.vector(&a.terms)))
            .collect();
        let late = members
            .iter()
            .map(|m| m.late.map(|d| d.format("%Y-%m-%d").to_string()))
            .collect();
        let input = draft::Day {
            articles,
            late,
            corpus: &corpus,
            recent,
            excluded: &self.excluded,
            deep_dives: self.config.site.deep_dives,
        };
        let draft = draft::write(&input);
        let edition = Edition {
            meta: EditionMeta {
                date: day,
                signal: draft.signal,
                engine: "offline".into(),
                items: draft.items,
            },
            body: draft.body,
            path: Edition::path_for(&self.layout.editions_dir(), day),
        };
        write_atomic(&edition.path, edition.to_text()?.as_bytes())?;
        debug!("wrote {}", edition.path.display());
        Ok(())
    }
}
