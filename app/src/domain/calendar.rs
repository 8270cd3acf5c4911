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

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: Date) -> Date {
        let mut d = day.add_days(1);
        while !self.is_working_day(d) {
            d = d.add_days(1);
        }
        d
    }

    /// The last working day strictly before `day`.
    pub fn previous_working_day(&self, day: Date) -> Date {
        let mut d = day.add_days(-1);
        while !self.is_working_day(d) {
            d = d.add_days(-1);
        }
        d
    }

    /// The day `n` working days after `start` (the service promise: 14 working days from the recording).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        (0..n).fold(start, |d, _| self.next_working_day(d))
    }

    /// Working days from `first` to `last`, both included.
    pub fn working_days(&self, first: Date, last: Date) -> Vec<Date> {
        let mut days = Vec::new();
        let mut d = first;
        while d <= last {
            if self.is_working_day(d) {
                days.push(d);
            }
            d = d.add_days(1);
        }
        days
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
}
