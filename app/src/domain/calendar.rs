//! The office's working days: Monday to Friday, except national holidays and *cuti bersama* (and any day staff
//! close). One calendar serves the booking window and the 14-working-day service promise.

use super::Date;
use std::collections::BTreeSet;

/// The days off besides weekends, as loaded from the `holidays` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    days_off: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(days_off: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            days_off: days_off.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        day.weekday() < 5 && !self.days_off.contains(&day)
    }

    /// The first working day strictly after `day`. Day arithmetic saturates (see [`Date::add_days`]): with no
    /// working day left before [`Date::MAX`], the answer is `Date::MAX`; the loop always ends.
    pub fn next_working_day(&self, day: Date) -> Date {
        let mut d = day.add_days(1);
        while !self.is_working_day(d) && d < Date::MAX {
            d = d.add_days(1);
        }
        d
    }

    /// The last working day strictly before `day`; `Date::MIN` when there is none after it (see
    /// [`Calendar::next_working_day`]).
    pub fn previous_working_day(&self, day: Date) -> Date {
        let mut d = day.add_days(-1);
        while !self.is_working_day(d) && d > Date::MIN {
            d = d.add_days(-1);
        }
        d
    }

    /// The day `n` working days after `start` (the service promise: 14 working days from the recording); at most
    /// `Date::MAX`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        for _ in 0..n {
            if d == Date::MAX {
                break;
            }
            d = self.next_working_day(d);
        }
        d
    }

    /// Working days from `first` to `last`, both included.
    pub fn working_days(&self, first: Date, last: Date) -> Vec<Date> {
        let mut days = Vec::new();
        let mut d = first;
        while d <= last {
            if self.is_working_day(d) {
                days.push(d);
            }
            match d.checked_add_days(1) {
                Some(next) => d = next,
                None => break,
            }
        }
        days
    }
}

/// How far ahead the holidays must be known: with none after the next 90 days the office is warned, as next year's
/// calendar (the SKB 3 Menteri, published some months ahead) is due to be imported.
pub const HOLIDAYS_AHEAD_DAYS: i64 = 90;

/// The warning the office needs on `today`, given the last holiday known (`None`: none at all): `Some(last)` when
/// no holiday is known beyond the next [`HOLIDAYS_AHEAD_DAYS`] days, `None` when the calendar reaches far enough.
pub fn holidays_run_out(last_known: Option<Date>, today: Date) -> Option<Option<Date>> {
    match last_known {
        Some(last) if last > today.add_days(HOLIDAYS_AHEAD_DAYS) => None,
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let cal = Calendar::new([d(2026, 12, 25), d(2026, 12, 24)]);
        assert!(cal.is_working_day(d(2026, 11, 23)), "a Monday");
        assert!(!cal.is_working_day(d(2026, 11, 21)), "a Saturday");
        assert!(!cal.is_working_day(d(2026, 11, 22)), "a Sunday");
        assert!(!cal.is_working_day(d(2026, 12, 25)), "Christmas");
        assert_eq!(cal.next_working_day(d(2026, 12, 23)), d(2026, 12, 28));
        assert_eq!(cal.previous_working_day(d(2026, 12, 28)), d(2026, 12, 23));
    }

    #[test]
    fn the_service_promise_counts_working_days_only() {
        let cal = Calendar::new([d(2026, 12, 25), d(2026, 12, 24)]);
        // Recorded on Monday 14 December: 14 working days skip two weekends and two days off.
        assert_eq!(cal.add_working_days(d(2026, 12, 14), 14), d(2027, 1, 5));
        assert_eq!(cal.working_days(d(2026, 12, 21), d(2026, 12, 27)).len(), 3);
    }

    #[test]
    fn the_arithmetic_ends_at_the_bounds_of_time() {
        // 9999-12-31 is a Friday, 0001-01-01 a Monday: made days off, no working day is left beyond them.
        let cal = Calendar::new([Date::MAX, Date::MIN]);
        assert_eq!(cal.next_working_day(d(9999, 12, 30)), Date::MAX);
        assert_eq!(cal.next_working_day(Date::MAX), Date::MAX);
        assert_eq!(cal.previous_working_day(d(1, 1, 2)), Date::MIN);
        assert_eq!(cal.previous_working_day(Date::MIN), Date::MIN);
        assert_eq!(cal.add_working_days(d(9999, 12, 1), 1_000), Date::MAX);
        assert_eq!(cal.add_working_days(Date::MAX, u32::MAX), Date::MAX);
        assert_eq!(cal.working_days(d(9999, 12, 27), Date::MAX).len(), 4);
        assert_eq!(cal.working_days(Date::MIN, d(1, 1, 3)).len(), 2);
    }

    #[test]
    fn the_office_is_warned_when_the_holidays_run_out() {
        let today = d(2027, 10, 1);
        assert_eq!(holidays_run_out(None, today), Some(None), "no holidays at all");
        assert_eq!(
            holidays_run_out(Some(d(2027, 12, 24)), today),
            Some(Some(d(2027, 12, 24)))
        );
        assert_eq!(
            holidays_run_out(Some(d(2027, 12, 30)), today),
            Some(Some(d(2027, 12, 30))),
            "day 90"
        );
        assert_eq!(holidays_run_out(Some(d(2027, 12, 31)), today), None, "day 91");
        assert_eq!(holidays_run_out(Some(d(2028, 1, 1)), today), None);
    }
}
