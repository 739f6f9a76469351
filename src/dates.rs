//! Dates as feeds really write them.
//!
//! Feeds promise RFC 822 or RFC 3339 and deliver much else: two-digit years,
//! missing seconds or zones, zone names, Unix timestamps, ISO dates with a
//! space. Every parsed date keeps the offset it was written with; a date with
//! no zone is taken as UTC.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// Parses a feed's date, keeping its offset; `None` when nothing sensible is
/// there, or when its year is outside 1 to 9998: content files (TOML, RFC
/// 3339) hold years up to 9999, and a date of 9999 may already be in 10000
/// in the site's time zone, which names the item's file.
pub fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    parse_any_year(text).filter(|date| (1..=9998).contains(&date.year()))
}

fn parse_any_year(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(date) = parse_unix(text) {
        return Some(date);
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return Some(date);
    }
    parse_iso_like(text).or_else(|| parse_words(text))
}

/// A Unix timestamp in seconds (9 to 11 digits: 1973 to 5138).
fn parse_unix(text: &str) -> Option<DateTime<FixedOffset>> {
    if !(9..=11).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = text.parse().ok()?;
    Some(DateTime::from_timestamp(seconds, 0)?.fixed_offset())
}

/// `2025-07-21`, `2025-07-21 09:30`, `2025-07-21T09:30:00` with or without a zone.
fn parse_iso_like(text: &str) -> Option<DateTime<FixedOffset>> {
    let normal = text.replacen(' ', "T", 1);
    if let Ok(date) = DateTime::parse_from_rfc3339(&normal) {
        return Some(date);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(date) = DateTime::parse_from_str(&normal, format) {
            return Some(date);
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(normal.trim_end_matches('Z'), format) {
            return Some(utc(naive));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(utc(date.and_time(NaiveTime::MIN)))
}

fn utc(naive: NaiveDateTime) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .expect("zero offset")
        .from_utc_datetime(&naive)
}

/// Dates written in words, in the many variants of RFC 822 found in feeds:
/// `Thu, 24 Jul 25 00:00 GMT`, `July 24, 2025 9:30 PM EST`, `24 Jul 2025`.
fn parse_words(text: &str) -> Option<DateTime<FixedOffset>> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    let mut offset = None;
    let mut pm = None;
    for token in text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
    {
        let lower = token.to_ascii_lowercase();
        if let Some(m) = month_number(&lower) {
            month = month.or(Some(m));
        } else if lower == "am" || lower == "pm" {
            pm = Some(lower == "pm");
        } else if token.contains(':') && time.is_none() {
            time = parse_clock(token);
        } else if let Some(o) = zone_offset(token) {
            offset = Some(o);
        } else if let Ok(number) = lower
            .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
            .parse::<u32>()
        {
            if token.len() == 4 || (day.is_some() && year.is_none()) {
                year = Some(expand_year(number, token.len()));
            } else if day.is_none() {
                day = Some(number);
            }
        }
    }
    let (mut hour, minute, second) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(year? as i32, month?, day?)?;
    let naive = date.and_hms_opt(hour, minute, second)?;
    let offset = offset.unwrap_or(FixedOffset::east_opt(0)?);
    offset.from_local_datetime(&naive).single()
}

fn expand_year(number: u32, digits: usize) -> u32 {
    match (digits, number) {
        (2, n) if n < 70 => 2000 + n,
        (2, n) => 1900 + n,
        (_, n) => n,
    }
}

fn parse_clock(token: &str) -> Option<(u32, u32, u32)> {
    let mut parts = token.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let second = parts
        .next()
        .map(|s| s.split('.').next().unwrap_or("0").parse().ok())
        .unwrap_or(Some(0))?;
    (hour < 24 && minute < 60 && second < 61).then_some((hour, minute, second.min(59)))
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    let position = MONTHS.iter().position(|m| word.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][position];
    (word.len() == 3 || full.starts_with(word) || word == "sept").then_some(position as u32 + 1)
}

/// `+0200`, `-05:00`, `Z`, and the zone names that RFC 822 and feeds use.
fn zone_offset(token: &str) -> Option<FixedOffset> {
    let hours = match token.to_ascii_uppercase().as_str() {
        "Z" | "GMT" | "UT" | "UTC" => 0,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        "CET" => 1,
        "CEST" => 2,
        "BST" => 1,
        _ => return numeric_offset(token),
    };
    FixedOffset::east_opt(hours * 3600)
}

fn numeric_offset(token: &str) -> Option<FixedOffset> {
    let sign = match token.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = token[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        parse(text)
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn standard_forms_keep_their_offset() {
        assert_eq!(
            shown("Thu, 24 Jul 2025 00:00:00 GMT"),
            "2025-07-24T00:00:00+00:00"
        );
        assert_eq!(
            shown("2009-01-16T10:21:00-08:00"),
            "2009-01-16T10:21:00-08:00"
        );
        assert_eq!(
            shown("Mon, 28 Jul 2025 15:45:18 +0200"),
            "2025-07-28T15:45:18+02:00"
        );
    }

    #[test]
    fn years_that_content_files_cannot_hold_are_no_date() {
        assert_eq!(shown("+99999-01-01T00:00:00Z"), "none");
        assert_eq!(shown("Tue, 22 Jul 99999 10:00:00 +0000"), "none");
        assert_eq!(shown("-0001-01-01T00:00:00Z"), "none");
        assert_eq!(shown("0000-01-01T00:00:00Z"), "none");
        assert_eq!(shown("9999-12-31T23:59:59Z"), "none");
        assert_eq!(shown("9998-12-31T23:59:59Z"), "9998-12-31T23:59:59+00:00");
    }

    #[test]
    fn variants_found_in_real_feeds() {
        assert_eq!(
            shown("Sun, 19 May 02 15:21:36 GMT"),
            "2002-05-19T15:21:36+00:00"
        );
        assert_eq!(shown("1358121600"), "2013-01-14T00:00:00+00:00");
        assert_eq!(shown("2021-07-28 17:02:00"), "2021-07-28T17:02:00+00:00");
        assert_eq!(shown("2021-07-28"), "2021-07-28T00:00:00+00:00");
        assert_eq!(
            shown("July 24, 2025 9:30 PM EST"),
            "2025-07-24T21:30:00-05:00"
        );
        assert_eq!(
            shown("Tue, 3 Jun 2008 11:05 PDT"),
            "2008-06-03T11:05:00-07:00"
        );
        assert_eq!(
            shown("Wed, 02 Oct 2002 13:00:00 +02:00"),
            "2002-10-02T13:00:00+02:00"
        );
    }

    #[test]
    fn nonsense_is_not_a_date() {
        assert_eq!(shown(""), "none");
        assert_eq!(shown("yesterday"), "none");
        assert_eq!(shown("31 Feb 2021"), "none");
    }
}
