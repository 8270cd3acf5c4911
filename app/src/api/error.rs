//! The one error type of the server functions. It carries what went wrong as data (a field and a [`Problem`]),
//! never a message: each page translates it into the user's language. It never carries what the user typed,
//! so it can travel in a URL or a log without leaking anything.

use leptos::server_fn::{codec::JsonEncoding, error::FromServerFnError, error::ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Something wrong with what the user entered, or with the request as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    IdentifierMissing,
    IdentifierEmail,
    IdentifierPhone,
    CodeMissing,
    CodeWrong {
        tries_left: i64,
    },
    CodeExpired,
    CodeTooManyTries,
    TooManyRequests,
    /// The server failed; the details are in its log.
    Unavailable,
    /// Something wrong with an answer on the application form.
    Answer(crate::domain::application::Issue),
    /// An uploaded scan that was refused, and why.
    Upload(Refusal),
    /// The application was submitted and cannot be changed now.
    NotEditable,
    /// A booking, move or cancellation that was refused, and why.
    Booking(crate::domain::booking::BookingIssue),
    /// A complaint that was refused, and why.
    Complaint(crate::domain::complaint::ComplaintIssue),
}

/// Why an uploaded scan was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// No file was chosen.
    Missing,
    /// Over the size limit (10 MB).
    TooLarge,
    /// The upload broke off before the whole file arrived.
    Incomplete,
    /// Not a JPEG, PNG, WebP or PDF, whatever its name says.
    Type,
    /// An image too large in pixels to be a scan.
    Pixels,
    /// An image that cannot be read.
    Unreadable,
    /// A PDF protected by a password.
    PdfEncrypted,
    /// A PDF that cannot be read.
    PdfUnreadable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The form field's `name`, or empty for the form as a whole.
    pub field: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("the form has problems")]
    Invalid(Vec<FieldProblem>),
    #[error("not signed in")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("the server could not answer")]
    Unavailable,
}

impl AppError {
    /// The problems the application form's checks found.
    pub fn answers(issues: Vec<crate::domain::application::FieldIssue>) -> AppError {
        AppError::Invalid(
            issues
                .into_iter()
                .map(|(field, issue)| FieldProblem {
                    field: field.to_owned(),
                    problem: Problem::Answer(issue),
                })
                .collect(),
        )
    }

    pub fn field(field: &str, problem: Problem) -> AppError {
        AppError::Invalid(vec![FieldProblem {
            field: field.to_owned(),
            problem,
        }])
    }

    /// The problems to show on a form.
    pub fn problems(&self) -> Vec<FieldProblem> {
        match self {
            AppError::Invalid(problems) => problems.clone(),
            AppError::Unauthorized | AppError::Unavailable | AppError::NotFound => {
                vec![FieldProblem {
                    field: String::new(),
                    problem: Problem::Unavailable,
                }]
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(_: ServerFnErrorErr) -> Self {
        AppError::Unavailable
    }
}
