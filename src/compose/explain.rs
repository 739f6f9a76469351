//! `digest explain DATE`: why an edition says what it says.
//!
//! The day is drafted again exactly as `digest compose` drafts it, without
//! writing anything, and every choice is printed: each candidate's features
//! and score, why the Signal won over the runner-up, which articles became
//! Deep Dives, and the themes found.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::draft::{Draft, PER_COMPANY};
use super::edition::{self, Edition};
use super::signal::{self, Features};
use super::{Calendar, Writer, plan_days};
use crate::config::Config;
use crate::layout::Layout;
use crate::store::ItemStore;

/// The explanation of the edition of `date`.
pub fn run(layout: &Layout, config: &Config, date: NaiveDate) -> Result<String> {
    let calendar = Calendar::new(config);
    let (store, _) = ItemStore::load_cached(
        &layout.items_dir(),
        config.site.timezone,
        &layout.item_cache(),
    )?;
    let (editions, _) = edition::load_all_cached(&layout.editions_dir(), &layout.edition_cache())?;
    let mut existing: BTreeMap<NaiveDate, &Edition> =
        editions.iter().map(|e| (e.meta.date, e)).collect();
    let written = existing.remove(&date);
    let forced: Vec<String> = written.map(|e| e.meta.items.clone()).unwrap_or_default();
    let assigned: HashSet<&str> = existing
        .values()
        .flat_map(|e| e.meta.items.iter().map(String::as_str))
        .collect();
    let mut plan = plan_days(
        &store,
        &calendar,
        &existing,
        &assigned,
        Some((date, forced.as_slice())),
    );
    let Some(members) = plan.remove(&date) else {
        bail!("no items belong to {date}: there is no edition to explain");
    };

    let mut writer = Writer::new(layout, config, &store, calendar);
    writer.themes = existing
        .iter()
        .map(|(d, e)| (*d, e.meta.themes.clone()))
        .collect();
    let composed = writer.compose_day(date, &members, false)?;
    let draft = &composed.draft;
    let titles: Vec<(String, String)> = members
        .iter()
        .map(|m| (m.item.meta.title.clone(), m.item.meta.company.clone()))
        .collect();
    let mut out = String::new();
    header(&mut out, date, &titles, written.is_some());
    candidates(&mut out, draft, &titles);
    verdict(&mut out, draft, &titles);
    dives(&mut out, draft, &titles);
    themes(&mut out, draft, &titles);
    Ok(out)
}

fn header(out: &mut String, date: NaiveDate, titles: &[(String, String)], written: bool) {
    let state = if written {
        "as written"
    } else {
        "not written yet"
    };
    let _ = writeln!(
        out,
        "Edition of {date} ({state}): {} articles\n",
        titles.len()
    );
    let _ = writeln!(
        out,
        "Signal score = {} x outcomes + {} x novelty + {} x support + {} x substance\n\
         + {} x explained (says why it matters). The best score with text wins.\n",
        signal::OUTCOMES,
        signal::NOVELTY,
        signal::SUPPORT,
        signal::SUBSTANCE,
        signal::EXPLAINED
    );
}

fn candidates(out: &mut String, draft: &Draft, titles: &[(String, String)]) {
    let _ = writeln!(
        out,
        "rank  score  outcomes  novelty  support  substance  says why  article"
    );
    for (rank, c) in draft.candidates.iter().enumerate() {
        let f = &c.features;
        let (title, company) = &titles[c.index];
        let why = if c.features.explained { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "{:>4}  {:.3}  {:>8.2}  {:>7.2}  {:>7.2}  {:>9.2}  {why:>8}  {title} · {company}",
            rank + 1,
            f.score(),
            f.outcomes,
            f.novelty,
            f.support_score(),
            f.substance
        );
        let _ = writeln!(out, "{}", detail(f));
    }
}

/// The evidence behind one candidate's features.
fn detail(f: &Features) -> String {
    let mut parts = Vec::new();
    if !f.figures.is_empty() {
        parts.push(format!("figures: {}", f.figures.join(", ")));
    }
    if !f.outcome_words.is_empty() {
        parts.push(format!("outcome words: {}", f.outcome_words.join(", ")));
    }
    match &f.nearest {
        Some((title, similarity)) => parts.push(format!("most like \"{title}\" ({similarity:.2})")),
        None => parts.push("nothing in the previous two weeks to compare with".into()),
    }
    if !f.support.is_empty() {
        parts.push(format!("shares a theme with {}", f.support.join(", ")));
    }
    format!("      {}", parts.join("; "))
}

fn verdict(out: &mut String, draft: &Draft, titles: &[(String, String)]) {
    let Some(winner) = draft.signal_candidate() else {
        let _ = writeln!(out, "\nNo Signal: no article of the day has text to quote.");
        return;
    };
    let (title, _) = &titles[winner.index];
    let _ = write!(out, "\nSignal: \"{title}\"");
    let best = &draft.candidates[0];
    if best.index != winner.index {
        let _ = writeln!(
            out,
            ", although \"{}\" scored higher ({:.3} against {:.3}): it has no text to quote.",
            titles[best.index].0,
            best.features.score(),
            winner.features.score()
        );
        return;
    }
    match draft.candidates.get(1) {
        Some(second) => {
            let _ = writeln!(
                out,
                ": the highest score, {:.3} against {:.3} for \"{}\" ({}).",
                winner.features.score(),
                second.features.score(),
                titles[second.index].0,
                differences(&winner.features, &second.features)
            );
        }
        None => {
            let _ = writeln!(out, ": the only article of the day.");
        }
    }
}

/// Which features made the difference between two candidates.
fn differences(a: &Features, b: &Features) -> String {
    let pairs = [
        ("outcomes", signal::OUTCOMES * (a.outcomes - b.outcomes)),
        ("novelty", signal::NOVELTY * (a.novelty - b.novelty)),
        (
            "support",
            signal::SUPPORT * (a.support_score() - b.support_score()),
        ),
        ("substance", signal::SUBSTANCE * (a.substance - b.substance)),
        (
            "explained",
            signal::EXPLAINED
                * (f64::from(u8::from(a.explained)) - f64::from(u8::from(b.explained))),
        ),
    ];
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, d)| d.abs() >= 0.005)
        .map(|(name, d)| format!("{name} {d:+.3}"))
        .collect();
    if parts.is_empty() {
        "the same features; the earlier article wins".into()
    } else {
        parts.join(", ")
    }
}

fn dives(out: &mut String, draft: &Draft, titles: &[(String, String)]) {
    let _ = writeln!(
        out,
        "\nDeep Dives, in order (best of the rest, at most {PER_COMPANY} per company):"
    );
    for &index in &draft.dives {
        let (title, company) = &titles[index];
        let _ = writeln!(out, "  - {title} · {company}");
    }
    for &index in &draft.also {
        let (title, company) = &titles[index];
        let _ = writeln!(out, "  (also published) {title} · {company}");
    }
}

fn themes(out: &mut String, draft: &Draft, titles: &[(String, String)]) {
    if draft.patterns.is_empty() {
        let _ = writeln!(
            out,
            "\nPatterns: none. No two companies' articles were alike enough and shared a keyphrase."
        );
        return;
    }
    let _ = writeln!(out, "\nPatterns:");
    for (pattern, earlier) in &draft.patterns {
        let members: Vec<&str> = pattern
            .members
            .iter()
            .map(|&m| titles[m].0.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  - \"{}\" ({}), score {:.2}: {}",
            pattern.label,
            pattern.companies.join(", "),
            pattern.score,
            members.join(" / ")
        );
        if !earlier.is_empty() {
            let dates: Vec<String> = earlier.iter().map(|d| d.to_string()).collect();
            let _ = writeln!(out, "    continues from {}", dates.join(", "));
        }
    }
}
