//! Signing in with a one-time code, and out.

use super::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that holds the session token.
pub const SESSION_COOKIE: &str = "session";
/// The cookie that holds the sign-in attempt between the two sign-in pages.
pub const ATTEMPT_COOKIE: &str = "signin";

pub const SIGN_IN_PAGE: &str = "/masuk";
pub const CODE_PAGE: &str = "/masuk/kode";
pub const ACCOUNT_PAGE: &str = "/akun";
/// Where "sign out on every device" ends: the account page, which says it is done (no session any more).
pub const SIGNED_OUT_EVERYWHERE_PAGE: &str = "/akun?keluar=semua";

/// What the pages may know of the signed-in account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Masked: `bu***@example.com`.
    pub identifier: String,
}

#[server(endpoint = "masuk")]
pub async fn request_code(identifier: String) -> Result<(), AppError> {
    use super::{error::Problem, form::ssr::*, ports::SignIn};
    use crate::{
        domain::identifier::{Identifier, IdentifierError},
        i18n::initial_locale,
    };

    let values = [("identifier", identifier.as_str())];
    let parsed = match Identifier::parse(&identifier) {
        Ok(parsed) => parsed,
        Err(e) => {
            let problem = match e {
                IdentifierError::Empty => Problem::IdentifierMissing,
                IdentifierError::Email => Problem::IdentifierEmail,
                IdentifierError::Phone => Problem::IdentifierPhone,
            };
            return fail("sign_in", SIGN_IN_PAGE, &values, AppError::field("identifier", problem));
        }
    };
    let port = expect_context::<SignIn>();
    match port.request_code(&parsed, &client_address(), initial_locale()).await {
        Ok(attempt) => {
            set_cookie(ATTEMPT_COOKIE, &attempt, 600, "Lax");
            leptos_axum::redirect(CODE_PAGE);
            Ok(())
        }
        Err(error) => fail("sign_in", SIGN_IN_PAGE, &values, error),
    }
}

#[server(endpoint = "masuk/kode")]
pub async fn verify_code(code: String) -> Result<(), AppError> {
    use super::{error::Problem, form::ssr::*, ports::SignIn};

    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return fail("code", CODE_PAGE, &[], AppError::field("code", Problem::CodeMissing));
    }
    let Some(attempt) = get_cookie(ATTEMPT_COOKIE) else {
        return fail("code", CODE_PAGE, &[], AppError::field("code", Problem::CodeExpired));
    };
    let locale = crate::i18n::initial_locale();
    match expect_context::<SignIn>().verify_code(&attempt, &code, locale).await {
        Ok((token, max_age)) => {
            set_cookie(SESSION_COOKIE, &token, max_age, "Lax");
            set_cookie(ATTEMPT_COOKIE, "", 0, "Lax");
            leptos_axum::redirect(ACCOUNT_PAGE);
            Ok(())
        }
        Err(error) => fail("code", CODE_PAGE, &[], error),
    }
}

/// The signed-in account, or `None`.
#[server(endpoint = "akun")]
pub async fn current_account() -> Result<Option<AccountSummary>, AppError> {
    use super::{form::ssr::get_cookie, ports::SignIn};
    match get_cookie(SESSION_COOKIE) {
        Some(token) => expect_context::<SignIn>().account(&token).await,
        None => Ok(None),
    }
}

#[server(endpoint = "keluar")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::{
        form::ssr::{get_cookie, set_cookie},
        ports::SignIn,
    };
    if let Some(token) = get_cookie(SESSION_COOKIE) {
        expect_context::<SignIn>().sign_out(&token).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0, "Lax");
    leptos_axum::redirect("/");
    Ok(())
}

/// Signs the account out on every device: every session of the account ends on the server, this one included.
/// Answers whether any did (with JavaScript the page then says so in place; without, the browser is sent to
/// [`SIGNED_OUT_EVERYWHERE_PAGE`]). Without a live session it ends nothing and sends to the sign-in page.
#[server(endpoint = "keluar-semua")]
pub async fn sign_out_everywhere() -> Result<bool, AppError> {
    use super::{
        form::ssr::{client_address, get_cookie, plain_form, set_cookie},
        ports::SignIn,
    };
    let ended = match get_cookie(SESSION_COOKIE) {
        Some(token) => {
            expect_context::<SignIn>()
                .sign_out_everywhere(&token, &client_address())
                .await?
        }
        None => false,
    };
    set_cookie(SESSION_COOKIE, "", 0, "Lax");
    if !ended {
        leptos_axum::redirect(SIGN_IN_PAGE);
    } else if plain_form() {
        leptos_axum::redirect(SIGNED_OUT_EVERYWHERE_PAGE);
    }
    Ok(ended)
}
