//! `digest sources`: every source with its kind, company, items and health,
//! as a table on stdout (health from `.digest/health.json` when a fetch has
//! written it).

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result};
use chrono::{NaiveDate, SecondsFormat};

use super::Status;
use crate::config::{Config, SourceKind};
use crate::health::Health;
use crate::layout::Layout;
use crate::store::ItemStore;

/// Prints the table of sources.
pub fn run(layout: &Layout, config: &Config) -> Result<Status> {
    let health = Health::load(&layout.state_dir())?;
    let (store, _) = ItemStore::load_cached(
        &layout.items_dir(),
        config.site.timezone,
        &layout.item_cache(),
    )?;
    let mut stored: HashMap<&str, (usize, Option<NaiveDate>)> = HashMap::new();
    for item in store.items() {
        let entry = stored.entry(item.meta.source.as_str()).or_default();
        entry.0 += 1;
        let day = item.meta.local_date(config.site.timezone);
        entry.1 = entry.1.max(Some(day));
    }
    let mut rows = vec![header()];
    for source in &config.sources {
        let (count, newest) = stored
            .get(source.name.as_str())
            .copied()
            .unwrap_or_default();
        let kind = match source.kind {
            SourceKind::Company => "company",
            SourceKind::Aggregator => "aggregator",
        };
        let mut row = vec![
            source.name.clone(),
            source.company.clone(),
            kind.to_string(),
            if source.enabled { "yes" } else { "no" }.to_string(),
            count.to_string(),
            newest.map_or("-".into(), |d| d.to_string()),
        ];
        row.extend(health_cells(&health, &source.name));
        rows.push(row);
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(table(&rows).as_bytes())
        .context("cannot write to stdout")?;
    Ok(Status::Done)
}

fn header() -> Vec<String> {
    [
        "SOURCE",
        "COMPANY",
        "KIND",
        "FOLLOWED",
        "ITEMS",
        "NEWEST",
        "LAST SUCCESS",
        "FAILURES",
        "LAST ERROR",
    ]
    .map(String::from)
    .to_vec()
}

/// Last success, failures in a row, last error; dashes when not recorded.
fn health_cells(health: &Health, name: &str) -> Vec<String> {
    let Some(record) = health.source(name) else {
        return vec!["-".into(), "-".into(), "-".into()];
    };
    let time =
        |t: &chrono::DateTime<chrono::FixedOffset>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    vec![
        record.last_success.as_ref().map_or("never".into(), time),
        record.consecutive_failures.to_string(),
        record.last_error.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if c + 1 < columns {
                let pad = widths[c] - cell.chars().count() + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = vec![
            vec!["A".to_string(), "x".to_string()],
            vec!["Long name".to_string(), "y".to_string()],
        ];
        assert_eq!(table(&rows), "A          x\nLong name  y\n");
    }
}
