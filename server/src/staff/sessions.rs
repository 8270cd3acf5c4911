//! "Sign out on every device" for staff: a plain form post in the console's header that ends every session of
//! the staff member (a phone left signed in, a shared counter computer), this one included, then says so.

use super::{
    layout::{document, respond, Frame},
    locale_of, texts, Signed, StaffState, SIGN_IN,
};
use crate::http::client::Client;
use crate::{
    auth::now,
    security_log::{self, Event},
};
use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;

/// The form's target, and the page that confirms it.
pub const PATH: &str = "/petugas/keluar-semua";

/// Ends every session of the signed-in staff member and sends the browser to the confirmation.
pub async fn sign_out_everywhere(State(state): State<StaffState>, Client(client): Client, signed: Signed) -> Response {
    if let Err(error) = state.tokens.revoke_all(&state.db, &signed.member.id, now()).await {
        return super::failed(error);
    }
    security_log::record(
        Event::SessionsRevoked,
        &client,
        Some(&signed.member.id),
        "signed out everywhere",
    );
    let mut response = Redirect::to(PATH).into_response();
    if let Some(cookie) = state.session_cookie("", 0) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The confirmation: every session has ended, this one too, so it needs no session.
pub async fn done(State(state): State<StaffState>, headers: HeaderMap) -> Response {
    let t = texts::texts(locale_of(&headers));
    let frame = Frame {
        locale: locale_of(&headers),
        stylesheet: &state.stylesheet,
        title: t.signed_out_everywhere_title,
        signed: None,
        here: PATH,
    };
    respond(
        StatusCode::OK,
        document(
            frame,
            html! {
                p class="notice" role="status" { (t.signed_out_everywhere) }
                p { a class="button" href=(SIGN_IN) { (t.sign_in_again) } }
            },
        ),
    )
}
