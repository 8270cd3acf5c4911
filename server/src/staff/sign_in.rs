//! Signing in (username, password and a TOTP code, every time), signing out, and enrolment through the one-time
//! link an admin (or `server create-admin`) hands out: choose a password, scan the TOTP secret, prove it with a
//! first code.

use super::{
    layout::{document, problems, respond, Frame},
    locale_of, password, texts, totp, Signed, StaffState, HOME, SIGN_IN,
};
use crate::http::client::Client;
use crate::{
    auth::{codes, now},
    db::staff,
    security_log::{self, Event},
};
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

/// Runs `work` (an argon2 hash or verification) on a blocking thread, so that it does not hold up other requests,
/// and at most as many at once as there are cores: each takes 19 MiB, and a burst of sign-ins queues here instead
/// of taking the memory of hundreds. `None` if the work panicked.
async fn argon2<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots =
        SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    let _slot = slots.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}

/// Why a sign-in was refused, for the security log (the person is told the same thing every time).
#[derive(Clone, Copy)]
enum Refusal {
    Locked,
    Ceiling,
    Unknown,
    Password,
    Code,
}

impl Refusal {
    fn reason(self) -> &'static str {
        match self {
            Refusal::Locked => "locked",
            Refusal::Ceiling => "username ceiling",
            Refusal::Unknown => "unknown or inactive username",
            Refusal::Password => "wrong password",
            Refusal::Code => "wrong or reused code",
        }
    }
}

/// The username for the security log: as typed, at most 64 characters.
fn log_subject(typed: &str) -> String {
    typed.chars().take(64).collect()
}

/// Signs in. The attempt is counted (per username and client, in one atomic statement) before the password is
/// checked, so a burst of guesses gets at most [`staff::MAX_FAILED_SIGN_INS`] checks; a locked client is refused
/// without extending its lock. Unknown, locked and real usernames all cost one argon2 verification (the decoy hash
/// where there is nothing to check), so the answer's timing does not tell them apart.
pub async fn submit(
    State(state): State<StaffState>,
    Client(client): Client,
    headers: HeaderMap,
    Form(input): Form<SignInForm>,
) -> Response {
    let t = texts::texts(locale_of(&headers));
    let now = now();
    let tag = codes::client_tag(&state.client_tag_key, &client);
    let subject = log_subject(&input.username);
    let admission = match staff::admit_sign_in(&state.db, &input.username, &tag, now).await {
        Ok(admission) => admission,
        Err(error) => return super::failed(error),
    };
    // Read whatever the admission, so that a locked username does the same work as any other.
    let credentials = match staff::credentials(&state.db, &state.seeds, &input.username).await {
        Ok(found) => found,
        Err(error) => return super::failed(error),
    };
    let checked = match admission {
        staff::Admission::Check { .. } => credentials.as_ref(),
        staff::Admission::Locked | staff::Admission::Ceiling { .. } => None,
    };
    let password = input.password.clone();
    let stored = checked.map(|c| c.password_hash.clone());
    let password_ok = argon2(move || {
        let stored = stored.as_deref().unwrap_or_else(|| password::decoy());
        password::verify(&password, stored)
    })
    .await
    .unwrap_or(false);
    // Every refusal looks the same to the person; the log says why.
    let refuse = |why: Refusal| {
        let (state, headers, tag, client, subject) = (&state, &headers, &tag, &client, &subject);
        let typed = input.username.as_str();
        async move {
            security_log::record(Event::StaffSignInFailed, client, Some(subject), why.reason());
            let attempt = match admission {
                staff::Admission::Check { attempt } | staff::Admission::Ceiling { attempt, .. } => Some(attempt),
                staff::Admission::Locked => None,
            };
            if let Some(attempt) = attempt {
                match staff::sign_in_failed(&state.db, typed, tag, attempt, now).await {
                    Ok(true) => security_log::record(Event::StaffLockout, client, Some(subject), "client locked"),
                    Ok(false) => {}
                    Err(error) => return super::failed(error),
                }
            }
            respond(
                StatusCode::UNAUTHORIZED,
                sign_in_page(state, headers, typed, Some(t.sign_in_failed), Some(t.sign_in_lock_hint)),
            )
        }
    };
    match admission {
        staff::Admission::Locked => return refuse(Refusal::Locked).await,
        staff::Admission::Ceiling { first, .. } => {
            if first {
                security_log::record(Event::StaffLockout, &client, Some(&subject), "username ceiling");
            }
            return refuse(Refusal::Ceiling).await;
        }
        staff::Admission::Check { .. } => {}
    }
    let Some(credentials) = credentials else {
        return refuse(Refusal::Unknown).await;
    };
    if !password_ok {
        return refuse(Refusal::Password).await;
    }
    let Some(step) = totp::matching_step(&credentials.totp_secret, &input.code, now)
        .filter(|step| credentials.last_totp_step.is_none_or(|last| *step > last))
    else {
        return refuse(Refusal::Code).await;
    };
    match staff::use_totp_step(&state.db, &credentials.member.id, step).await {
        Ok(true) => {}
        Ok(false) => return refuse(Refusal::Code).await,
        Err(error) => return super::failed(error),
    }
    if let Err(error) = staff::sign_in_succeeded(&state.db, &input.username, &tag, now).await {
        return super::failed(error);
    }
    let token = match state.tokens.start(&state.db, &credentials.member.id, now).await {
        Ok(token) => token,
        Err(error) => return super::failed(error),
    };
    security_log::record(Event::SignedIn, &client, Some(&subject), "staff");
    let mut response = Redirect::to(HOME).into_response();
    if let Some(cookie) = state.session_cookie(&token, state.tokens.ttl_secs) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn sign_out(State(state): State<StaffState>, signed: Signed) -> Response {
    if let Err(error) = state.tokens.revoke(&state.db, &signed.jti, now()).await {
        return super::failed(error);
    }
    let mut response = Redirect::to(SIGN_IN).into_response();
    if let Some(cookie) = state.session_cookie("", 0) {
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
    let Some(hash) = argon2(move || password::hash(&password)).await else {
        return super::failed("could not hash a password");
    };
    let sealed = totp::seal_secret(&state.seeds, &member.id, &secret);
    match staff::complete_enrolment(&state.db, &token, &hash, &sealed, step, now).await {
        Ok(true) => respond(
            StatusCode::OK,
            sign_in_page(&state, &headers, &member.username, None, Some(t.enrol_done)),
        ),
        Ok(false) => expired(&state, &headers),
        Err(error) => super::failed(error),
    }
}
