//! The NIK (*Nomor Induk Kependudukan*) and the KK number (*Nomor Kartu Keluarga*).
//!
//! A NIK is 16 digits: province (2), regency (2), district (2) where it was first issued, the birth date as
//! DDMMYY with 40 added to the day for women, and a serial that is never `0000`. Holding a [`Nik`] means holding a
//! valid one, which knows the birth date and sex it encodes. The district part is where the NIK was issued, not
//! where the person lives now, so it is not checked against the address.

use super::{
    date::Date,
    regions::{is_district, is_province, is_regency, regency_name},
};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }

    /// `L` (laki-laki) or `P` (perempuan), as on the card and in the form.
    pub fn parse(code: &str) -> Option<Sex> {
        match code.trim() {
            "L" => Some(Sex::Male),
            "P" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NikError {
    #[error("a NIK has exactly 16 digits")]
    Length,
    #[error("a NIK has digits only")]
    NotDigits,
    #[error("the first two digits are not a province code")]
    UnknownProvince,
    #[error("the first four digits are not a regency code")]
    UnknownRegency,
    #[error("digits 7 to 12 are not a date of birth")]
    BirthDate,
    #[error("the last four digits cannot be 0000")]
    Serial,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Nik {
    digits: String,
    birth_date: Date,
    sex: Sex,
}

/// Spaces, dots and dashes people type between groups of digits.
fn digits_only(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect()
}

fn two(digits: &str, at: usize) -> u8 {
    digits[at..at + 2].parse().unwrap_or(0)
}

impl Nik {
    /// Parses a NIK as typed. `today` decides the century: the latest one in which the birth date is not in the
    /// future.
    pub fn parse(input: &str, today: Date) -> Result<Nik, NikError> {
        let digits = digits_only(input);
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        if digits.len() != 16 {
            return Err(NikError::Length);
        }
        if !is_province(&digits[0..2]) {
            return Err(NikError::UnknownProvince);
        }
        if !is_regency(&digits[0..4]) {
            return Err(NikError::UnknownRegency);
        }
        let (raw_day, month, yy) = (two(&digits, 6), two(&digits, 8), two(&digits, 10));
        let (day, sex) = if raw_day > 40 {
            (raw_day - 40, Sex::Female)
        } else {
            (raw_day, Sex::Male)
        };
        let birth_date = [2000, 1900]
            .into_iter()
            .filter_map(|century| Date::new(century + i32::from(yy), month, day))
            .find(|date| *date <= today)
            .ok_or(NikError::BirthDate)?;
        if &digits[12..16] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(Nik {
            digits,
            birth_date,
            sex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    pub fn sex(&self) -> Sex {
        self.sex
    }

    pub fn province_code(&self) -> &str {
        &self.digits[0..2]
    }

    pub fn regency_code(&self) -> &str {
        &self.digits[0..4]
    }

    /// The district where the NIK was first issued.
    pub fn district_code(&self) -> &str {
        &self.digits[0..6]
    }

    pub fn regency_name(&self) -> &'static str {
        regency_name(self.regency_code()).unwrap_or_default()
    }

    /// `1403********0001`: how lists show a NIK.
    pub fn masked(&self) -> String {
        mask(&self.digits)
    }
}

/// `1403********0001`: how lists show a NIK as stored, valid or not; anything but 16 ASCII digits is all stars.
pub fn mask(nik: &str) -> String {
    if nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}********{}", &nik[0..4], &nik[12..16])
    } else {
        "*".repeat(16)
    }
}

/// Deliberately not the digits: a NIK must never reach a log line by accident.
impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NoKkError {
    #[error("a KK number has exactly 16 digits")]
    Length,
    #[error("a KK number has digits only")]
    NotDigits,
    #[error("the first six digits are not a district code")]
    UnknownDistrict,
    #[error("digits 7 to 12 are not a date")]
    Date,
}

/// The number of a family card: 16 digits, the district that issued it, then its issue date as DDMMYY.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NoKk(String);

impl NoKk {
    pub fn parse(input: &str) -> Result<NoKk, NoKkError> {
        let digits = digits_only(input);
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NoKkError::NotDigits);
        }
        if digits.len() != 16 {
            return Err(NoKkError::Length);
        }
        if !is_district(digits[0..6].parse().unwrap_or(0)) {
            return Err(NoKkError::UnknownDistrict);
        }
        let (day, month, yy) = (two(&digits, 6), two(&digits, 8), two(&digits, 10));
        // Either century will do for a date that only has to exist; 2000 is a leap year, so 29 February passes.
        if Date::new(2000 + i32::from(yy), month, day).is_none()
            && Date::new(1900 + i32::from(yy), month, day).is_none()
        {
            return Err(NoKkError::Date);
        }
        Ok(NoKk(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 21).unwrap()
    }

    #[test]
    fn decodes_a_mans_nik() {
        let nik = Nik::parse("1403090508060001", today()).unwrap();
        assert_eq!(nik.birth_date(), Date::new(2006, 8, 5).unwrap());
        assert_eq!(nik.sex(), Sex::Male);
        assert_eq!(nik.regency_name(), "Kabupaten Bengkalis");
        assert_eq!(nik.district_code(), "140309");
        assert_eq!(nik.masked(), "1403********0001");
        assert_eq!(nik.to_string(), "1403********0001", "Display never shows the whole NIK");
    }

    #[test]
    fn a_womans_day_has_forty_added() {
        let nik = Nik::parse("1403 0945 0806 0002", today()).unwrap();
        assert_eq!(nik.birth_date(), Date::new(2006, 8, 5).unwrap());
        assert_eq!(nik.sex(), Sex::Female);
        assert!(Nik::parse("1403097108060002", today()).is_ok(), "31 August, a woman");
        assert_eq!(
            Nik::parse("1403097109060002", today()),
            Err(NikError::BirthDate),
            "31 September"
        );
        assert_eq!(Nik::parse("1403097208060002", today()), Err(NikError::BirthDate));
    }

    #[test]
    fn the_29th_of_february_only_in_leap_years() {
        assert_eq!(
            Nik::parse("1403092902040001", today()).unwrap().birth_date(),
            Date::new(2004, 2, 29).unwrap()
        );
        assert_eq!(Nik::parse("1403096902040001", today()).unwrap().sex(), Sex::Female);
        assert_eq!(Nik::parse("1403092902050001", today()), Err(NikError::BirthDate));
    }

    #[test]
    fn the_century_is_the_latest_not_in_the_future() {
        assert_eq!(
            Nik::parse("1403091208750001", today()).unwrap().birth_date().year(),
            1975
        );
        assert_eq!(
            Nik::parse("1403092011260001", today()).unwrap().birth_date().year(),
            2026
        );
        // 22 November 2026 has not happened yet: it can only be 1926.
        assert_eq!(
            Nik::parse("1403092211260001", today()).unwrap().birth_date().year(),
            1926
        );
    }

    #[test]
    fn refuses_unknown_provinces_and_regencies() {
        assert_eq!(Nik::parse("9903090508060001", today()), Err(NikError::UnknownProvince));
        assert_eq!(Nik::parse("1499090508060001", today()), Err(NikError::UnknownRegency));
    }

    #[test]
    fn refuses_serial_zero_and_bad_shapes() {
        assert_eq!(Nik::parse("1403090508060000", today()), Err(NikError::Serial));
        assert_eq!(Nik::parse("140309050806001", today()), Err(NikError::Length));
        assert_eq!(Nik::parse("14030905080600011", today()), Err(NikError::Length));
        assert_eq!(Nik::parse("14030905080600O1", today()), Err(NikError::NotDigits));
        assert_eq!(Nik::parse("", today()), Err(NikError::Length));
    }

    #[test]
    fn a_nik_issued_elsewhere_is_fine() {
        // Issued in Kota Pekanbaru (14.71), whatever the person's current address.
        assert!(Nik::parse("1471010508060001", today()).is_ok());
    }

    #[test]
    fn kk_numbers() {
        assert_eq!(NoKk::parse("1403091201150003").unwrap().as_str(), "1403091201150003");
        assert_eq!(NoKk::parse("1403991201150003"), Err(NoKkError::UnknownDistrict));
        assert_eq!(NoKk::parse("1403093201150003"), Err(NoKkError::Date));
        assert_eq!(
            NoKk::parse("1403092902000003").map(|_| ()),
            Ok(()),
            "29 February 2000 existed"
        );
        assert_eq!(NoKk::parse("140309120115"), Err(NoKkError::Length));
    }
}
