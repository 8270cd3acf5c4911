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
    #[error("the server could not answer")]
    Unavailable,
}

impl AppError {
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
            AppError::Unauthorized | AppError::Unavailable => {
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
