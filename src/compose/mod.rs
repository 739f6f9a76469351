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
pub mod evaluate;
pub mod explain;
pub mod model;
pub mod patterns;
pub mod prose;
pub mod signal;
pub mod summary;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use tracing::{debug, info, warn};

use crate::config::Config;
use crate::content::Content;
use crate::item::Item;
use crate::layout::Layout;
use crate::store::{ItemStore, StoredItem, write_atomic};
use analysis::Article;
use corpus::Corpus;
use edition::{Edition, EditionMeta, Engines};

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
    /// The editions written.
    pub editions: Vec<Edition>,
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
    let mut content = Content::load(layout, config)?;
    compose(layout, config, now, options, &mut content)
}

/// Writes the editions that are due into `content/issues/`, and adds them
/// to `content`.
pub fn compose(
    layout: &Layout,
    config: &Config,
    now: DateTime<Utc>,
    options: &ComposeOptions,
    content: &mut Content,
) -> Result<ComposeReport> {
    if options.force && options.date.is_none() {
        bail!("--force rewrites one edition: give its day with --date YYYY-MM-DD");
    }
    let calendar = Calendar::new(config);
    for problem in &content.item_problems {
        warn!("{problem:#}; fix or delete the file (it is kept as it is)");
    }
    let (store, editions, problems) =
        (&content.store, &content.editions, &content.edition_problems);
    if !problems.is_empty() {
        // The items an unreadable edition lists are unknown: writing other
        // editions now could place them a second time, so nothing is written.
        for problem in problems {
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
    let forced = options.date.map(|date| (date, forced_items.as_slice()));
    let plan = plan_days(store, &calendar, &existing, &assigned, forced);

    let mut writer = Writer::new(layout, config, store, calendar);
    if let Some(model) = &config.model {
        writer.model = Some(model::Model::new(model, &layout.state_dir())?);
    }
    writer.themes = existing
        .iter()
        .map(|(d, e)| (*d, e.meta.themes.clone()))
        .collect();
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
        report.editions.push(writer.write(*day, members)?);
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
    for edition in &report.editions {
        content
            .editions
            .retain(|e| e.meta.date != edition.meta.date);
        content.editions.push(edition.clone());
    }
    content.editions.sort_by_key(|e| e.meta.date);
    info!(
        "composed {}",
        crate::text::count(report.written.len(), "edition")
    );
    Ok(report)
}

/// An item planned into an edition; `late` holds its publication date when
/// it arrived after its own day's edition.
pub(crate) struct Member<'a> {
    item: &'a StoredItem,
    late: Option<NaiveDate>,
}

/// Groups the items without an edition by the day whose edition they go into.
pub(crate) fn plan_days<'a>(
    store: &'a ItemStore,
    calendar: &Calendar,
    existing: &BTreeMap<NaiveDate, &Edition>,
    assigned: &HashSet<&str>,
    forced: Option<(NaiveDate, &[String])>,
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
    // The items of an edition written again stay in it.
    if let Some((date, ids)) = forced {
        for id in ids {
            let Some(stored) = store.get(id) else {
                continue;
            };
            let group = plan.entry(date).or_default();
            if !group.iter().any(|m| &m.item.meta.id == id) {
                let day = calendar.day_of(stored.meta.published.min(stored.meta.first_seen));
                let late = (day != date).then_some(day);
                group.push(Member { item: stored, late });
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

/// One day composed: its choices, its body and who wrote what.
pub(crate) struct Composed {
    /// The offline engine's choices.
    pub draft: draft::Draft,
    /// The markdown body.
    pub body: String,
    /// Every item id, in the order they appear.
    pub items: Vec<String>,
    /// The Signal's id.
    pub signal: Option<String>,
    /// Keys of the themes.
    pub themes: Vec<String>,
    /// Which engine wrote each section.
    pub authorship: model::Authorship,
}

/// The keys of an edition's themes: the offline patterns' keys, or the
/// stems of the model's labels.
fn themes_of(draft: &draft::Draft, words: &draft::Words, day: &draft::Day) -> Vec<String> {
    let _ = day;
    if words.patterns.is_empty() {
        return draft.patterns.iter().map(|(p, _)| p.key.clone()).collect();
    }
    let stems = |label: &str| {
        crate::text::tokens(label)
            .into_iter()
            .filter_map(|t| t.stem)
            .collect::<Vec<_>>()
            .join(" ")
    };
    words.patterns.iter().map(|p| stems(&p.label)).collect()
}

/// Reads articles once per run and writes editions.
pub(crate) struct Writer<'a> {
    layout: &'a Layout,
    config: &'a Config,
    by_day: BTreeMap<NaiveDate, Vec<&'a StoredItem>>,
    articles: HashMap<String, Article>,
    excluded: BTreeSet<String>,
    /// Theme keys of the editions known so far, by date.
    themes: BTreeMap<NaiveDate, Vec<String>>,
    /// The chat model that writes words, if one is configured.
    model: Option<model::Model>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(
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
        // Every company and source name, once each, before they are stemmed.
        let names: BTreeSet<&str> = config
            .sources
            .iter()
            .flat_map(|s| [s.name.as_str(), s.company.as_str()])
            .chain(config.site.companies.iter().map(String::as_str))
            .chain(
                store
                    .items()
                    .iter()
                    .flat_map(|s| [s.meta.company.as_str(), s.meta.source.as_str()]),
            )
            .collect();
        let excluded = names
            .into_iter()
            .flat_map(crate::text::tokens)
            .filter_map(|t| t.stem)
            .collect();
        Writer {
            layout,
            config,
            by_day,
            articles: HashMap::new(),
            excluded,
            themes: BTreeMap::new(),
            model: None,
        }
    }

    /// Reads the items not read yet into articles, several at a time.
    fn read_articles(&mut self, items: &[&StoredItem]) -> Result<()> {
        use rayon::prelude::*;
        let unread: Vec<&StoredItem> = items
            .iter()
            .copied()
            .filter(|stored| !self.articles.contains_key(&stored.meta.id))
            .collect();
        let read: Vec<(String, Article)> = unread
            .par_iter()
            .map(|stored| {
                let item = Item::read(&stored.path)?;
                Ok((stored.meta.id.clone(), Article::read(&item)))
            })
            .collect::<Result<_>>()?;
        self.articles.extend(read);
        Ok(())
    }

    /// The items whose day falls in `first..=last`.
    fn items_between(&self, first: NaiveDate, last: NaiveDate) -> Vec<&'a StoredItem> {
        self.by_day
            .range(first..=last)
            .flat_map(|(_, items)| items.iter().copied())
            .collect()
    }

    /// Chooses and writes the sections of `day` from its members, with the
    /// model's words when a model is configured and `use_model` is set.
    pub(crate) fn compose_day(
        &mut self,
        day: NaiveDate,
        members: &[Member],
        use_model: bool,
    ) -> Result<Composed> {
        let window = self.items_between(day - Duration::days(CORPUS_DAYS), day);
        let recent =
            self.items_between(day - Duration::days(NOVELTY_DAYS), day - Duration::days(1));
        let mut in_corpus: BTreeSet<&str> = BTreeSet::new();
        let mut unread: Vec<&StoredItem> = Vec::new();
        for stored in window.iter().copied().chain(members.iter().map(|m| m.item)) {
            if in_corpus.insert(stored.meta.id.as_str()) {
                unread.push(stored);
            }
        }
        self.read_articles(&unread)?;
        let mut model = self.model.take();
        let corpus = Corpus::new(in_corpus.iter().map(|id| &self.articles[*id]));
        let recent = recent
            .iter()
            .map(|s| &self.articles[&s.meta.id])
            .map(|a| (a, corpus.vector(&a.terms)));
        let earlier = self.themes.range(day - Duration::days(NOVELTY_DAYS)..day);
        let input = draft::Day {
            articles: members
                .iter()
                .map(|m| &self.articles[&m.item.meta.id])
                .collect(),
            late: members
                .iter()
                .map(|m| m.late.map(|d| d.format("%Y-%m-%d").to_string()))
                .collect(),
            corpus: &corpus,
            recent: recent.collect(),
            excluded: &self.excluded,
            deep_dives: self.config.site.deep_dives,
            earlier_themes: earlier
                .flat_map(|(d, keys)| keys.iter().map(|k| (*d, k.clone())))
                .collect(),
        };
        let draft = draft::choose(&input);
        let (words, authorship) = match model.as_mut().filter(|_| use_model) {
            Some(model) => model.words(&input, &draft),
            None => (draft::Words::default(), model::Authorship::default()),
        };
        let composed = Composed {
            body: draft::body(&input, &draft, &words),
            items: draft.item_ids(&input),
            signal: draft.signal.map(|i| input.articles[i].id.clone()),
            themes: themes_of(&draft, &words, &input),
            authorship,
            draft,
        };
        self.model = model;
        Ok(composed)
    }

    fn write(&mut self, day: NaiveDate, members: &[Member]) -> Result<Edition> {
        let composed = self.compose_day(day, members, true)?;
        self.themes.insert(day, composed.themes.clone());
        let offline = || "offline".to_string();
        let engines = Engines {
            signal: composed.authorship.signal.unwrap_or_else(offline),
            deep_dives: composed.authorship.deep_dives.unwrap_or_else(offline),
            patterns: composed.authorship.patterns.unwrap_or_else(offline),
        };
        let edition = Edition {
            meta: EditionMeta {
                date: day,
                signal: composed.signal,
                engines,
                items: composed.items,
                themes: composed.themes,
            },
            body: composed.body,
            path: Edition::path_for(&self.layout.editions_dir(), day),
        };
        write_atomic(&edition.path, edition.to_text()?.as_bytes())?;
        debug!("wrote {}", edition.path.display());
        Ok(edition)
    }
}
