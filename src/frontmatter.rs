//! Content files: TOML front matter between `+++` lines, then a markdown body.
//!
//! Items and editions share this format, the one Zola and Hugo use, so that
//! content stays readable, diffable and editable by hand.

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Serialize, de::DeserializeOwned};
use std::path::Path;

const FENCE: &str = "+++";

/// Splits a content file into its front matter and its body.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix(FENCE)?.strip_prefix('\n').or_else(|| {
        text.strip_prefix(FENCE)
            .and_then(|r| r.strip_prefix("\r\n"))
    })?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == FENCE {
            let body = &rest[offset + line.len()..];
            return Some((&rest[..offset], body.strip_prefix('\n').unwrap_or(body)));
        }
        offset += line.len();
    }
    None
}

/// Reads the front matter of `text` into `T`; `path` names the file in errors.
pub fn parse<T: DeserializeOwned>(text: &str, path: &Path) -> Result<(T, String)> {
    let (front, body) = split(text).ok_or_else(|| {
        anyhow!(
            "{}: no front matter; the file must start with a line of +++",
            path.display()
        )
    })?;
    let meta = toml::from_str(front).map_err(|e| {
        let line = e
            .span()
            .map(|s| front[..s.start].matches('\n').count() + 2)
            .unwrap_or(1);
        anyhow!(
            "{}, line {}: {}",
            path.display(),
            line,
            e.message().trim_end_matches('.')
        )
    })?;
    Ok((meta, body.to_string()))
}

/// Writes front matter and body back into one file's text.
pub fn render<T: Serialize>(meta: &T, body: &str) -> Result<String> {
    let front = toml::to_string(meta).context("cannot write front matter")?;
    let mut text = String::with_capacity(front.len() + body.len() + 16);
    text.push_str(FENCE);
    text.push('\n');
    text.push_str(&front);
    text.push_str(FENCE);
    text.push_str("\n\n");
    text.push_str(body.trim_end());
    text.push('\n');
    Ok(text)
}

/// (De)serialises a date and time with its offset as a TOML datetime.
pub mod datetime {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the datetime as a bare TOML offset datetime.
    pub fn serialize<S: Serializer>(
        value: &DateTime<FixedOffset>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let text = value.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        let toml_value: toml::value::Datetime = text.parse().map_err(serde::ser::Error::custom)?;
        toml_value.serialize(s)
    }

    /// Reads a TOML offset datetime (or an RFC 3339 string).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        if value.offset.is_none() || value.time.is_none() {
            return Err(serde::de::Error::custom(format!(
                "{value} needs a time and an offset, such as 2025-07-21T09:30:00Z"
            )));
        }
        DateTime::parse_from_rfc3339(&value.to_string()).map_err(serde::de::Error::custom)
    }
}

/// (De)serialises an optional date and time with its offset.
pub mod optional_datetime {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the datetime, when there is one, as a bare TOML offset datetime.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => datetime::serialize(value, s),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional TOML offset datetime.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "datetime")] DateTime<FixedOffset>);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(value)| value))
    }
}

/// (De)serialises a calendar date as a bare TOML local date.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the date as a TOML local date.
    pub fn serialize<S: Serializer>(value: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        let toml_value: toml::value::Datetime = value
            .format("%Y-%m-%d")
            .to_string()
            .parse()
            .map_err(serde::ser::Error::custom)?;
        toml_value.serialize(s)
    }

    /// Reads a TOML local date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        match (value.date, value.time) {
            (Some(date), None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                    .ok_or_else(|| serde::de::Error::custom(format!("{value} is not a date")))
            }
            _ => Err(serde::de::Error::custom(format!(
                "{value} should be a date like 2025-07-21"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let (front, body) = split("+++\na = 1\n+++\n\nHello\n").unwrap();
        assert_eq!(front, "a = 1\n");
        assert_eq!(body, "Hello\n");
        assert!(split("no fence").is_none());
        assert!(split("+++\nunclosed\n").is_none());
    }

    #[test]
    fn front_matter_errors_name_the_line() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Meta {
            #[allow(dead_code)]
            a: i64,
        }
        let err = parse::<Meta>("+++\na = 1\nb = 2\n+++\n", Path::new("x.md")).unwrap_err();
        assert!(err.to_string().contains("x.md, line 3"), "{err}");
    }
}
