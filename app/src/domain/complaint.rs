//! *Pengaduan Layanan*: an applicant's complaint about one of their applications, answered by staff. A complaint
//! is open until staff answer it, then answered until the applicant (or staff) close it.

use serde::{Deserialize, Serialize};

/// The most a complaint or an answer may hold, in characters.
pub const MAX_CHARS: usize = 2000;

/// How many complaints one account may file in one day (the office's calendar day).
pub const MAX_PER_DAY: i64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComplaintStatus {
    Open,
    Answered,
    Closed,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 3] = [
        ComplaintStatus::Open,
        ComplaintStatus::Answered,
        ComplaintStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "open",
            ComplaintStatus::Answered => "answered",
            ComplaintStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<ComplaintStatus> {
        ComplaintStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Why a complaint or an answer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComplaintIssue {
    /// Nothing was written.
    Missing,
    /// Longer than [`MAX_CHARS`].
    TooLong,
    /// The complaint is closed, or already answered.
    NotOpen,
    /// A draft has nothing to complain about yet: the office has not seen it.
    NotSubmitted,
    /// A control character (other than a line break), a direction override or an invisible character: see
    /// [`super::application::is_hidden_character`].
    Invisible,
}

/// The text of a complaint or an answer as it is kept: trimmed, its line breaks as `\n`, not empty, not too long,
/// and without a character that could hide or reorder what it says (line breaks are the one control it may hold).
pub fn checked_text(text: &str) -> Result<String, ComplaintIssue> {
    // Browsers send a text area's line breaks as CR LF; a lone CR is a control like any other.
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(ComplaintIssue::Missing);
    }
    if super::application::hidden_character(&text, true).is_some() {
        return Err(ComplaintIssue::Invisible);
    }
    if text.chars().count() > MAX_CHARS {
        return Err(ComplaintIssue::TooLong);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_is_trimmed_and_must_say_something_in_at_most_two_thousand_characters() {
        assert_eq!(
            checked_text("  Antrean terlalu lama \r\n"),
            Ok("Antrean terlalu lama".into())
        );
        assert_eq!(checked_text(" \n "), Err(ComplaintIssue::Missing));
        assert_eq!(checked_text(&"a".repeat(MAX_CHARS)).map(|t| t.len()), Ok(MAX_CHARS));
        assert_eq!(checked_text(&"é".repeat(MAX_CHARS + 1)), Err(ComplaintIssue::TooLong));
    }

    #[test]
    fn a_complaint_keeps_its_lines_but_no_other_control_or_invisible_character() {
        assert_eq!(
            checked_text("Antrean lama.\r\n\r\nPetugas tidak ada."),
            Ok("Antrean lama.\n\nPetugas tidak ada.".into())
        );
        for (what, c) in crate::domain::application::tests::HIDDEN {
            let text = format!("Antrean{c}lama");
            let expected = if *c == '\n' {
                Ok(text.clone())
            } else {
                Err(ComplaintIssue::Invisible)
            };
            assert_eq!(checked_text(&text), expected, "{what}");
        }
        // A line break counts once, as the text area counts it.
        let lines = "a\r\n".repeat(MAX_CHARS / 2 - 1);
        assert!(checked_text(&format!("{lines}b")).is_ok());
    }

    #[test]
    fn statuses_read_back_from_their_codes() {
        for s in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(s.code()), Some(s));
        }
    }
}
