//! Signing in (username, password and a TOTP code, every time), signing out, and enrolment through the one-time
//! link an admin (or `server create-admin`) hands out: choose a password, scan the TOTP secret, prove it with a
//! first code.

use super::{
    layout::{document, problems, respond, Frame},
    locale_of, password, texts, totp, Signed, StaffState, HOME, SIGN_IN,
};
use crate::{auth::now, db::staff};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

fn frame<'a>(state: &'a StaffState, headers: &HeaderMap, title: &'a str, here: &'a str) -> Frame<'a> {
    Frame {
        locale: locale_of(headers),
        stylesheet: &state.stylesheet,
        title,
        signed: None,
        here,
    }
}

fn sign_in_page(
    state: &StaffState,
    headers: &HeaderMap,
    username: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Markup {
    let t = texts::texts(locale_of(headers));
    document(
        frame(state, headers, t.sign_in, SIGN_IN),
        html! {
            div class="narrow" {
                (problems(t, &error.into_iter().collect::<Vec<_>>()))
                @if let Some(notice) = notice { p class="notice" { (notice) } }
                form method="post" action=(SIGN_IN) {
                    div class="field" {
                        label class="field__label" for="username" { (t.username) }
                        input class="input" id="username" name="username" type="text" autocomplete="username"
                            autocapitalize="none" spellcheck="false" required value=(username);
                    }
                    div class="field" {
                        label class="field__label" for="password" { (t.password) }
                        input class="input" id="password" name="password" type="password" autocomplete="current-password" required;
                    }
                    div class="field" {
                        label class="field__label" for="code" { (t.totp_code) }
                        p class="field__hint" id="code-hint" { (t.totp_hint) }
                        input class="input input--code" id="code" name="code" type="text" inputmode="numeric"
                            autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint";
                    }
                    button class="button" type="submit" { (t.sign_in) }
                }
            }
        },
    )
}

pub async fn form(State(state): State<StaffState>, headers: HeaderMap) -> Response {
    respond(StatusCode::OK, sign_in_page(&state, &headers, "", None, None))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn submit(State(state): State<StaffState>, headers: HeaderMap, Form(input): Form<SignInForm>) -> Response {
    let t = texts::texts(locale_of(&headers));
    let now = now();
    // Every refusal looks the same, and counts against the username: five in a row lock it for 15 minutes.
    let refuse = || async {
        if let Err(error) = staff::sign_in_failed(&state.db, &input.username, now).await {
            return super::failed(error);
        }
        respond(
            StatusCode::UNAUTHORIZED,
            sign_in_page(&state, &headers, &input.username, Some(t.sign_in_failed), None),
        )
    };
    let credentials = match staff::locked(&state.db, &input.username, now).await {
        Ok(true) => return refuse().await,
        Ok(false) => match staff::credentials(&state.db, &input.username).await {
            Ok(found) => found,
            Err(error) => return super::failed(error),
        },
        Err(error) => return super::failed(error),
    };
    // argon2 runs on a blocking thread: a sign-in must not hold up other requests.
    let password = input.password.clone();
    let stored = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| password::decoy().to_owned());
    let password_ok = tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .unwrap_or(false);
    let Some(credentials) = credentials.filter(|_| password_ok) else {
        return refuse().await;
    };
    let Some(step) = totp::matching_step(&credentials.totp_secret, &input.code, now)
        .filter(|step| credentials.last_totp_step.is_none_or(|last| *step > last))
    else {
        return refuse().await;
    };
    match staff::use_totp_step(&state.db, &credentials.member.id, step).await {
        Ok(true) => {}
        Ok(false) => return refuse().await,
        Err(error) => return super::failed(error),
    }
    let token = match state.tokens.start(&state.db, &credentials.member.id, now).await {
        Ok(token) => token,
        Err(error) => return super::failed(error),
    };
    tracing::info!(staff = %credentials.member.id, "staff signed in");
    let mut response = Redirect::to(HOME).into_response();
    if let Ok(cookie) = state.session_cookie(&token, state.tokens.ttl_secs).parse() {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn sign_out(State(state): State<StaffState>, signed: Signed) -> Response {
    if let Err(error) = state.tokens.revoke(&state.db, &signed.jti, now()).await {
        return super::failed(error);
    }
    let mut response = Redirect::to(SIGN_IN).into_response();
    if let Ok(cookie) = state.session_cookie("", 0).parse() {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A QR code as inline SVG: one path of dark modules, crisp at any size, no image request.
pub fn qr_svg(data: &str, label: &str) -> Markup {
    let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
        return html! {};
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    html! {
        svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (size) " " (size) } width="240" height="240"
            role="img" aria-label=(label) {
            rect width="100%" height="100%" fill="#ffffff" {}
            path d=(PreEscaped(path)) fill="#000000" {}
        }
    }
}

fn enrol_page(
    state: &StaffState,
    headers: &HeaderMap,
    token: &str,
    member: &staff::StaffMember,
    secret: &str,
    error: Option<&str>,
) -> Markup {
    let t = texts::texts(locale_of(headers));
    let here = format!("/petugas/daftar/{token}");
    let uri = totp::otpauth_uri(secret, &member.username);
    document(
        frame(state, headers, t.enrol_title, &here),
        html! {
            div class="narrow" {
                (problems(t, &error.into_iter().collect::<Vec<_>>()))
                p { (t.enrol_intro) }
                p { (t.username) ": " strong { (member.username) } }
                (qr_svg(&uri, t.enrol_title))
                p { (t.enrol_secret) ": " code class="reference" data-secret=(secret) { (secret) } }
                form method="post" action=(here) {
                    input type="hidden" name="secret" value=(secret);
                    div class="field" {
                        label class="field__label" for="password" { (t.password) }
                        p class="field__hint" id="password-hint" { (t.enrol_password_hint) }
                        input class="input" id="password" name="password" type="password" autocomplete="new-password"
                            minlength="12" required aria-describedby="password-hint";
                    }
                    div class="field" {
                        label class="field__label" for="code" { (t.totp_code) }
                        input class="input input--code" id="code" name="code" type="text" inputmode="numeric"
                            autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required;
                    }
                    button class="button" type="submit" { (t.enrol_button) }
                }
            }
        },
    )
}

fn expired(state: &StaffState, headers: &HeaderMap) -> Response {
    let t = texts::texts(locale_of(headers));
    respond(
        StatusCode::NOT_FOUND,
        document(
            frame(state, headers, t.enrol_title, SIGN_IN),
            html! { p class="notice" { (t.enrol_expired) } },
        ),
    )
}

pub async fn enrol_form(State(state): State<StaffState>, headers: HeaderMap, Path(token): Path<String>) -> Response {
    match staff::by_enrolment(&state.db, &token, now()).await {
        Ok(Some(member)) => respond(
            StatusCode::OK,
            enrol_page(&state, &headers, &token, &member, &totp::new_secret(), None),
        ),
        Ok(None) => expired(&state, &headers),
        Err(error) => super::failed(error),
    }
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    State(state): State<StaffState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(input): Form<EnrolForm>,
) -> Response {
    let t = texts::texts(locale_of(&headers));
    let now = now();
    let member = match staff::by_enrolment(&state.db, &token, now).await {
        Ok(Some(member)) => member,
        Ok(None) => return expired(&state, &headers),
        Err(error) => return super::failed(error),
    };
    // The secret comes back from the form the server rendered; a forged one only enrols its sender's own phone.
    let secret_ok = input.secret.len() == 32 && input.secret.bytes().all(|b| matches!(b, b'A'..=b'Z' | b'2'..=b'7'));
    let secret = if secret_ok {
        input.secret.clone()
    } else {
        totp::new_secret()
    };
    let again = |message: &str| {
        respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            enrol_page(&state, &headers, &token, &member, &secret, Some(message)),
        )
    };
    if input.password.chars().count() < password::MIN_LENGTH {
        return again(t.enrol_password_short);
    }
    let Some(step) = totp::matching_step(&secret, &input.code, now).filter(|_| secret_ok) else {
        return again(t.enrol_code_wrong);
    };
    let password = input.password.clone();
    let Ok(hash) = tokio::task::spawn_blocking(move || password::hash(&password)).await else {
        return super::failed("could not hash a password");
    };
    match staff::complete_enrolment(&state.db, &token, &hash, &secret, step, now).await {
        Ok(true) => respond(
            StatusCode::OK,
            sign_in_page(&state, &headers, &member.username, None, Some(t.enrol_done)),
        ),
        Ok(false) => expired(&state, &headers),
        Err(error) => super::failed(error),
    }
}
