//! Who may apply (Perpres 96/2018 Pasal 15): a resident aged 17 or more on the day of submission, or one who is
//! or has been married. A foreign resident's KITAP must not have expired; the card is valid until it does.

use super::date::Date;
use serde::{Deserialize, Serialize};

/// The minimum age for a KTP-el, unless married or previously married.
pub const MINIMUM_AGE: i32 = 17;
/// A KITAP expiring within this many days earns a warning: the card would be short-lived.
pub const KITAP_WARNING_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MaritalStatus {
    BelumKawin,
    Kawin,
    CeraiHidup,
    CeraiMati,
}

impl MaritalStatus {
    pub const ALL: [MaritalStatus; 4] = [
        MaritalStatus::BelumKawin,
        MaritalStatus::Kawin,
        MaritalStatus::CeraiHidup,
        MaritalStatus::CeraiMati,
    ];

    /// The form value (`marital_status`).
    pub fn code(self) -> &'static str {
        match self {
            MaritalStatus::BelumKawin => "belum_kawin",
            MaritalStatus::Kawin => "kawin",
            MaritalStatus::CeraiHidup => "cerai_hidup",
            MaritalStatus::CeraiMati => "cerai_mati",
        }
    }

    pub fn parse(code: &str) -> Option<MaritalStatus> {
        MaritalStatus::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    /// Married now or before.
    pub fn has_married(self) -> bool {
        self != MaritalStatus::BelumKawin
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EligibilityError {
    #[error("the date of birth is in the future")]
    BornInTheFuture,
    #[error("younger than 17 and never married")]
    TooYoung,
    #[error("the KITAP has expired")]
    KitapExpired,
}

/// Decides eligibility on `today`, the day of submission.
pub fn check_age(birth_date: Date, marital: MaritalStatus, today: Date) -> Result<(), EligibilityError> {
    if birth_date > today {
        return Err(EligibilityError::BornInTheFuture);
    }
    if birth_date.age_on(today) < MINIMUM_AGE && !marital.has_married() {
        return Err(EligibilityError::TooYoung);
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KitapStatus {
    Valid,
    /// Valid, but expiring in this many days (0 = today).
    ExpiresSoon(i64),
}

/// A KITAP is valid through its expiry date.
pub fn check_kitap(expiry: Date, today: Date) -> Result<KitapStatus, EligibilityError> {
    let days_left = expiry.days_since_epoch() - today.days_since_epoch();
    match days_left {
        d if d < 0 => Err(EligibilityError::KitapExpired),
        d if d <= KITAP_WARNING_DAYS => Ok(KitapStatus::ExpiresSoon(d)),
        _ => Ok(KitapStatus::Valid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn seventeen_on_the_day_of_submission() {
        let today = d(2026, 11, 21);
        assert_eq!(check_age(d(2009, 11, 21), MaritalStatus::BelumKawin, today), Ok(()));
        assert_eq!(
            check_age(d(2009, 11, 22), MaritalStatus::BelumKawin, today),
            Err(EligibilityError::TooYoung)
        );
    }

    #[test]
    fn a_married_sixteen_year_old_may_apply() {
        let today = d(2026, 11, 21);
        assert_eq!(check_age(d(2010, 5, 1), MaritalStatus::Kawin, today), Ok(()));
        assert_eq!(check_age(d(2010, 5, 1), MaritalStatus::CeraiHidup, today), Ok(()));
        assert_eq!(
            check_age(d(2010, 5, 1), MaritalStatus::BelumKawin, today),
            Err(EligibilityError::TooYoung)
        );
    }

    #[test]
    fn a_future_birth_date_is_refused() {
        let today = d(2026, 11, 21);
        assert_eq!(
            check_age(d(2026, 11, 22), MaritalStatus::Kawin, today),
            Err(EligibilityError::BornInTheFuture)
        );
    }

    #[test]
    fn a_kitap_expiring_tomorrow_is_valid_with_a_warning() {
        let today = d(2026, 11, 21);
        assert_eq!(check_kitap(d(2026, 11, 22), today), Ok(KitapStatus::ExpiresSoon(1)));
        assert_eq!(check_kitap(d(2026, 11, 21), today), Ok(KitapStatus::ExpiresSoon(0)));
        assert_eq!(check_kitap(d(2026, 11, 20), today), Err(EligibilityError::KitapExpired));
        assert_eq!(check_kitap(d(2027, 11, 21), today), Ok(KitapStatus::Valid));
    }

    #[test]
    fn marital_codes_round_trip() {
        for m in MaritalStatus::ALL {
            assert_eq!(MaritalStatus::parse(m.code()), Some(m));
        }
    }
}
