//! Names as the KTP-el prints them: in Latin letters, with any of their diacritics.
//!
//! The card, and the printed application form, print Latin script only. A name is therefore accepted when every
//! character is one of the [`LETTERS`] or of the [`MARKS`] names carry, and it has at least one letter: Nguyễn Thị
//! Minh Khai, Ñúñez, Øster, O'Brien, Al-Farisi, Łukasz Żółć and Şükrü are accepted; Иван, 王小明, a digit or an
//! emoji are not, and the applicant is asked to write the name as the passport or KITAP has it, in Latin letters.
//!
//! What is typed is first put in Unicode normal form C ([`normalise`]): "e" followed by a combining acute accent,
//! as some keyboards and copies from PDF files produce, becomes the single letter "é" before it is checked and
//! saved, so the same name is always stored the same way.
//!
//! The set is kept small enough to be printable: the form's embedded font (DejaVu Sans, `server/assets/fonts/`)
//! has a glyph for every accepted character and for its capital, which the form prints. A test of the server
//! walks [`accepted`] against the font, so the two cannot drift apart.

/// The letters a name may have, as inclusive ranges of Unicode scalar values, by block:
///
/// - Basic Latin: A–Z, a–z.
/// - Latin-1 Supplement: U+00C0–U+00FF without × (U+00D7) and ÷ (U+00F7).
/// - Latin Extended-A: U+0100–U+017F without ŉ (U+0149), whose capital is an apostrophe and N.
/// - Latin Extended-B: U+0180–U+024F without ƛ (U+019B, its capital is outside these blocks), the click letters
///   ǀ ǁ ǂ ǃ (U+01C0–U+01C3, which read as | and !), ǰ (U+01F0, whose capital is J and a combining caron) and ȿ ɀ
///   (U+023F–U+0240, whose capitals are in Latin Extended-C).
/// - Latin Extended Additional: U+1E00–U+1EFF (all of Vietnamese) without ẖ ẗ ẘ ẙ ẚ (U+1E96–U+1E9A, whose
///   capitals are a letter and a combining mark) and the Middle Welsh and looped letters U+1EFC–U+1EFF, which
///   the font does not have.
///
/// Every letter here, and every letter of its capital, is in this list: upper-casing a name keeps it printable.
pub const LETTERS: &[(char, char)] = &[
    ('A', 'Z'),
    ('a', 'z'),
    ('\u{C0}', '\u{D6}'),
    ('\u{D8}', '\u{F6}'),
    ('\u{F8}', '\u{FF}'),
    ('\u{100}', '\u{148}'),
    ('\u{14A}', '\u{17F}'),
    ('\u{180}', '\u{19A}'),
    ('\u{19C}', '\u{1BF}'),
    ('\u{1C4}', '\u{1EF}'),
    ('\u{1F1}', '\u{23E}'),
    ('\u{241}', '\u{24F}'),
    ('\u{1E00}', '\u{1E95}'),
    ('\u{1E9B}', '\u{1EFB}'),
];

/// What a name may have besides letters: the space, the apostrophe (typed ' or ’), the hyphen, the full stop
/// and the comma (Nur’aini, O'Brien, Al-Farisi, Muh. Yusuf, "Sitompul, S.H.").
pub const MARKS: &[char] = &[' ', '\'', '\u{2019}', '-', '.', ','];

/// Whether `c` is one of the [`LETTERS`].
pub fn is_letter(c: char) -> bool {
    LETTERS.iter().any(|&(first, last)| (first..=last).contains(&c))
}

/// Whether `c` may be part of a name: a letter or a mark.
pub fn is_name_char(c: char) -> bool {
    is_letter(c) || MARKS.contains(&c)
}

/// `value` in Unicode normal form C: a letter typed as a base letter and combining marks becomes the one letter
/// that has them all, where there is one.
#[cfg(not(target_arch = "wasm32"))]
pub fn normalise(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    value.nfc().collect()
}

/// In the browser, its own `String.prototype.normalize` does the same, with nothing added to the bundle. Unicode's
/// stability policy fixes the normal form of every assigned character, so the browser and the server agree on
/// every name.
#[cfg(target_arch = "wasm32")]
pub fn normalise(value: &str) -> String {
    String::from(js_sys::JsString::from(value).normalize("NFC"))
}

/// Whether `value`, already [`normalise`]d, is a name: at least one letter, and nothing but letters and marks.
/// A combining mark left over after normalisation (a letter with an accent no Latin letter has) is refused.
pub fn is_name(value: &str) -> bool {
    value.chars().any(is_letter) && value.chars().all(is_name_char)
}

/// Every character a name may have, letters first, then the marks.
pub fn accepted() -> impl Iterator<Item = char> {
    LETTERS
        .iter()
        .flat_map(|&(first, last)| first..=last)
        .chain(MARKS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(value: &str) -> Option<String> {
        let value = normalise(value);
        is_name(&value).then_some(value)
    }

    #[test]
    fn latin_names_with_any_diacritics_are_accepted_as_typed() {
        for value in [
            "Nguyễn Thị Minh Khai",
            "Ñúñez",
            "Øster",
            "O'Brien",
            "Al-Farisi",
            "Müller-Lüdenscheidt",
            "Zoë",
            "Łukasz Żółć",
            "Đặng",
            "Şükrü",
            "Siti Nur’aini",
            "Muh. Yusuf",
            "Sitompul, S.H.",
            "Ærøskøbing",
            "Ğülşen",
            "Ștefan Țurcanu",
        ] {
            assert_eq!(name(value).as_deref(), Some(value), "{value}");
        }
    }

    #[test]
    fn decomposed_input_is_stored_composed() {
        // "Nguyễn": e + circumflex + tilde, as a macOS file name or a copied PDF may give it.
        let decomposed = "Nguye\u{302}\u{303}n Thi\u{323} Minh Khai";
        assert_eq!(name(decomposed).as_deref(), Some("Nguyễn Thị Minh Khai"));
        assert_eq!(name("N\u{303}u\u{301}n\u{303}ez").as_deref(), Some("Ñúñez"));
        assert_eq!(name("Zoe\u{308}").as_deref(), Some("Zoë"));
        // A letter with an accent that no precomposed Latin letter has keeps a bare combining mark: refused.
        assert_eq!(name("Zoq\u{308}"), None);
        assert_eq!(name("\u{301}"), None);
    }

    #[test]
    fn other_scripts_digits_and_symbols_are_refused() {
        for value in [
            "Иван",
            "Ivan Петров",
            "王小明",
            "محمد",
            "สมชาย",
            "Γιώργος",
            "राहुल",
            "김민준",
            "R2D2",
            "Siti 😀",
            "Siti_Aminah",
            "Siti/Aminah",
            "ǃKung",
            "µ",
            "...",
            "-",
            "",
        ] {
            assert_eq!(name(value), None, "{value}");
        }
    }

    #[test]
    fn upper_casing_an_accepted_character_stays_within_the_set() {
        for c in accepted() {
            let upper: String = c.to_uppercase().collect();
            assert!(
                upper.chars().all(is_name_char),
                "{c:?} (U+{:04X}) upper-cases to {upper:?}, outside the set",
                u32::from(c)
            );
            // Already composed: what is saved upper-cased is saved in one form too.
            assert_eq!(normalise(&upper), upper, "{c:?}");
        }
        assert_eq!("Nguyễn Thị Minh Khai".to_uppercase(), "NGUYỄN THỊ MINH KHAI");
        assert_eq!("Müßig".to_uppercase(), "MÜSSIG");
    }

    #[test]
    fn every_letter_is_a_letter_and_the_ranges_are_ordered_and_disjoint() {
        for c in accepted() {
            assert!(c.is_alphabetic() || MARKS.contains(&c), "{c:?}");
            assert_eq!(normalise(&c.to_string()), c.to_string(), "{c:?} is its own normal form");
        }
        for pair in LETTERS.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        assert!(!is_letter('\u{D7}') && !is_letter('\u{F7}'));
        assert!(!is_letter('\u{300}'), "a combining mark alone is no letter");
    }

    /// What the form does with each name field: the browser and the server run this same check.
    #[test]
    fn the_form_composes_upper_cases_and_refuses_with_the_passport_message() {
        use crate::domain::{
            application::{check_field, check_section, Answers, Issue, Section},
            Date,
        };
        let today = Date::new(2026, 11, 21).unwrap();
        assert_eq!(
            check_field("full_name", "Nguye\u{302}\u{303}n Thi\u{323} Minh Khai", today),
            Ok("NGUYỄN THỊ MINH KHAI".to_owned())
        );
        assert_eq!(
            check_field("full_name", "Łukasz Żółć", today),
            Ok("ŁUKASZ ŻÓŁĆ".to_owned())
        );
        assert_eq!(check_field("full_name", "Şükrü", today), Ok("ŞÜKRÜ".to_owned()));
        assert_eq!(check_field("full_name", "O’Brien", today), Ok("O’BRIEN".to_owned()));
        assert_eq!(check_field("birth_place", "Hà Nội", today), Ok("HÀ NỘI".to_owned()));
        assert_eq!(
            check_field("occupation", "Wiraswasta", today),
            Ok("Wiraswasta".to_owned())
        );
        for value in ["Иван", "王小明", "R2D2", "Siti 😀", "Γιώργος"] {
            assert_eq!(
                check_field("full_name", value, today),
                Err(Issue::NameAsWritten),
                "{value}"
            );
            assert_eq!(
                check_field("birth_place", value, today),
                Err(Issue::NameAsWritten),
                "{value}"
            );
            assert_eq!(check_field("occupation", value, today), Err(Issue::Name), "{value}");
        }
        // Sixty letters typed with a combining accent each are sixty letters, not a hundred and twenty.
        let long = "e\u{301}".repeat(60);
        assert_eq!(check_field("full_name", &long, today), Ok("É".repeat(60)));
        assert_eq!(
            check_field("full_name", &"é".repeat(61), today),
            Err(Issue::TooLong { max: 60 })
        );
        // What a save stores: composed and upper-cased.
        let input: Answers = [
            ("nik", "1403094508060002"),
            ("no_kk", "1403091201150003"),
            ("full_name", " n\u{303}u\u{301}n\u{303}ez  o\u{308}ster "),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let saved = check_section(Section::Identity, &input, &Answers::new(), today).unwrap();
        assert_eq!(saved["full_name"], "ÑÚÑEZ ÖSTER");
    }
}
