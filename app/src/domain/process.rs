//! The office's process after submission, as one state machine: which step staff may take from which state, in
//! which role, with which data. The staff console moves it; the citizen's pages explain it. Every step either
//! gives the next state or a [`ProcessError`] that says why not; the server applies the answer and appends the
//! event in one transaction, so an illegal step is never half-applied.

use super::application::Status;
use serde::{Deserialize, Serialize};

/// What a staff account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Works at one service point: reviews, records, hands over.
    Operator,
    /// The whole office: everything an operator does, AFIS results, clarification, personalization, distribution,
    /// the blank card stock and the access log.
    Supervisor,
    /// Staff accounts, service points, opening hours and holidays; no part in the card process.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Operator, Role::Supervisor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Whether the role sees every service point's applications, not only its own point's.
    pub fn whole_office(self) -> bool {
        matches!(self, Role::Supervisor)
    }

    /// Whether the role works on applications at all.
    pub fn handles_applications(self) -> bool {
        matches!(self, Role::Operator | Role::Supervisor)
    }
}

/// One step of the process, as staff take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// The pre-registration is accepted: the data agree with the scans.
    Approve,
    /// The applicant must correct something; the reason is shown to them.
    Return,
    /// Not eligible; the reason is shown to the applicant. Final.
    Reject,
    /// At the appointment: form entered, data verified in person, photo, signature, fingerprints and iris
    /// recorded, form signed and stamped.
    Record,
    /// The record was sent to the central AFIS for the single-identity check.
    SendToAfis,
    /// AFIS found a single identity: the card can be personalized.
    AfisSingle,
    /// AFIS found a duplicate identity: the applicant must come for clarification.
    AfisDuplicate,
    /// Clarification settled the doubt: the card can be personalized.
    ClarificationResolved,
    /// Clarification corrected the record: it goes to AFIS again.
    ClarificationRetry,
    /// Clarification showed the applicant is not eligible. Final.
    ClarificationReject,
    /// The card was personalized on a blank and distributed to the service point.
    CardReady,
    /// The 1:1 fingerprint check at handover matched: the card was handed over. Final.
    HandoverMatch,
    /// The 1:1 check failed: the card is withheld and returned to Kemendagri for destruction.
    HandoverMismatch,
}

impl Step {
    pub const ALL: [Step; 13] = [
        Step::Approve,
        Step::Return,
        Step::Reject,
        Step::Record,
        Step::SendToAfis,
        Step::AfisSingle,
        Step::AfisDuplicate,
        Step::ClarificationResolved,
        Step::ClarificationRetry,
        Step::ClarificationReject,
        Step::CardReady,
        Step::HandoverMatch,
        Step::HandoverMismatch,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Approve => "approve",
            Step::Return => "return",
            Step::Reject => "reject",
            Step::Record => "record",
            Step::SendToAfis => "send_to_afis",
            Step::AfisSingle => "afis_single",
            Step::AfisDuplicate => "afis_duplicate",
            Step::ClarificationResolved => "clarification_resolved",
            Step::ClarificationRetry => "clarification_retry",
            Step::ClarificationReject => "clarification_reject",
            Step::CardReady => "card_ready",
            Step::HandoverMatch => "handover_match",
            Step::HandoverMismatch => "handover_mismatch",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The state the step starts from, and the state it leads to.
    pub fn edge(self) -> (Status, Status) {
        use Status::*;
        match self {
            Step::Approve => (Submitted, Approved),
            Step::Return => (Submitted, Returned),
            Step::Reject => (Submitted, Rejected),
            Step::Record => (Approved, Recorded),
            Step::SendToAfis => (Recorded, Identifying),
            Step::AfisSingle => (Identifying, Personalizing),
            Step::AfisDuplicate => (Identifying, Clarification),
            Step::ClarificationResolved => (Clarification, Personalizing),
            Step::ClarificationRetry => (Clarification, Identifying),
            Step::ClarificationReject => (Clarification, Rejected),
            Step::CardReady => (Personalizing, Ready),
            Step::HandoverMatch => (Ready, Issued),
            Step::HandoverMismatch => (Ready, Clarification),
        }
    }

    /// Whether `role` may take this step.
    pub fn allowed_to(self, role: Role) -> bool {
        match role {
            Role::Admin => false,
            Role::Supervisor => true,
            Role::Operator => matches!(
                self,
                Step::Approve
                    | Step::Return
                    | Step::Reject
                    | Step::Record
                    | Step::HandoverMatch
                    | Step::HandoverMismatch
            ),
        }
    }

    /// The data the step needs besides the state and the role.
    pub fn needs(self) -> Needs {
        match self {
            Step::Return | Step::Reject | Step::ClarificationReject => Needs::Reason,
            Step::AfisSingle | Step::AfisDuplicate => Needs::AfisReference,
            Step::Record => Needs::Confirmation,
            Step::HandoverMatch | Step::HandoverMismatch => Needs::Confirmation,
            _ => Needs::Nothing,
        }
    }

    /// Whether the step is an answer of the central AFIS: the only steps the AFIS link may take, with a
    /// supervisor's reach (the whole office) and without a claim.
    pub fn is_afis_result(self) -> bool {
        matches!(self, Step::AfisSingle | Step::AfisDuplicate)
    }

    /// Whether the note of this step is a reason written for the applicant (the citizen's page shows it); the
    /// notes of other steps stay with staff.
    pub fn tells_applicant_why(self) -> bool {
        self.needs() == Needs::Reason
    }

    /// The steps that can be taken from `status` by `role`, in the order the console offers them.
    pub fn available(status: Status, role: Role) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| s.edge().0 == status && s.allowed_to(role))
            .collect()
    }
}

/// What a step asks for besides the state and the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// A reason the applicant will read.
    Reason,
    /// The reference AFIS gave its answer under.
    AfisReference,
    /// The staff member confirms, by ticking, that what the step says was done.
    Confirmation,
}

/// The longest reason or note kept with a step.
pub const NOTE_MAX_CHARS: usize = 500;

/// What staff typed or ticked with a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub note: Option<String>,
    pub afis_reference: Option<String>,
    pub confirmed: bool,
}

/// What the server knows besides the application's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Blank cards in stock; personalizing a card takes one.
    pub blank_cards: i64,
}

/// An accepted step: the state to move to and what the event keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: Status,
    pub to: Status,
    pub note: Option<String>,
    pub afis_reference: Option<String>,
}

/// Why a step was refused. Each has a message in both languages for the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ProcessError {
    #[error("the step cannot be taken from the application's state")]
    WrongState,
    #[error("the staff member's role may not take this step")]
    WrongRole,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("the reason is too long")]
    ReasonTooLong,
    #[error("the AFIS reference is needed")]
    AfisReferenceMissing,
    #[error("the staff member must confirm what was done")]
    NotConfirmed,
    #[error("there are no blank cards")]
    NoBlankCards,
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Decides whether `role` may take `step` on an application in `from`, and what follows.
pub fn decide(from: Status, role: Role, step: Step, input: &StepInput, facts: Facts) -> Result<Move, ProcessError> {
    if !step.allowed_to(role) {
        return Err(ProcessError::WrongRole);
    }
    let (start, to) = step.edge();
    if start != from {
        return Err(ProcessError::WrongState);
    }
    let note = trimmed(&input.note);
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        return Err(ProcessError::ReasonTooLong);
    }
    let afis_reference = trimmed(&input.afis_reference);
    match step.needs() {
        Needs::Reason if note.is_none() => return Err(ProcessError::ReasonMissing),
        Needs::AfisReference if afis_reference.is_none() => return Err(ProcessError::AfisReferenceMissing),
        Needs::AfisReference if afis_reference.as_ref().is_some_and(|r| r.chars().count() > 64) => {
            return Err(ProcessError::ReasonTooLong)
        }
        Needs::Confirmation if !input.confirmed => return Err(ProcessError::NotConfirmed),
        _ => {}
    }
    if step == Step::CardReady && facts.blank_cards <= 0 {
        return Err(ProcessError::NoBlankCards);
    }
    Ok(Move {
        from,
        to,
        note,
        afis_reference: afis_reference.filter(|_| step.needs() == Needs::AfisReference),
    })
}

/// Whether the citizen should be told the card waits for blank cards rather than nothing at all.
pub fn waiting_for_blank_cards(status: Status, blank_cards: i64) -> bool {
    status == Status::Personalizing && blank_cards <= 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_input() -> StepInput {
        StepInput {
            note: Some("Nama di KK berbeda".into()),
            afis_reference: Some("AFIS-2026-0001".into()),
            confirmed: true,
        }
    }

    const STOCK: Facts = Facts { blank_cards: 10 };

    #[test]
    fn every_state_role_and_step_is_decided_by_the_table() {
        let mut allowed = 0;
        for from in Status::ALL {
            for role in Role::ALL {
                for step in Step::ALL {
                    let result = decide(from, role, step, &full_input(), STOCK);
                    let (start, to) = step.edge();
                    match result {
                        Ok(m) => {
                            allowed += 1;
                            assert_eq!((m.from, m.to), (start, to));
                            assert_eq!(from, start);
                            assert!(step.allowed_to(role));
                        }
                        Err(ProcessError::WrongRole) => assert!(!step.allowed_to(role)),
                        Err(ProcessError::WrongState) => assert_ne!(from, start),
                        Err(other) => panic!("{from:?} {role:?} {step:?}: {other:?}"),
                    }
                }
            }
        }
        // 13 steps for a supervisor, 6 for an operator, none for an admin.
        assert_eq!(allowed, 19);
    }

    #[test]
    fn final_and_citizen_states_have_no_staff_steps() {
        for status in [Status::Draft, Status::Returned, Status::Rejected, Status::Issued] {
            for role in Role::ALL {
                assert!(Step::available(status, role).is_empty(), "{status:?}");
            }
        }
    }

    #[test]
    fn an_operator_reviews_records_and_hands_over_but_sends_nothing_to_afis() {
        assert_eq!(
            Step::available(Status::Submitted, Role::Operator),
            vec![Step::Approve, Step::Return, Step::Reject]
        );
        assert_eq!(Step::available(Status::Recorded, Role::Operator), vec![]);
        assert_eq!(
            Step::available(Status::Ready, Role::Operator),
            vec![Step::HandoverMatch, Step::HandoverMismatch]
        );
        assert_eq!(
            Step::available(Status::Clarification, Role::Supervisor),
            vec![
                Step::ClarificationResolved,
                Step::ClarificationRetry,
                Step::ClarificationReject
            ]
        );
    }

    #[test]
    fn steps_refuse_missing_data() {
        let empty = StepInput::default();
        let blank = StepInput {
            note: Some("   ".into()),
            ..StepInput::default()
        };
        let op = Role::Operator;
        let sup = Role::Supervisor;
        assert_eq!(
            decide(Status::Submitted, op, Step::Return, &empty, STOCK),
            Err(ProcessError::ReasonMissing)
        );
        assert_eq!(
            decide(Status::Submitted, op, Step::Reject, &blank, STOCK),
            Err(ProcessError::ReasonMissing)
        );
        assert_eq!(
            decide(Status::Approved, op, Step::Record, &empty, STOCK),
            Err(ProcessError::NotConfirmed)
        );
        assert_eq!(
            decide(Status::Identifying, sup, Step::AfisDuplicate, &empty, STOCK),
            Err(ProcessError::AfisReferenceMissing)
        );
        let long = StepInput {
            note: Some("x".repeat(NOTE_MAX_CHARS + 1)),
            ..StepInput::default()
        };
        assert_eq!(
            decide(Status::Submitted, op, Step::Return, &long, STOCK),
            Err(ProcessError::ReasonTooLong)
        );
        assert_eq!(
            decide(
                Status::Personalizing,
                sup,
                Step::CardReady,
                &empty,
                Facts { blank_cards: 0 }
            ),
            Err(ProcessError::NoBlankCards)
        );
        let approved = decide(Status::Submitted, op, Step::Approve, &empty, STOCK).unwrap();
        assert_eq!(approved.to, Status::Approved);
        assert_eq!(approved.note, None);
    }

    #[test]
    fn the_reason_is_kept_trimmed_and_the_afis_reference_only_where_it_belongs() {
        let input = StepInput {
            note: Some("  Foto KK buram  ".into()),
            afis_reference: Some("X-1".into()),
            confirmed: false,
        };
        let m = decide(Status::Submitted, Role::Operator, Step::Return, &input, STOCK).unwrap();
        assert_eq!(m.note.as_deref(), Some("Foto KK buram"));
        assert_eq!(m.afis_reference, None);
        let m = decide(Status::Identifying, Role::Supervisor, Step::AfisSingle, &input, STOCK).unwrap();
        assert_eq!(m.afis_reference.as_deref(), Some("X-1"));
    }

    #[test]
    fn three_paths_reach_their_ends() {
        let sup = Role::Supervisor;
        let walk = |steps: &[Step]| {
            steps.iter().fold(Status::Submitted, |status, step| {
                decide(status, sup, *step, &full_input(), STOCK).unwrap().to
            })
        };
        use Step::*;
        assert_eq!(
            walk(&[Approve, Record, SendToAfis, AfisSingle, CardReady, HandoverMatch]),
            Status::Issued
        );
        assert_eq!(
            walk(&[
                Approve,
                Record,
                SendToAfis,
                AfisDuplicate,
                ClarificationResolved,
                CardReady,
                HandoverMatch
            ]),
            Status::Issued
        );
        assert_eq!(
            walk(&[Approve, Record, SendToAfis, AfisSingle, CardReady, HandoverMismatch]),
            Status::Clarification
        );
    }

    #[test]
    fn codes_round_trip_and_nik_is_masked() {
        for step in Step::ALL {
            assert_eq!(Step::parse(step.code()), Some(step));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(crate::domain::nik::mask("1403011201900001"), "1403********0001");
        assert_eq!(crate::domain::nik::mask("123"), "****************");
        assert!(Step::Return.tells_applicant_why() && !Step::Approve.tells_applicant_why());
        let afis: Vec<Step> = Step::ALL.into_iter().filter(|s| s.is_afis_result()).collect();
        assert_eq!(afis, vec![Step::AfisSingle, Step::AfisDuplicate]);
        assert!(afis
            .iter()
            .all(|s| s.edge().0 == Status::Identifying && s.allowed_to(Role::Supervisor)));
        assert!(waiting_for_blank_cards(Status::Personalizing, 0));
        assert!(!waiting_for_blank_cards(Status::Personalizing, 3));
    }
}
