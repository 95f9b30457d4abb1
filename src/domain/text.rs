//! The one input rule for text, everywhere a caller sends it:
//!
//! - no NUL, no C0 or C1 control character (tab and newline only in long text), no
//!   bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069: they make a
//!   name display as something else);
//! - Unicode NFC, so that one name has one spelling and one `eq`;
//! - trimmed, and bounded per field.
//!
//! [`check_characters`] is applied to every string of every request before it runs (arguments
//! and variables, filters included), so the same text gets the same `BAD_USER_INPUT` on SQLite
//! and PostgreSQL (which refuses NUL with an internal error). [`clean`] is applied by the
//! services to each stored field, with its own bound.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Fields longer than this may hold tabs and newlines (paragraphs of a reason or a summary).
pub const LONG_TEXT: usize = 500;

/// Whether a character is never accepted in text: controls (tab and newline aside) and
/// bidirectional formatting that reorders what is displayed.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n' && c != '\r')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Refuses text holding a character that no field accepts, naming it.
pub fn check_characters(value: &str, field: &str) -> Result<()> {
    match value.chars().find(|c| forbidden(*c)) {
        Some(c) => Err(Error::bad_input(format!(
            "`{field}` holds the character U+{:04X}, which text may not contain (control and \
             bidirectional-override characters are refused)",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// A required text field: trimmed, in NFC, non-empty, at most `max` characters, with no
/// forbidden character; tabs and line breaks only where `max` is over [`LONG_TEXT`].
pub fn clean(value: &str, field: &str, max: usize) -> Result<String> {
    check_characters(value, field)?;
    let value: String = value.trim().nfc().collect();
    if value.is_empty() {
        return Err(Error::bad_input(format!("`{field}` must not be empty")));
    }
    if max <= LONG_TEXT && value.contains(['\t', '\n', '\r']) {
        return Err(Error::bad_input(format!(
            "`{field}` is one line: it may not hold tabs or line breaks"
        )));
    }
    if value.chars().count() > max {
        return Err(Error::bad_input(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    Ok(value.replace("\r\n", "\n"))
}

/// An optional text field: blank means none.
pub fn clean_optional(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => clean(v, field, max).map(Some),
    }
}

/// Full-width ASCII (ＡＢＣ１２３, the ideographic space) as half-width: text typed with a Chinese
/// input method carries them in codes and numbers.
pub fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_refused_everywhere() {
        for bad in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{85}b",
            "evil\u{202E}txt.exe",
            "x\u{2066}y",
        ] {
            assert!(clean(bad, "nameZh", 200).is_err(), "{bad:?}");
            assert!(clean(bad, "summary", 5000).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn line_breaks_only_in_long_text() {
        assert!(clean("line one\nline two", "nameZh", 200).is_err());
        assert_eq!(
            clean("line one\r\nline two\tend", "summary", 5000).unwrap(),
            "line one\nline two\tend"
        );
    }

    #[test]
    fn text_is_stored_in_nfc_and_bounded() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(
            clean("Caf\u{65}\u{301}", "nameEn", 200).unwrap(),
            "Caf\u{e9}"
        );
        assert!(clean(&"长".repeat(201), "nameZh", 200).is_err());
        assert!(clean("  ", "nameZh", 200).is_err());
    }
}
