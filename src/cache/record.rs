//! The compact form in which the caches keep front matter: every field
//! always present and dates as numbers, so that a cache is read without
//! parsing text.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use crate::compose::edition::{EditionMeta, Engines};
use crate::item::{ItemMeta, TextFrom};

/// A date and time with its offset, kept as seconds since 1970,
/// nanoseconds and the offset east of UTC in seconds; numbers out of range
/// make the whole cache unreadable, and so empty.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "(i64, u32, i32)", into = "(i64, u32, i32)")]
struct Instant(DateTime<FixedOffset>);

impl From<Instant> for (i64, u32, i32) {
    fn from(Instant(time): Instant) -> (i64, u32, i32) {
        (
            time.timestamp(),
            time.timestamp_subsec_nanos(),
            time.offset().local_minus_utc(),
        )
    }
}

impl TryFrom<(i64, u32, i32)> for Instant {
    type Error = &'static str;
    fn try_from((seconds, nanos, offset): (i64, u32, i32)) -> Result<Instant, Self::Error> {
        FixedOffset::east_opt(offset)
            .and_then(|zone| zone.timestamp_opt(seconds, nanos).single())
            .map(Instant)
            .ok_or("a date out of range")
    }
}

/// A day, kept as the number of days since 1 January of the year 1.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
struct Day(NaiveDate);

impl From<Day> for i32 {
    fn from(Day(date): Day) -> i32 {
        date.num_days_from_ce()
    }
}

impl TryFrom<i32> for Day {
    type Error = &'static str;
    fn try_from(days: i32) -> Result<Day, Self::Error> {
        NaiveDate::from_num_days_from_ce_opt(days)
            .map(Day)
            .ok_or("a day out of range")
    }
}

/// An item's front matter, as the item cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemRecord {
    id: String,
    title: String,
    url: String,
    source: String,
    company: String,
    published: Instant,
    first_seen: Instant,
    updated: Option<Instant>,
    undated: bool,
    authors: Vec<String>,
    tags: Vec<String>,
    also_in: Vec<String>,
    summary: Option<String>,
    text_from: TextFrom,
    page_url: Option<String>,
}

impl From<ItemMeta> for ItemRecord {
    fn from(meta: ItemMeta) -> ItemRecord {
        ItemRecord {
            published: Instant(meta.published),
            first_seen: Instant(meta.first_seen),
            updated: meta.updated.map(Instant),
            id: meta.id,
            title: meta.title,
            url: meta.url,
            source: meta.source,
            company: meta.company,
            undated: meta.undated,
            authors: meta.authors,
            tags: meta.tags,
            also_in: meta.also_in,
            summary: meta.summary,
            text_from: meta.text_from,
            page_url: meta.page_url,
        }
    }
}

impl From<ItemRecord> for ItemMeta {
    fn from(record: ItemRecord) -> ItemMeta {
        ItemMeta {
            id: record.id,
            title: record.title,
            url: record.url,
            source: record.source,
            company: record.company,
            published: record.published.0,
            first_seen: record.first_seen.0,
            updated: record.updated.map(|u| u.0),
            undated: record.undated,
            authors: record.authors,
            tags: record.tags,
            also_in: record.also_in,
            summary: record.summary,
            text_from: record.text_from,
            page_url: record.page_url,
        }
    }
}

/// An edition's front matter and body, as the edition cache keeps them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditionRecord {
    date: Day,
    signal: Option<String>,
    engines: (String, String, String),
    items: Vec<String>,
    themes: Vec<String>,
    body: String,
}

impl From<(EditionMeta, String)> for EditionRecord {
    fn from((meta, body): (EditionMeta, String)) -> EditionRecord {
        let Engines {
            signal,
            deep_dives,
            patterns,
        } = meta.engines;
        EditionRecord {
            date: Day(meta.date),
            signal: meta.signal,
            engines: (signal, deep_dives, patterns),
            items: meta.items,
            themes: meta.themes,
            body,
        }
    }
}

impl From<EditionRecord> for (EditionMeta, String) {
    fn from(record: EditionRecord) -> (EditionMeta, String) {
        let (signal, deep_dives, patterns) = record.engines;
        let meta = EditionMeta {
            date: record.date.0,
            signal: record.signal,
            engines: Engines {
                signal,
                deep_dives,
                patterns,
            },
            items: record.items,
            themes: record.themes,
        };
        (meta, record.body)
    }
}
