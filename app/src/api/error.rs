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
    /// One account asked for more than it may: refused, whatever else the request said.
    Limit(Limit),
}

/// The caps on what one account may do, so that one person (or one stolen session) cannot fill the office's
/// queue or storage. Each has its number in the domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    /// [`crate::domain::application::MAX_OPEN_DRAFTS`] applications not yet submitted.
    OpenDrafts,
    /// [`crate::domain::complaint::MAX_PER_DAY`] complaints filed today.
    ComplaintsToday,
    /// [`crate::domain::application::MAX_UPLOADS_PER_HOUR`] scans sent in the last hour.
    UploadsThisHour,
}

impl Limit {
    /// The number the message names.
    pub fn max(self) -> i64 {
        match self {
            Limit::OpenDrafts => crate::domain::application::MAX_OPEN_DRAFTS,
            Limit::ComplaintsToday => crate::domain::complaint::MAX_PER_DAY,
            Limit::UploadsThisHour => crate::domain::application::MAX_UPLOADS_PER_HOUR,
        }
    }
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
    /// A PDF with content that acts by itself: scripts, actions run on opening, attachments, multimedia, XFA forms.
    PdfActive,
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
    /// The request itself could not be read (a body that is not the form's fields): 400, never a server error.
    #[error("the request could not be read")]
    BadRequest,
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
            AppError::Unauthorized | AppError::Unavailable | AppError::NotFound | AppError::BadRequest => {
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

    /// On the server, arguments that cannot be read from the request (an empty or malformed body, invalid UTF-8,
    /// repeated or missing fields) are the client's mistake: 400 (413 for a body over the limit), never a 5xx. The
    /// parser's message is not kept: it may quote what was sent.
    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        if crate::api::form::ssr::unreadable_request(&error) {
            return AppError::BadRequest;
        }
        #[cfg(not(feature = "ssr"))]
        let _ = error;
        AppError::Unavailable
    }
}

/// The refusals the upload route may answer, in the order a scan's form is given their words
/// (`api::words::island_words`), and last what is said for anything else.
pub const UPLOAD_REFUSALS: [Problem; 13] = [
    Problem::Upload(Refusal::Missing),
    Problem::Upload(Refusal::TooLarge),
    Problem::Upload(Refusal::Incomplete),
    Problem::Upload(Refusal::Type),
    Problem::Upload(Refusal::Pixels),
    Problem::Upload(Refusal::Unreadable),
    Problem::Upload(Refusal::PdfEncrypted),
    Problem::Upload(Refusal::PdfUnreadable),
    Problem::Upload(Refusal::PdfActive),
    Problem::Limit(Limit::UploadsThisHour),
    Problem::Limit(Limit::OpenDrafts),
    Problem::NotEditable,
    Problem::Unavailable,
];
