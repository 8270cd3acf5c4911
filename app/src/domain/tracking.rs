//! Following a card: what the applicant must do now, and the service promise (the card ready 14 working days
//! after the recording, counted on the office's calendar), told honestly: a late card is shown as late.

use super::{
    application::{Kind, Status},
    calendar::Calendar,
    office::{RENEWAL_NOTICE_DAYS, SERVICE_DAYS},
    Date,
};
use serde::{Deserialize, Serialize};

/// What the applicant has to do in a state, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Fill in the form and submit it.
    Complete,
    /// Correct what staff returned, and submit again.
    Correct,
    /// Book the recording appointment.
    Book,
    /// Come to the office for clarification.
    ComeForClarification,
    /// Bring the printed form to collect the card.
    Collect,
    /// Nothing: the office is working, or the application has ended.
    Nothing,
}

pub fn action(status: Status) -> Action {
    match status {
        Status::Draft => Action::Complete,
        Status::Returned => Action::Correct,
        Status::Submitted | Status::Approved => Action::Book,
        Status::Clarification => Action::ComeForClarification,
        Status::Ready => Action::Collect,
        Status::Rejected
        | Status::Recorded
        | Status::Identifying
        | Status::Personalizing
        | Status::Distributing
        | Status::Issued => Action::Nothing,
    }
}

/// Why the applicant is asked to come for clarification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClarificationCause {
    /// The central AFIS found another record with the same fingerprints (a duplicate identity).
    Duplicate,
    /// The 1:1 fingerprint check at handover did not match: the card was withheld and returned to Kemendagri for
    /// destruction.
    CardWithheld,
}

/// Why an application in clarification is there, read from the states it went through (oldest first): the only
/// step from `ready` to `clarification` is the failed handover, every other way in is an AFIS answer. `None`
/// when the application is not in clarification.
pub fn clarification(history: &[Status]) -> Option<ClarificationCause> {
    match history {
        [.., Status::Ready, Status::Clarification] => Some(ClarificationCause::CardWithheld),
        [.., Status::Clarification] => Some(ClarificationCause::Duplicate),
        _ => None,
    }
}

/// The service promise for one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// The day the card is promised by.
    pub due: Date,
    /// Counted from the booked appointment: the recording, where the clock starts, is still to come.
    pub from_appointment: bool,
    /// The day the card was ready, once it is.
    pub ready_on: Option<Date>,
}

impl Promise {
    /// The promise of a card recorded on `recorded` (or to be recorded on the appointment day).
    pub fn new(calendar: &Calendar, start: Date, from_appointment: bool, ready_on: Option<Date>) -> Promise {
        Promise {
            due: calendar.add_working_days(start, SERVICE_DAYS),
            from_appointment,
            ready_on,
        }
    }

    /// Late: ready after the promised day, or not ready and the day has passed.
    pub fn late(&self, today: Date) -> bool {
        match self.ready_on {
            Some(ready) => ready > self.due,
            None => today > self.due,
        }
    }
}

/// The expiry of a foreign resident's KITAP (and so their card) when it is near enough to remind them to renew.
pub fn renewal_due(kind: Kind, kitap_expiry: Option<Date>, today: Date) -> Option<Date> {
    let expiry = kitap_expiry.filter(|_| kind == Kind::Foreigner)?;
    (expiry.add_days(-RENEWAL_NOTICE_DAYS) <= today).then_some(expiry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn the_promise_skips_weekends_and_holidays() {
        // Recorded Friday 18 December 2026; 25 December is Christmas and 24 December cuti bersama.
        let calendar = Calendar::new([d("2026-12-24"), d("2026-12-25"), d("2027-01-01")]);
        let promise = Promise::new(&calendar, d("2026-12-18"), false, None);
        // 21, 22, 23, 28, 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11, 12 Jan: the fourteenth working day.
        assert_eq!(promise.due, d("2027-01-12"));
        assert!(!promise.late(d("2027-01-12")));
        assert!(promise.late(d("2027-01-13")));
    }

    #[test]
    fn a_card_ready_in_time_stays_on_time_and_a_late_one_stays_late() {
        let calendar = Calendar::default();
        let on_time = Promise::new(&calendar, d("2026-11-02"), false, Some(d("2026-11-10")));
        assert!(!on_time.late(d("2027-06-01")));
        let late = Promise::new(&calendar, d("2026-11-02"), false, Some(d("2026-11-25")));
        assert_eq!(late.due, d("2026-11-20"));
        assert!(late.late(d("2026-11-25")));
    }

    #[test]
    fn foreign_residents_are_reminded_thirty_days_before_their_kitap_expires() {
        let expiry = Some(d("2026-12-21"));
        assert_eq!(renewal_due(Kind::Foreigner, expiry, d("2026-11-20")), None);
        assert_eq!(renewal_due(Kind::Foreigner, expiry, d("2026-11-21")), expiry);
        assert_eq!(renewal_due(Kind::Citizen, expiry, d("2026-12-01")), None);
    }

    #[test]
    fn clarification_after_a_failed_handover_is_told_as_a_withheld_card() {
        use Status::*;
        let afis = [Submitted, Approved, Recorded, Identifying, Clarification];
        assert_eq!(clarification(&afis), Some(ClarificationCause::Duplicate));
        let handover = [
            Submitted,
            Approved,
            Recorded,
            Identifying,
            Personalizing,
            Distributing,
            Ready,
            Clarification,
        ];
        assert_eq!(clarification(&handover), Some(ClarificationCause::CardWithheld));
        // Settled, printed again, then AFIS again after a retry: the latest way in counts.
        let again = [Ready, Clarification, Identifying, Clarification];
        assert_eq!(clarification(&again), Some(ClarificationCause::Duplicate));
        assert_eq!(clarification(&[Ready, Clarification, Personalizing]), None);
        assert_eq!(clarification(&[]), None);
        assert_eq!(action(Distributing), Action::Nothing);
    }

    #[test]
    fn the_applicant_acts_only_where_the_process_waits_for_them() {
        assert_eq!(action(Status::Approved), Action::Book);
        assert_eq!(action(Status::Clarification), Action::ComeForClarification);
        assert_eq!(action(Status::Ready), Action::Collect);
        assert_eq!(action(Status::Personalizing), Action::Nothing);
    }
}
