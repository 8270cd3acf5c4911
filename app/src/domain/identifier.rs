//! How a person signs in: an email address or an Indonesian mobile number, normalised so that `0812…`,
//! `+62 812…` and `62812…` are one account.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Identifier {
    /// Lower-cased.
    Email(String),
    /// E.164: `+628…`.
    Phone(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum IdentifierError {
    #[error("enter an email address or a mobile number")]
    Empty,
    #[error("not an email address")]
    Email,
    #[error("not an Indonesian mobile number (08… or +62…)")]
    Phone,
}

impl Identifier {
    pub fn parse(input: &str) -> Result<Identifier, IdentifierError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if input.contains('@') {
            return parse_email(input).map(Identifier::Email).ok_or(IdentifierError::Email);
        }
        parse_phone(input).map(Identifier::Phone).ok_or(IdentifierError::Phone)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Identifier::Email(s) | Identifier::Phone(s) => s,
        }
    }

    /// What a page may show: enough to recognise, not enough to harvest (`bu***@example.com`, `+62812****789`).
    pub fn masked(&self) -> String {
        match self {
            Identifier::Email(e) => {
                let (local, domain) = e.split_once('@').unwrap_or((e, ""));
                let shown: String = local.chars().take(2).collect();
                format!("{shown}***@{domain}")
            }
            Identifier::Phone(p) => {
                let chars: Vec<char> = p.chars().collect();
                let head: String = chars.iter().take(6).collect();
                let tail: String = chars.iter().skip(chars.len().saturating_sub(3)).collect();
                format!("{head}****{tail}")
            }
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

fn parse_email(input: &str) -> Option<String> {
    let email = input.to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@')
        && email.chars().all(|c| c.is_ascii_graphic())
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    ok.then_some(email)
}

fn parse_phone(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = compact.strip_prefix("+62") {
        rest
    } else if let Some(rest) = compact.strip_prefix("62") {
        rest
    } else {
        compact.strip_prefix('0')?
    };
    // Mobile numbers start with 8 and have 9 to 12 digits after the leading 0.
    let ok =
        national.starts_with('8') && (9..=12).contains(&national.len()) && national.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("+62{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised() {
        for input in ["081234567890", "+6281234567890", "62 812-3456-7890", "0812 3456 7890"] {
            assert_eq!(
                Identifier::parse(input),
                Ok(Identifier::Phone("+6281234567890".into())),
                "{input}"
            );
        }
        assert_eq!(
            Identifier::parse("0212345678"),
            Err(IdentifierError::Phone),
            "a landline"
        );
        assert_eq!(Identifier::parse("08123"), Err(IdentifierError::Phone));
        assert_eq!(
            Identifier::parse("+6581234567"),
            Err(IdentifierError::Phone),
            "not Indonesian"
        );
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Identifier::parse(" Budi@Example.co.id "),
            Ok(Identifier::Email("budi@example.co.id".into()))
        );
        for bad in [
            "budi@",
            "@example.com",
            "budi@example",
            "bu di@example.com",
            "budi@exa_mple.com",
            "a@b@c.id",
        ] {
            assert_eq!(Identifier::parse(bad), Err(IdentifierError::Email), "{bad}");
        }
        assert_eq!(Identifier::parse("   "), Err(IdentifierError::Empty));
    }

    #[test]
    fn display_masks() {
        assert_eq!(
            Identifier::parse("budi@example.com").unwrap().to_string(),
            "bu***@example.com"
        );
        assert_eq!(Identifier::parse("081234567890").unwrap().to_string(), "+62812****890");
    }
}
