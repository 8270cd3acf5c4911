//! A calendar date, enough for birth dates, permit expiry and working days, without a date library in the
//! WebAssembly bundle.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid Gregorian date between [`Date::MIN`] and [`Date::MAX`]. Ordered chronologically.
///
/// On the wire (server functions, anything stored as JSON) it is `{"year":2026,"month":11,"day":21}`; reading it
/// back goes through [`Date::new`], so a date that does not exist (30 February, month 13, year 0) is a
/// deserialization error, never a `Date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "DateFields")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// The serialized form of a [`Date`], before [`Date::new`] has checked it.
#[derive(Deserialize)]
struct DateFields {
    year: i32,
    month: u8,
    day: u8,
}

impl TryFrom<DateFields> for Date {
    type Error = String;

    fn try_from(f: DateFields) -> Result<Date, String> {
        Date::new(f.year, f.month, f.day)
            .ok_or_else(|| format!("not a date: {:04}-{:02}-{:02}", f.year, f.month, f.day))
    }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The first date there is: 1 January of year 1.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };
    /// The last date there is: 31 December 9999.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// `None` unless the date exists (30 February does not; 29 February only in leap years).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, the form of `<input type="date">`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let text = text.trim();
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        Date::new(digits(0..4)? as i32, digits(5..7)? as u8, digits(8..10)? as u8)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Whole years completed on `on`. Someone born on 29 February turns a year older on 1 March in common years.
    pub fn age_on(self, on: Date) -> i32 {
        let had_birthday = (on.month, on.day) >= (self.month, self.day);
        on.year - self.year - if had_birthday { 0 } else { 1 }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, or `None` outside [`Date::MIN`] … [`Date::MAX`].
    pub fn checked_from_days_since_epoch(days: i64) -> Option<Date> {
        if !(Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch()).contains(&days) {
            return None;
        }
        // Howard Hinnant's civil_from_days; in range, every intermediate value is small.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Some(Date { year, month, day })
    }

    /// The date `days` after 1970-01-01, saturating: [`Date::MIN`] before it, [`Date::MAX`] after it.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days.clamp(Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
        Date::checked_from_days_since_epoch(days).unwrap_or(Date::MAX)
    }

    /// `days` later (earlier when negative), or `None` past [`Date::MIN`] or [`Date::MAX`].
    pub fn checked_add_days(self, days: i64) -> Option<Date> {
        Date::checked_from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// `days` later (earlier when negative), saturating at [`Date::MIN`] and [`Date::MAX`]: the portal's
    /// callers add a few days or weeks to today, a booking or an expiry, never near the bounds, and a bound is a
    /// safe answer where a panic or an invalid date is not.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// 0 Monday … 6 Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        ((self.days_since_epoch() + 3).rem_euclid(7)) as u8
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_dates_exist() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2025, 4, 31).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
    }

    #[test]
    fn parses_iso_dates() {
        assert_eq!(Date::parse_iso("2008-11-21"), Date::new(2008, 11, 21));
        for bad in ["2008-11-31", "21-11-2008", "2008/11/21", "2008-1-21", "+008-11-21", ""] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_ages_in_whole_years() {
        let born = Date::new(2009, 11, 22).unwrap();
        assert_eq!(born.age_on(Date::new(2026, 11, 21).unwrap()), 16);
        assert_eq!(born.age_on(Date::new(2026, 11, 22).unwrap()), 17);
        let leapling = Date::new(2008, 2, 29).unwrap();
        assert_eq!(leapling.age_on(Date::new(2025, 2, 28).unwrap()), 16);
        assert_eq!(leapling.age_on(Date::new(2025, 3, 1).unwrap()), 17);
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let d = Date::new(2026, 11, 21).unwrap();
        assert_eq!(d.weekday(), 5, "21 November 2026 is a Saturday");
        assert_eq!(d.add_days(10), Date::new(2026, 12, 1).unwrap());
        assert_eq!(
            Date::new(2024, 2, 28).unwrap().add_days(1),
            Date::new(2024, 2, 29).unwrap()
        );
        for days in [-719_162, -1, 0, 1, 20_000, 2_932_896] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
    }

    #[test]
    fn day_arithmetic_stays_in_range() {
        assert_eq!(Date::MIN.days_since_epoch(), -719_162);
        assert_eq!(Date::MAX.days_since_epoch(), 2_932_896);
        assert_eq!(Date::MAX.checked_add_days(1), None);
        assert_eq!(Date::MIN.checked_add_days(-1), None);
        assert_eq!(Date::MAX.checked_add_days(-1), Date::new(9999, 12, 30));
        assert_eq!(Date::MIN.checked_add_days(i64::MAX), None, "no overflow");
        assert_eq!(Date::MAX.checked_add_days(i64::MIN), None, "no overflow");
        assert_eq!(Date::MAX.add_days(1), Date::MAX);
        assert_eq!(Date::MAX.add_days(i64::MAX), Date::MAX);
        assert_eq!(Date::MIN.add_days(-1), Date::MIN);
        assert_eq!(Date::MIN.add_days(i64::MIN), Date::MIN);
        assert_eq!(Date::from_days_since_epoch(i64::MIN), Date::MIN);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), Date::MAX);
        assert_eq!(Date::checked_from_days_since_epoch(-719_163), None);
        assert_eq!(Date::checked_from_days_since_epoch(2_932_897), None);
        // Every date the arithmetic gives is one `Date::new` accepts.
        for days in [
            i64::MIN,
            -800_000,
            -719_163,
            -719_162,
            0,
            2_932_896,
            2_932_897,
            3_000_000,
            i64::MAX,
        ] {
            let d = Date::from_days_since_epoch(days);
            assert_eq!(Date::new(d.year(), d.month(), d.day()), Some(d), "{days}");
        }
    }

    #[cfg(any(feature = "ssr", feature = "hydrate"))]
    #[test]
    fn serializes_as_before_and_deserializes_only_real_dates() {
        let d = Date::new(2026, 11, 21).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json, r#"{"year":2026,"month":11,"day":21}"#,
            "the wire format is unchanged"
        );
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), d);
        for bad in [
            r#"{"year":2026,"month":2,"day":30}"#,
            r#"{"year":2025,"month":2,"day":29}"#,
            r#"{"year":2026,"month":13,"day":1}"#,
            r#"{"year":2026,"month":0,"day":1}"#,
            r#"{"year":2026,"month":1,"day":0}"#,
            r#"{"year":0,"month":1,"day":1}"#,
            r#"{"year":10000,"month":1,"day":1}"#,
            r#"{"year":-5,"month":1,"day":1}"#,
            r#"{"year":2026,"month":1}"#,
        ] {
            assert!(serde_json::from_str::<Date>(bad).is_err(), "{bad}");
        }
        let leap: Date = serde_json::from_str(r#"{"year":2024,"month":2,"day":29}"#).unwrap();
        assert_eq!(leap, Date::new(2024, 2, 29).unwrap());
        // Inside another value too (a server function's answer, an option).
        assert!(serde_json::from_str::<Option<Date>>(r#"{"year":2026,"month":2,"day":30}"#).is_err());
        assert_eq!(serde_json::from_str::<Option<Date>>("null").unwrap(), None);
    }
}
