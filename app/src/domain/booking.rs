//! The biometric-recording appointment: service points' opening hours, their slots, which days can be booked,
//! and until when a booking can be moved or cancelled. Pure rules; the server enforces capacity in one
//! transaction and asks these functions everything else.

use super::{application::Kind, calendar::Calendar, Date};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How far ahead an appointment can be booked, in calendar days.
pub const BOOKING_HORIZON_DAYS: i64 = 30;

/// A time of day in the office's time zone, to the minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClockTime(u16);

impl ClockTime {
    pub fn new(hour: u8, minute: u8) -> Option<ClockTime> {
        (hour < 24 && minute < 60).then_some(ClockTime(u16::from(hour) * 60 + u16::from(minute)))
    }

    /// Parses `HH:MM`, as stored and as posted by the forms.
    pub fn parse(text: &str) -> Option<ClockTime> {
        let (h, m) = text.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        ClockTime::new(h.parse().ok()?, m.parse().ok()?)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn plus_minutes(self, minutes: u16) -> ClockTime {
        ClockTime((self.0 + minutes).min(24 * 60 - 1))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Opening hours on one weekday (0 Monday … 6 Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub weekday: u8,
    pub opens: ClockTime,
    pub closes: ClockTime,
}

/// When a service point receives applicants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub hours: Vec<Hours>,
    /// No appointments start inside the break.
    pub break_time: Option<(ClockTime, ClockTime)>,
    pub slot_minutes: u16,
    /// Counters working at once: the number of applicants each slot takes.
    pub counters: u32,
}

impl Schedule {
    /// The default the office gave: Monday–Thursday 08:00–15:00, Friday 08:00–11:00, a break 12:00–13:00,
    /// 15-minute slots.
    pub fn office_default(counters: u32) -> Schedule {
        let at = |h| ClockTime::new(h, 0).expect("a valid hour");
        let mut hours: Vec<Hours> = (0..4)
            .map(|weekday| Hours {
                weekday,
                opens: at(8),
                closes: at(15),
            })
            .collect();
        hours.push(Hours {
            weekday: 4,
            opens: at(8),
            closes: at(11),
        });
        Schedule {
            hours,
            break_time: Some((at(12), at(13))),
            slot_minutes: 15,
            counters,
        }
    }

    /// The start of every slot on `day`'s weekday that ends by closing time and does not start in the break.
    pub fn slots_on(&self, day: Date) -> Vec<ClockTime> {
        let step = self.slot_minutes.max(5);
        let mut slots = Vec::new();
        for hours in self.hours.iter().filter(|h| h.weekday == day.weekday()) {
            let mut t = hours.opens.minutes();
            while t + step <= hours.closes.minutes() {
                let in_break = self
                    .break_time
                    .is_some_and(|(from, to)| t + step > from.minutes() && t < to.minutes());
                if !in_break {
                    slots.push(ClockTime(t));
                }
                t += step;
            }
        }
        slots.sort();
        slots
    }
}

/// A place where the recording happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePoint {
    pub id: String,
    pub name: String,
    pub address: String,
    /// Foreign residents report to the Dinas itself (seed document), so only it serves them.
    pub serves_foreigners: bool,
    pub schedule: Schedule,
}

impl ServicePoint {
    pub fn serves(&self, kind: Kind) -> bool {
        kind == Kind::Citizen || self.serves_foreigners
    }
}

/// A booking's own small lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BookingStatus {
    Booked,
    Cancelled,
    Attended,
    Missed,
}

impl BookingStatus {
    pub fn code(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Attended => "attended",
            BookingStatus::Missed => "missed",
        }
    }

    pub fn parse(code: &str) -> Option<BookingStatus> {
        [
            BookingStatus::Booked,
            BookingStatus::Cancelled,
            BookingStatus::Attended,
            BookingStatus::Missed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Why a booking, a move or a cancellation is refused, in words the applicant can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BookingIssue {
    /// Only submitted or approved applications are booked.
    NotBookable,
    /// A district point, for a foreign resident.
    PointNotForForeigners,
    UnknownPoint,
    /// A weekend, a holiday, or a day the point is closed.
    NotWorkingDay,
    /// Today or earlier: the first day is the next working day.
    TooSoon,
    TooFar,
    /// Not one of the point's slots on that day.
    NoSuchTime,
    /// The slot filled up between display and confirmation.
    SlotFull,
    AlreadyBooked,
    /// Moving or cancelling on the working day before the appointment or later.
    TooLateToChange,
    /// The booking to move or cancel is no longer the application's active booking.
    NoActiveBooking,
}

/// The days an applicant may choose on `today`: from the next working day up to 30 days ahead.
pub fn bookable_days(calendar: &Calendar, today: Date) -> Vec<Date> {
    calendar.working_days(calendar.next_working_day(today), today.add_days(BOOKING_HORIZON_DAYS))
}

/// Whether `day` at `time` is a slot an applicant of `kind` may book at `point` on `today` (capacity aside).
pub fn check_slot(
    point: &ServicePoint,
    kind: Kind,
    calendar: &Calendar,
    today: Date,
    day: Date,
    time: ClockTime,
) -> Result<(), BookingIssue> {
    if !point.serves(kind) {
        return Err(BookingIssue::PointNotForForeigners);
    }
    if day <= today {
        return Err(BookingIssue::TooSoon);
    }
    if day > today.add_days(BOOKING_HORIZON_DAYS) {
        return Err(BookingIssue::TooFar);
    }
    if !calendar.is_working_day(day) {
        return Err(BookingIssue::NotWorkingDay);
    }
    if !point.schedule.slots_on(day).contains(&time) {
        return Err(BookingIssue::NoSuchTime);
    }
    Ok(())
}

/// An appointment on `day` can be moved or cancelled until the end of the working day before it.
pub fn can_change(calendar: &Calendar, today: Date, day: Date) -> bool {
    today <= calendar.previous_working_day(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn t(text: &str) -> ClockTime {
        ClockTime::parse(text).unwrap()
    }

    fn point(serves_foreigners: bool) -> ServicePoint {
        ServicePoint {
            id: "p".into(),
            name: "P".into(),
            address: "A".into(),
            serves_foreigners,
            schedule: Schedule::office_default(2),
        }
    }

    #[test]
    fn clock_times_parse_strictly() {
        assert_eq!(t("08:15").to_string(), "08:15");
        for bad in ["8:15", "24:00", "12:60", "ab:cd", "", "12:5"] {
            assert_eq!(ClockTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_default_day_has_slots_outside_the_break() {
        let schedule = Schedule::office_default(2);
        let monday = schedule.slots_on(d(2026, 11, 23));
        assert_eq!(monday.len(), 24, "08:00–15:00 less the hour's break, in quarters");
        assert_eq!(monday[0], t("08:00"));
        assert!(monday.contains(&t("11:45")) && !monday.contains(&t("12:00")) && monday.contains(&t("13:00")));
        assert_eq!(monday.last(), Some(&t("14:45")));
        let friday = schedule.slots_on(d(2026, 11, 27));
        assert_eq!((friday.len(), friday.last()), (12, Some(&t("10:45"))));
        assert!(schedule.slots_on(d(2026, 11, 28)).is_empty(), "closed on Saturdays");
    }

    #[test]
    fn booking_days_run_from_the_next_working_day_for_thirty_days() {
        let cal = Calendar::new([d(2026, 12, 1)]);
        let days = bookable_days(&cal, d(2026, 11, 20));
        assert_eq!(days.first(), Some(&d(2026, 11, 23)), "a Friday books from Monday");
        assert_eq!(days.last(), Some(&d(2026, 12, 18)));
        assert!(!days.contains(&d(2026, 12, 1)));
    }

    #[test]
    fn refuses_what_the_office_cannot_serve() {
        let cal = Calendar::new([d(2026, 12, 1)]);
        let today = d(2026, 11, 20);
        let ok = |p: &ServicePoint, k, day, time| check_slot(p, k, &cal, today, day, t(time));
        assert_eq!(ok(&point(true), Kind::Foreigner, d(2026, 11, 23), "08:00"), Ok(()));
        assert_eq!(
            ok(&point(false), Kind::Foreigner, d(2026, 11, 23), "08:00"),
            Err(BookingIssue::PointNotForForeigners)
        );
        assert_eq!(ok(&point(false), Kind::Citizen, d(2026, 11, 23), "08:00"), Ok(()));
        assert_eq!(
            ok(&point(false), Kind::Citizen, today, "08:00"),
            Err(BookingIssue::TooSoon)
        );
        assert_eq!(
            ok(&point(false), Kind::Citizen, d(2026, 11, 22), "08:00"),
            Err(BookingIssue::NotWorkingDay)
        );
        assert_eq!(
            ok(&point(false), Kind::Citizen, d(2026, 12, 1), "08:00"),
            Err(BookingIssue::NotWorkingDay)
        );
        assert_eq!(
            ok(&point(false), Kind::Citizen, d(2026, 12, 21), "08:00"),
            Err(BookingIssue::TooFar)
        );
        assert_eq!(
            ok(&point(false), Kind::Citizen, d(2026, 11, 23), "12:15"),
            Err(BookingIssue::NoSuchTime)
        );
        assert_eq!(
            ok(&point(false), Kind::Citizen, d(2026, 11, 27), "13:00"),
            Err(BookingIssue::NoSuchTime)
        );
    }

    #[test]
    fn changes_stop_on_the_working_day_before() {
        let cal = Calendar::default();
        let monday = d(2026, 11, 30);
        assert!(can_change(&cal, d(2026, 11, 27), monday), "on the Friday before");
        assert!(
            !can_change(&cal, d(2026, 11, 28), monday),
            "the weekend is after the working day before"
        );
        assert!(!can_change(&cal, monday, monday));
    }
}
