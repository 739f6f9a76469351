//! Slugs: the safe, readable names that items and sources get on disk.
//!
//! A slug is built only from ASCII lowercase letters, digits and single
//! hyphens, so no feed value can carry a path separator, a dot-dot, a control
//! or bidi character, or a reserved device name into a file name.

use deunicode::deunicode;

/// Turns `text` into a slug of at most `max_len` bytes, cut at a word
/// boundary where possible. Letters with accents or from other scripts are
/// transliterated; anything else becomes a hyphen. May return an empty string.
pub fn slugify(text: &str, max_len: usize) -> String {
    let ascii = deunicode(text);
    let mut slug = String::with_capacity(ascii.len().min(max_len));
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            pending_hyphen = true;
        }
        if slug.len() >= max_len {
            break;
        }
    }
    if slug.len() > max_len {
        slug.truncate(max_len);
    }
    if slug.len() == max_len
        && let Some(cut) = slug.rfind('-').filter(|&cut| cut > max_len / 2)
    {
        slug.truncate(cut);
    }
    let trimmed = slug.trim_matches('-').len();
    slug.truncate(trimmed);
    if is_reserved(&slug) {
        // A suffix when it fits; else one letter less, which no reserved name is.
        if slug.len() + "-item".len() <= max_len {
            slug.push_str("-item");
        } else {
            slug.pop();
        }
    }
    slug
}

/// Names that Windows refuses as file names, whatever the extension.
fn is_reserved(slug: &str) -> bool {
    const RESERVED: [&str; 6] = ["con", "prn", "aux", "nul", "com1", "lpt1"];
    RESERVED.contains(&slug)
        || (slug.len() == 4
            && (slug.starts_with("com") || slug.starts_with("lpt"))
            && slug.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_readable_slugs() {
        assert_eq!(
            slugify(
                "Closing vulnerabilities in Decidim, a Ruby-based platform",
                80
            ),
            "closing-vulnerabilities-in-decidim-a-ruby-based-platform"
        );
        assert_eq!(
            slugify("Peter Stöckli’s “notes” — 100% done!", 80),
            "peter-stocklis-notes-100-done"
        );
        assert_eq!(slugify("Netflix's data mesh", 80), "netflixs-data-mesh");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify("one two three four five six seven eight nine ten", 20);
        assert_eq!(slug, "one-two-three-four");
        assert!(slug.len() <= 20);
    }

    #[test]
    fn hostile_names_stay_inside_one_folder() {
        for name in [
            "../../etc/passwd",
            "..",
            "/",
            "a/b\\c",
            "\u{202e}exe.txt",
            "nul",
            "COM1",
        ] {
            let slug = slugify(name, 60);
            assert!(
                !slug.contains('/') && !slug.contains('\\') && !slug.contains(".."),
                "{slug}"
            );
            assert!(
                slug.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
            assert!(!is_reserved(&slug), "{slug}");
        }
    }

    #[test]
    fn reserved_names_stay_within_the_length() {
        assert_eq!(slugify("CON", 80), "con-item");
        for (name, max) in [("CON", 3), ("COM1", 5), ("nul", 7), ("LPT9", 4)] {
            let slug = slugify(name, max);
            assert!(
                slug.len() <= max && !is_reserved(&slug),
                "{name} at {max}: {slug}"
            );
        }
    }

    #[test]
    fn scripts_without_latin_letters_are_transliterated() {
        assert_eq!(slugify("Привет мир", 60), "privet-mir");
    }
}
