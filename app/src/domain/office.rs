//! Facts about the office, as its own service descriptions give them (`shared/seeds/`). Names and addresses that
//! are the same in every language live here; what needs translating lives in the locales.

/// Telephone numbers printed on the office's service descriptions, as dialled and as a `tel:` URI.
pub const PHONES: [(&str, &str); 2] = [
    ("0813 7168 5622", "tel:+6281371685622"),
    ("0823 8942 0938", "tel:+6282389420938"),
];

pub const WEBSITE: (&str, &str) = (
    "disdukcapil.bengkaliskab.go.id",
    "https://disdukcapil.bengkaliskab.go.id/",
);

/// The service-level promise of both services, in working days.
pub const SERVICE_DAYS: u32 = 14;

/// How many days before a foreign resident's KITAP (and so their card) expires they are reminded to renew.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

/// Kabupaten Bengkalis keeps Western Indonesian Time (WIB, UTC+7): dates are the office's, not the server's.
pub const UTC_OFFSET_SECS: i64 = 7 * 3600;

/// The office's calendar date at `unix_secs` (seconds since the Unix epoch).
pub fn office_date(unix_secs: i64) -> super::Date {
    super::Date::from_days_since_epoch((unix_secs + UTC_OFFSET_SECS).div_euclid(86_400))
}

/// The office's time of day at `unix_secs`.
pub fn office_time(unix_secs: i64) -> super::booking::ClockTime {
    let minutes = (unix_secs + UTC_OFFSET_SECS).rem_euclid(86_400) / 60;
    super::booking::ClockTime::new((minutes / 60) as u8, (minutes % 60) as u8).expect("within a day")
}

/// Seconds since the Unix epoch of `time` on `day` in the office's time zone.
pub fn unix_secs_at(day: super::Date, time: super::booking::ClockTime) -> i64 {
    day.days_since_epoch() * 86_400 + i64::from(time.minutes()) * 60 - UTC_OFFSET_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_day_starts_at_midnight_wib() {
        // 2026-11-20 17:00 UTC is already 21 November in Bengkalis.
        let five_pm_utc = 1_795_194_000;
        assert_eq!(
            office_date(five_pm_utc),
            crate::domain::Date::new(2026, 11, 21).unwrap()
        );
        assert_eq!(
            office_date(five_pm_utc - 1),
            crate::domain::Date::new(2026, 11, 20).unwrap()
        );
        assert_eq!(office_time(five_pm_utc).to_string(), "00:00");
        assert_eq!(office_time(five_pm_utc - 60).to_string(), "23:59");
        let day = crate::domain::Date::new(2026, 11, 21).unwrap();
        assert_eq!(unix_secs_at(day, office_time(five_pm_utc)), five_pm_utc);
    }
}
