//! The Unified Social Credit Code (统一社会信用代码, GB 32100-2015) as a parsed type.

use std::fmt;

use crate::{domain::text::fold_full_width, error::Error};

/// The 31 characters a USCC may use, in value order (I, O, S, V and Z never appear).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A valid USCC: 18 characters from [`ALPHABET`] whose 18th is the GB 32100 check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Parses user input: trims it, folds full-width characters to ASCII, upper-cases it and
    /// checks length, alphabet and check character. The error says which of these failed.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let folded = Self::normalize(input);
        let bad = |why: String| {
            Error::bad_input(format!("`{}` is not a valid USCC: {why}", input.trim()))
        };
        if folded.chars().count() != 18 {
            return Err(bad(format!(
                "it has {} characters, a USCC has 18",
                folded.chars().count()
            )));
        }
        let mut values = [0u32; 18];
        for (i, c) in folded.bytes().enumerate() {
            values[i] = value_of(c).ok_or_else(|| {
                bad(format!(
                    "character {} (`{}`) is not allowed in a USCC",
                    i + 1,
                    c as char
                ))
            })?;
        }
        let expected = check_value(&values[..17]);
        if values[17] != expected {
            return Err(bad(format!(
                "the check character is `{}`, the code's first 17 characters call for `{}`",
                folded.as_bytes()[17] as char,
                ALPHABET[expected as usize] as char
            )));
        }
        Ok(Self(folded))
    }

    /// The input as it is checked: trimmed, full-width characters folded to ASCII, upper-cased.
    pub fn normalize(input: &str) -> String {
        input
            .trim()
            .chars()
            .map(fold_full_width)
            .collect::<String>()
            .to_ascii_uppercase()
    }

    /// Completes the first 17 characters with their check character (for generated demo data).
    pub fn complete(first17: &str) -> Result<Self, Error> {
        let values: Option<Vec<u32>> = first17.bytes().map(value_of).collect();
        match values {
            Some(values) if values.len() == 17 => {
                let check = ALPHABET[check_value(&values) as usize] as char;
                Self::parse(&format!("{first17}{check}"))
            }
            _ => Err(Error::bad_input(format!(
                "`{first17}` is not 17 USCC characters"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The GB/T 2260 division code of the registering authority (characters 3–8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

fn check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_code_from_the_standard_is_valid() {
        assert_eq!(
            Uscc::parse("91110000600037341L")
                .map(|u| u.to_string())
                .ok(),
            Some("91110000600037341L".into())
        );
    }

    #[test]
    fn an_early_pilot_code_with_a_wrong_check_character_is_rejected() {
        let err = Uscc::parse("91350100M000100Y4Z")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("character 18"), "{err}");
    }

    #[test]
    fn input_is_trimmed_full_width_folded_and_upper_cased() {
        let parsed = Uscc::parse("  ９１１１００００６０００３７３４１ｌ ").map(|u| u.to_string());
        assert_eq!(parsed.ok(), Some("91110000600037341L".into()));
    }

    #[test]
    fn a_wrong_length_is_named_in_the_error() {
        let err = Uscc::parse("9111")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("4 characters"), "{err}");
    }

    #[test]
    fn a_wrong_check_character_names_the_expected_one() {
        let err = Uscc::parse("91110000600037341M")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("call for `L`"), "{err}");
    }

    #[test]
    fn a_second_real_code_of_a_public_institution_is_valid() {
        assert!(Uscc::parse("121200004013590816").is_ok());
    }

    #[test]
    fn completing_seventeen_characters_gives_a_valid_code() {
        let code = Uscc::complete("91640100MA76XQ3R6").map(|u| u.to_string());
        assert_eq!(code.ok(), Some("91640100MA76XQ3R6T".into()));
    }
}
