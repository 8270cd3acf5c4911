//! The office's process after submission, as one state machine: which step staff may take from which state, in
//! which role, with which data. The staff console moves it; the citizen's pages explain it. Every step either
//! gives the next state or a [`ProcessError`] that says why not; the server applies the answer and appends the
//! event in one transaction, so an illegal step is never half-applied.
//!
//! The states and the steps between them (the README's state table says the same):
//!
//! ```text
//! submitted ──approve──▶ approved ──record──▶ recorded ──send_to_afis──▶ identifying
//!     │ return ▶ returned (the applicant corrects and submits again)
//!     │ reject ▶ rejected (final)
//! identifying ──afis_single──▶ personalizing          identifying ──afis_duplicate──▶ clarification
//! clarification ──clarification_resolved──▶ personalizing
//! clarification ──clarification_retry──▶ identifying
//! clarification ──clarification_reject──▶ rejected (final)
//! personalizing ──card_ready──▶ ready                 (handed over at the Dinas: foreign residents, and
//!                                                      citizens whose service point is the Dinas)
//! personalizing ──distribute──▶ distributing ──card_arrived──▶ ready
//!                                                     (a citizen at a district point: the card travels there)
//! ready ──handover_match──▶ issued (final)
//! ready ──handover_mismatch──▶ clarification          (the card is withheld and returned to Kemendagri for
//!                                                      destruction, under the reference of its return)
//! ```
//!
//! Which of `card_ready` and `distribute` applies is a fact of the application ([`Facts::distributes`], from
//! [`distributes`]), not a choice: the other one is refused.

use super::application::{Kind, Status};
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
    /// The card was personalized on a blank at the Dinas, where it is handed over (foreign residents, and
    /// citizens whose service point is the Dinas). Takes a blank card. Refused where [`Facts::distributes`].
    CardReady,
    /// The card was personalized on a blank and sent to the citizen's service point (UPTD, seed step 11). Takes a
    /// blank card. Refused unless [`Facts::distributes`].
    Distribute,
    /// The distributed card arrived at the service point and waits for the applicant; taken by that point's
    /// operator (or a supervisor).
    CardArrived,
    /// The 1:1 fingerprint check at handover matched: the card was handed over. Final.
    HandoverMatch,
    /// The 1:1 check failed: the card is withheld and returned to Kemendagri for destruction. The return is
    /// recorded under its reference (the *berita acara* or shipment number); the blank card is not given back to
    /// the stock; the applicant comes for clarification.
    HandoverMismatch,
}

impl Step {
    pub const ALL: [Step; 15] = [
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
        Step::Distribute,
        Step::CardArrived,
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
            Step::Distribute => "distribute",
            Step::CardArrived => "card_arrived",
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
            Step::Distribute => (Personalizing, Distributing),
            Step::CardArrived => (Distributing, Ready),
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
                    | Step::CardArrived
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
            Step::HandoverMatch => Needs::Confirmation,
            Step::HandoverMismatch => Needs::ReturnReference,
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

    /// Whether the step suits where the card is handed over: `card_ready` only for a card handed over at the
    /// Dinas, `distribute` only for one sent to a district point; every other step suits both.
    pub fn suits(self, distributes: bool) -> bool {
        match self {
            Step::CardReady => !distributes,
            Step::Distribute => distributes,
            _ => true,
        }
    }

    /// The steps that can be taken from `status` by `role`, in the order the console offers them, for an
    /// application whose card is sent to a district point (`distributes`) or handed over at the Dinas.
    pub fn available(status: Status, role: Role, distributes: bool) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| s.edge().0 == status && s.allowed_to(role) && s.suits(distributes))
            .collect()
    }
}

/// The service point where cards are personalized, and where foreign residents' cards are handed over.
pub const DINAS_POINT: &str = "dinas";

/// Whether the card of an application of `kind` handled at service point `point` is sent from the Dinas to that
/// point after personalization: a citizen at a district point. A foreign resident's card, and a citizen's whose
/// point is the Dinas itself, is handed over where it was printed.
pub fn distributes(kind: Kind, point: &str) -> bool {
    kind == Kind::Citizen && point != DINAS_POINT
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
    /// A withheld card's return to Kemendagri: its reference (the *berita acara* or shipment number) and the
    /// ticked confirmation of the 1:1 check.
    ReturnReference,
}

/// The longest reason or note kept with a step.
pub const NOTE_MAX_CHARS: usize = 500;
/// The longest AFIS or card return reference.
pub const REFERENCE_MAX_CHARS: usize = 64;

/// What staff typed or ticked with a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub note: Option<String>,
    pub afis_reference: Option<String>,
    /// The reference under which a withheld card goes back to Kemendagri.
    #[serde(default)]
    pub return_reference: Option<String>,
    pub confirmed: bool,
}

/// What the server knows besides the application's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Blank cards in stock; personalizing a card takes one.
    pub blank_cards: i64,
    /// The card is sent from the Dinas to a district point after personalization ([`distributes`]): `distribute`
    /// applies, not `card_ready`.
    pub distributes: bool,
}

/// An accepted step: the state to move to and what the event keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: Status,
    pub to: Status,
    pub note: Option<String>,
    pub afis_reference: Option<String>,
    /// The reference of a withheld card's return to Kemendagri (`handover_mismatch` only).
    pub return_reference: Option<String>,
    /// The step takes a blank card from the stock.
    pub takes_blank_card: bool,
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
    #[error("the card goes to a district point: it is distributed, not marked ready at the Dinas")]
    CardGoesToPoint,
    #[error("the card is handed over at the Dinas: it is marked ready, not distributed")]
    CardStaysAtDinas,
    #[error("the reference of the card's return to Kemendagri is needed")]
    ReturnReferenceMissing,
    #[error("the reference is too long")]
    ReferenceTooLong,
}

impl ProcessError {
    pub const ALL: [ProcessError; 11] = [
        ProcessError::WrongState,
        ProcessError::WrongRole,
        ProcessError::ReasonMissing,
        ProcessError::ReasonTooLong,
        ProcessError::AfisReferenceMissing,
        ProcessError::NotConfirmed,
        ProcessError::NoBlankCards,
        ProcessError::CardGoesToPoint,
        ProcessError::CardStaysAtDinas,
        ProcessError::ReturnReferenceMissing,
        ProcessError::ReferenceTooLong,
    ];
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
    if !step.suits(facts.distributes) {
        return Err(if facts.distributes {
            ProcessError::CardGoesToPoint
        } else {
            ProcessError::CardStaysAtDinas
        });
    }
    let note = trimmed(&input.note);
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        return Err(ProcessError::ReasonTooLong);
    }
    let afis_reference = trimmed(&input.afis_reference);
    let return_reference = trimmed(&input.return_reference);
    let too_long = |r: &Option<String>| r.as_ref().is_some_and(|r| r.chars().count() > REFERENCE_MAX_CHARS);
    match step.needs() {
        Needs::Reason if note.is_none() => return Err(ProcessError::ReasonMissing),
        Needs::AfisReference if afis_reference.is_none() => return Err(ProcessError::AfisReferenceMissing),
        Needs::AfisReference if too_long(&afis_reference) => return Err(ProcessError::ReasonTooLong),
        Needs::Confirmation if !input.confirmed => return Err(ProcessError::NotConfirmed),
        Needs::ReturnReference if return_reference.is_none() => return Err(ProcessError::ReturnReferenceMissing),
        Needs::ReturnReference if too_long(&return_reference) => return Err(ProcessError::ReferenceTooLong),
        Needs::ReturnReference if !input.confirmed => return Err(ProcessError::NotConfirmed),
        _ => {}
    }
    let takes_blank_card = matches!(step, Step::CardReady | Step::Distribute);
    if takes_blank_card && facts.blank_cards <= 0 {
        return Err(ProcessError::NoBlankCards);
    }
    Ok(Move {
        from,
        to,
        note,
        afis_reference: afis_reference.filter(|_| step.needs() == Needs::AfisReference),
        return_reference: return_reference.filter(|_| step.needs() == Needs::ReturnReference),
        takes_blank_card,
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
            return_reference: Some("BA-PENGEMBALIAN/2026/0007".into()),
            confirmed: true,
        }
    }

    const STOCK: Facts = Facts {
        blank_cards: 10,
        distributes: false,
    };
    const DISTRICT: Facts = Facts {
        blank_cards: 10,
        distributes: true,
    };

    /// The console's offer, written out by hand: every state, every role, both places of handover.
    fn table(status: Status, role: Role, distributes: bool) -> Vec<Step> {
        use Status::*;
        use Step::*;
        let office = match status {
            Submitted => vec![Approve, Return, Reject],
            Approved => vec![Record],
            Recorded => vec![SendToAfis],
            Identifying => vec![AfisSingle, AfisDuplicate],
            Clarification => vec![ClarificationResolved, ClarificationRetry, ClarificationReject],
            Personalizing if distributes => vec![Distribute],
            Personalizing => vec![CardReady],
            Distributing => vec![CardArrived],
            Ready => vec![HandoverMatch, HandoverMismatch],
            Draft | Returned | Rejected | Issued => vec![],
        };
        match role {
            Role::Admin => vec![],
            Role::Supervisor => office,
            Role::Operator => office
                .into_iter()
                .filter(|s| {
                    matches!(
                        s,
                        Approve | Return | Reject | Record | CardArrived | HandoverMatch | HandoverMismatch
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn every_state_role_step_and_place_of_handover_is_decided_by_the_table() {
        let mut allowed = 0;
        for distributes in [false, true] {
            let facts = Facts {
                blank_cards: 10,
                distributes,
            };
            for from in Status::ALL {
                for role in Role::ALL {
                    let offered = table(from, role, distributes);
                    assert_eq!(
                        Step::available(from, role, distributes),
                        offered,
                        "{from:?} {role:?} {distributes}"
                    );
                    for step in Step::ALL {
                        let result = decide(from, role, step, &full_input(), facts);
                        let (start, to) = step.edge();
                        match result {
                            Ok(m) => {
                                allowed += 1;
                                assert!(offered.contains(&step), "{from:?} {role:?} {step:?} {distributes}");
                                assert_eq!((m.from, m.to), (from, to));
                            }
                            Err(error) => {
                                assert!(!offered.contains(&step), "{from:?} {role:?} {step:?} {distributes}");
                                let expected = if !step.allowed_to(role) {
                                    ProcessError::WrongRole
                                } else if from != start {
                                    ProcessError::WrongState
                                } else if step == Step::CardReady {
                                    ProcessError::CardGoesToPoint
                                } else {
                                    assert_eq!(step, Step::Distribute);
                                    ProcessError::CardStaysAtDinas
                                };
                                assert_eq!(error, expected, "{from:?} {role:?} {step:?} {distributes}");
                            }
                        }
                    }
                }
            }
        }
        // For each place of handover: 14 steps for a supervisor (card_ready or distribute, not both), 7 for an
        // operator (review, recording, the card's arrival at their point, handover), none for an admin.
        assert_eq!(allowed, 2 * (14 + 7));
    }

    #[test]
    fn final_and_citizen_states_have_no_staff_steps() {
        for status in [Status::Draft, Status::Returned, Status::Rejected, Status::Issued] {
            for role in Role::ALL {
                for distributes in [false, true] {
                    assert!(Step::available(status, role, distributes).is_empty(), "{status:?}");
                }
            }
        }
    }

    #[test]
    fn an_operator_reviews_records_receives_and_hands_over_but_prints_nothing() {
        let op = Role::Operator;
        assert_eq!(Step::available(Status::Personalizing, op, true), vec![]);
        assert_eq!(Step::available(Status::Distributing, op, true), vec![Step::CardArrived]);
        assert_eq!(
            decide(Status::Personalizing, op, Step::Distribute, &full_input(), DISTRICT),
            Err(ProcessError::WrongRole)
        );
        let arrived = decide(
            Status::Distributing,
            op,
            Step::CardArrived,
            &StepInput::default(),
            DISTRICT,
        )
        .unwrap();
        assert_eq!(arrived.to, Status::Ready);
        assert!(!arrived.takes_blank_card, "the card was printed before it travelled");
    }

    #[test]
    fn where_the_card_is_handed_over_decides_between_ready_and_distribution() {
        assert!(distributes(Kind::Citizen, "14.03.01"));
        assert!(!distributes(Kind::Citizen, DINAS_POINT));
        assert!(!distributes(Kind::Foreigner, DINAS_POINT));
        assert!(
            !distributes(Kind::Foreigner, "14.03.01"),
            "a foreign resident's card never travels"
        );
        let sup = Role::Supervisor;
        let input = StepInput::default();
        assert_eq!(
            decide(Status::Personalizing, sup, Step::CardReady, &input, DISTRICT),
            Err(ProcessError::CardGoesToPoint)
        );
        assert_eq!(
            decide(Status::Personalizing, sup, Step::Distribute, &input, STOCK),
            Err(ProcessError::CardStaysAtDinas)
        );
        for (step, facts) in [(Step::CardReady, STOCK), (Step::Distribute, DISTRICT)] {
            let m = decide(Status::Personalizing, sup, step, &input, facts).unwrap();
            assert!(m.takes_blank_card, "{step:?}");
            let empty = Facts {
                blank_cards: 0,
                ..facts
            };
            assert_eq!(
                decide(Status::Personalizing, sup, step, &input, empty),
                Err(ProcessError::NoBlankCards)
            );
        }
        // The wrong step is refused as such even when there are no blank cards: the remedy is the other step.
        let empty = Facts {
            blank_cards: 0,
            distributes: true,
        };
        assert_eq!(
            decide(Status::Personalizing, sup, Step::CardReady, &input, empty),
            Err(ProcessError::CardGoesToPoint)
        );
        // Once the card travels, its arrival does not depend on where the application is handled now.
        assert!(decide(Status::Distributing, sup, Step::CardArrived, &input, STOCK).is_ok());
    }

    #[test]
    fn a_mismatch_needs_the_return_reference_and_the_tick() {
        let op = Role::Operator;
        let with = |reference: Option<&str>, confirmed: bool| StepInput {
            return_reference: reference.map(str::to_owned),
            confirmed,
            ..StepInput::default()
        };
        let mismatch = |input: &StepInput| decide(Status::Ready, op, Step::HandoverMismatch, input, DISTRICT);
        assert_eq!(mismatch(&with(None, true)), Err(ProcessError::ReturnReferenceMissing));
        assert_eq!(
            mismatch(&with(Some("   "), true)),
            Err(ProcessError::ReturnReferenceMissing)
        );
        let long = "B".repeat(REFERENCE_MAX_CHARS + 1);
        assert_eq!(mismatch(&with(Some(&long), true)), Err(ProcessError::ReferenceTooLong));
        assert_eq!(mismatch(&with(Some("BA/07"), false)), Err(ProcessError::NotConfirmed));
        let longest = "é".repeat(REFERENCE_MAX_CHARS);
        assert!(
            mismatch(&with(Some(&longest), true)).is_ok(),
            "64 characters, not bytes"
        );
        let m = mismatch(&with(Some("  BA/2026/07  "), true)).unwrap();
        assert_eq!(m.to, Status::Clarification);
        assert_eq!(m.return_reference.as_deref(), Some("BA/2026/07"));
        assert!(!m.takes_blank_card);
        // A match needs no reference, and keeps none that was sent.
        let m = decide(Status::Ready, op, Step::HandoverMatch, &full_input(), DISTRICT).unwrap();
        assert_eq!((m.to, m.return_reference), (Status::Issued, None));
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
            decide(Status::Ready, op, Step::HandoverMatch, &empty, STOCK),
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
                Facts {
                    blank_cards: 0,
                    distributes: false
                }
            ),
            Err(ProcessError::NoBlankCards)
        );
        let approved = decide(Status::Submitted, op, Step::Approve, &empty, STOCK).unwrap();
        assert_eq!(approved.to, Status::Approved);
        assert_eq!(approved.note, None);
    }

    #[test]
    fn the_reason_is_kept_trimmed_and_the_references_only_where_they_belong() {
        let input = StepInput {
            note: Some("  Foto KK buram  ".into()),
            afis_reference: Some("X-1".into()),
            return_reference: Some("BA-1".into()),
            confirmed: false,
        };
        let m = decide(Status::Submitted, Role::Operator, Step::Return, &input, STOCK).unwrap();
        assert_eq!(m.note.as_deref(), Some("Foto KK buram"));
        assert_eq!((m.afis_reference, m.return_reference), (None, None));
        let m = decide(Status::Identifying, Role::Supervisor, Step::AfisSingle, &input, STOCK).unwrap();
        assert_eq!(m.afis_reference.as_deref(), Some("X-1"));
        assert_eq!(m.return_reference, None);
    }

    #[test]
    fn the_paths_reach_their_ends() {
        let sup = Role::Supervisor;
        let walk = |facts: Facts, steps: &[Step]| {
            steps.iter().fold(Status::Submitted, |status, step| {
                decide(status, sup, *step, &full_input(), facts)
                    .unwrap_or_else(|e| panic!("{status:?} {step:?}: {e:?}"))
                    .to
            })
        };
        use Step::*;
        let at_the_dinas = [Approve, Record, SendToAfis, AfisSingle, CardReady, HandoverMatch];
        assert_eq!(walk(STOCK, &at_the_dinas), Status::Issued);
        let at_a_district = [
            Approve,
            Record,
            SendToAfis,
            AfisSingle,
            Distribute,
            CardArrived,
            HandoverMatch,
        ];
        assert_eq!(walk(DISTRICT, &at_a_district), Status::Issued);
        assert_eq!(
            walk(
                STOCK,
                &[
                    Approve,
                    Record,
                    SendToAfis,
                    AfisDuplicate,
                    ClarificationResolved,
                    CardReady,
                    HandoverMatch
                ]
            ),
            Status::Issued
        );
        // A mismatch at handover sends the applicant to clarification; once settled, a new card is printed (on a
        // new blank) and travels again.
        assert_eq!(
            walk(
                DISTRICT,
                &[
                    Approve,
                    Record,
                    SendToAfis,
                    AfisSingle,
                    Distribute,
                    CardArrived,
                    HandoverMismatch,
                    ClarificationResolved,
                    Distribute,
                    CardArrived,
                    HandoverMatch
                ]
            ),
            Status::Issued
        );
        assert_eq!(
            walk(
                STOCK,
                &[Approve, Record, SendToAfis, AfisSingle, CardReady, HandoverMismatch]
            ),
            Status::Clarification
        );
    }

    #[test]
    fn every_refusal_is_listed_once() {
        // The match fails to build when a refusal is added without its place in `ALL` (and so its message).
        fn position(error: ProcessError) -> usize {
            match error {
                ProcessError::WrongState => 0,
                ProcessError::WrongRole => 1,
                ProcessError::ReasonMissing => 2,
                ProcessError::ReasonTooLong => 3,
                ProcessError::AfisReferenceMissing => 4,
                ProcessError::NotConfirmed => 5,
                ProcessError::NoBlankCards => 6,
                ProcessError::CardGoesToPoint => 7,
                ProcessError::CardStaysAtDinas => 8,
                ProcessError::ReturnReferenceMissing => 9,
                ProcessError::ReferenceTooLong => 10,
            }
        }
        for (i, error) in ProcessError::ALL.into_iter().enumerate() {
            assert_eq!(position(error), i, "{error:?}");
        }
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
        assert!(
            !Step::HandoverMismatch.tells_applicant_why(),
            "the return reference stays with staff"
        );
        let afis: Vec<Step> = Step::ALL.into_iter().filter(|s| s.is_afis_result()).collect();
        assert_eq!(afis, vec![Step::AfisSingle, Step::AfisDuplicate]);
        assert!(afis
            .iter()
            .all(|s| s.edge().0 == Status::Identifying && s.allowed_to(Role::Supervisor)));
        assert!(waiting_for_blank_cards(Status::Personalizing, 0));
        assert!(!waiting_for_blank_cards(Status::Personalizing, 3));
    }
}
