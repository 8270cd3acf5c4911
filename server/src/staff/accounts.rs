//! Staff accounts, for admins: create one (which shows its one-time enrolment link), change its role or point,
//! disable or enable it, issue a new enrolment link, or lift the sign-in locks on it. Changes count from the
//! account's next request; each one is a line in the security log, naming the admin who made it.

use super::{
    layout::{document, problems, respond},
    texts, Signed, StaffState,
};
use crate::http::client::Client;
use crate::{
    auth::now,
    db::staff::{self, StaffMember},
    security_log::{self, Event},
};
use app::domain::process::Role;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AccountsQuery {
    galat: Option<String>,
    /// After an unlock.
    dibuka: Option<String>,
}

async fn render(state: &StaffState, signed: &Signed, link: Option<String>, error: bool, unlocked: bool) -> Response {
    let t = signed.t();
    let members = match staff::list(&state.db).await {
        Ok(members) => members,
        Err(error) => return super::failed(error),
    };
    let locked = match staff::locked_usernames(&state.db, now()).await {
        Ok(locked) => locked,
        Err(error) => return super::failed(error),
    };
    let points = match state.points().await {
        Ok(points) => points,
        Err(error) => return super::failed(error),
    };
    let point_select = |id: &str, selected: Option<&str>| -> Markup {
        html! {
            select class="select" id=(id) name="point" {
                option value="" { "—" }
                @for p in &points { option value=(p.id) selected[selected == Some(p.id.as_str())] { (p.name) } }
            }
        }
    };
    let role_select = |id: &str, selected: Role| -> Markup {
        html! {
            select class="select" id=(id) name="role" {
                @for r in Role::ALL { option value=(r.code()) selected[r == selected] { (texts::role(t, r)) } }
            }
        }
    };
    let messages: Vec<&str> = if error { vec![t.account_error] } else { vec![] };
    let body = html! {
        (problems(t, &messages))
        @if unlocked { div class="notice" role="status" { p { (t.unlocked) } } }
        @if let Some(link) = &link {
            div class="notice" role="status" { p { (t.enrolment_link) } p { code class="enrolment-link" { (link) } } }
        }
        h2 { (t.create_account) }
        form method="post" action="/petugas/akun" {
            div class="field" {
                label class="field__label" for="username" { (t.username) }
                input class="input" id="username" name="username" type="text" autocomplete="off" autocapitalize="none" required;
            }
            div class="field" {
                label class="field__label" for="display_name" { (t.display_name) }
                input class="input" id="display_name" name="display_name" type="text" autocomplete="off" required;
            }
            div class="field" { label class="field__label" for="role" { (t.role) } (role_select("role", Role::Operator)) }
            div class="field" { label class="field__label" for="point" { (t.point_for_operator) } (point_select("point", None)) }
            button class="button" type="submit" { (t.create) }
        }
        h2 { (t.accounts) }
        @for member in &members {
            (account_row(t, member, locked.contains(&member.username), &role_select, &point_select))
        }
    };
    respond(
        if error {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        document(signed.frame(t.accounts, "/petugas/akun"), body),
    )
}

fn account_row(
    t: &texts::T,
    member: &StaffMember,
    locked: bool,
    role_select: &dyn Fn(&str, Role) -> Markup,
    point_select: &dyn Fn(&str, Option<&str>) -> Markup,
) -> Markup {
    let action = format!("/petugas/akun/{}", member.id);
    let state = if member.disabled {
        t.disabled
    } else if !member.enrolled {
        t.not_enrolled
    } else {
        t.active
    };
    html! {
        section class="account" {
            h3 { (member.display_name) " (" (member.username) ")" }
            p {
                (texts::role(t, member.role)) @if let Some(p) = &member.point_id { " · " (p) } " · " strong { (state) }
                @if locked { " · " strong { (t.sign_in_locked) } }
            }
            form method="post" action=(action) class="field-row" {
                input type="hidden" name="action" value="role";
                div class="field" { label class="field__label" for={ "role-" (member.id) } { (t.role) } (role_select(&format!("role-{}", member.id), member.role)) }
                div class="field" { label class="field__label" for={ "point-" (member.id) } { (t.point) } (point_select(&format!("point-{}", member.id), member.point_id.as_deref())) }
                div class="field" { button class="button button--secondary" type="submit" { (t.change_role) } }
            }
            div class="field-row" {
                form method="post" action=(action) {
                    input type="hidden" name="action" value=(if member.disabled { "enable" } else { "disable" });
                    button class="button button--secondary" type="submit" aria-label={ (if member.disabled { t.enable } else { t.disable }) ": " (member.username) } {
                        (if member.disabled { t.enable } else { t.disable })
                    }
                }
                form method="post" action=(action) {
                    input type="hidden" name="action" value="link";
                    button class="button button--secondary" type="submit" aria-label={ (t.new_link) ": " (member.username) } { (t.new_link) }
                }
                @if locked {
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="unlock";
                        button class="button button--secondary" type="submit" aria-label={ (t.unlock) ": " (member.username) } { (t.unlock) }
                    }
                }
            }
        }
    }
}

fn link(state: &StaffState, token: &str) -> String {
    format!("{}/petugas/daftar/{token}", state.public_base_url.trim_end_matches('/'))
}

pub async fn page(State(state): State<StaffState>, signed: Signed, Query(query): Query<AccountsQuery>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    render(&state, &signed, None, query.galat.is_some(), query.dibuka.is_some()).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    point: Option<String>,
}

pub async fn create(
    State(state): State<StaffState>,
    signed: Signed,
    Client(client): Client,
    Form(form): Form<CreateForm>,
) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let Some(role) = Role::parse(&form.role) else {
        return render(&state, &signed, None, true, false).await;
    };
    match staff::create(
        &state.db,
        &form.username,
        &form.display_name,
        role,
        form.point.as_deref(),
        now(),
    )
    .await
    {
        Ok((id, token)) => {
            let created = staff::by_id(&state.db, &id).await.ok().flatten();
            let (username, point) = created.map_or_else(
                || (form.username.trim().to_lowercase(), None),
                |m| (m.username, m.point_id),
            );
            security_log::record(
                Event::StaffAccountChanged,
                &client,
                Some(&signed.member.username),
                &format!("created {username} as {}{}", role.code(), at_point(point.as_deref())),
            );
            render(&state, &signed, Some(link(&state, &token)), false, false).await
        }
        Err(staff::StaffError::Db(error)) => super::failed(error),
        Err(_) => render(&state, &signed, None, true, false).await,
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    action: String,
    role: Option<String>,
    point: Option<String>,
}

fn at_point(point: Option<&str>) -> String {
    point.map(|p| format!(" at {p}")).unwrap_or_default()
}

pub async fn change(
    State(state): State<StaffState>,
    signed: Signed,
    Client(client): Client,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let now = now();
    let target = match staff::by_id(&state.db, &id).await {
        Ok(Some(target)) => target,
        Ok(None) => return Redirect::to("/petugas/akun?galat=1").into_response(),
        Err(error) => return super::failed(error),
    };
    let log = |event: Event, reason: String| {
        security_log::record(event, &client, Some(&signed.member.username), &reason);
    };
    let result = match form.action.as_str() {
        "disable" if id != signed.member.id => staff::set_disabled(&state.db, &id, true, now)
            .await
            .map(|_| log(Event::StaffAccountChanged, format!("disabled {}", target.username)))
            .map(|_| None),
        "enable" => staff::set_disabled(&state.db, &id, false, now)
            .await
            .map(|_| log(Event::StaffAccountChanged, format!("enabled {}", target.username)))
            .map(|_| None),
        "link" => staff::reset_enrolment(&state.db, &id, now).await.inspect(|_| {
            log(
                Event::StaffAccountChanged,
                format!("new enrolment link for {}", target.username),
            )
        }),
        "unlock" => {
            return match staff::unlock(&state.db, &target.username, now).await {
                Ok(_) => {
                    log(Event::StaffUnlock, format!("unlocked {}", target.username));
                    Redirect::to("/petugas/akun?dibuka=1").into_response()
                }
                Err(error) => super::failed(error),
            };
        }
        "role" => match form.role.as_deref().and_then(Role::parse) {
            Some(role) if id != signed.member.id || role == Role::Admin => {
                match staff::set_role(&state.db, &id, role, form.point.as_deref()).await {
                    Ok(_) => {
                        let point = form.point.as_deref().map(str::trim).filter(|p| !p.is_empty());
                        let point = if role == Role::Operator { point } else { None };
                        log(
                            Event::StaffAccountChanged,
                            format!("role of {}: {}{}", target.username, role.code(), at_point(point)),
                        );
                        Ok(None)
                    }
                    Err(staff::StaffError::Db(error)) => Err(error),
                    Err(_) => return Redirect::to("/petugas/akun?galat=1").into_response(),
                }
            }
            _ => return Redirect::to("/petugas/akun?galat=1").into_response(),
        },
        _ => return Redirect::to("/petugas/akun?galat=1").into_response(),
    };
    match result {
        Ok(Some(token)) => render(&state, &signed, Some(link(&state, &token)), false, false).await,
        Ok(None) => Redirect::to("/petugas/akun").into_response(),
        Err(error) => super::failed(error),
    }
}
