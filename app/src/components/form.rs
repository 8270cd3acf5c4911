//! Form pieces in the GOV.UK pattern: an error summary at the top linking to each field, and fields that show
//! their label, hint and error, and keep what the user typed.

use crate::{
    api::error::{FieldProblem, Problem, Refusal},
    domain::{
        application::{Issue, Section},
        booking::BookingIssue,
        nik::{NikError, NoKkError},
    },
    i18n::{use_i18n, Texts},
};
use leptos::{html, prelude::*};

/// A field's label as it reads inside a sentence: `Full name` becomes `full name`, `NIK` stays.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

/// A date written out in the user's language: `5 Agustus 2006`.
pub fn long_date(t: &Texts, year: i32, month: u8, day: u8) -> String {
    let name = t
        .common
        .months
        .get(usize::from(month.saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    format!("{day} {name} {year}")
}

/// A day written out with its weekday: `Senin, 23 November 2026`.
pub fn long_day(t: &Texts, day: crate::domain::Date) -> String {
    let weekday = t.booking.weekdays[usize::from(day.weekday())];
    format!("{weekday}, {}", long_date(t, day.year(), day.month(), day.day()))
}

/// The sentence for a problem with `field`, in the user's language.
pub fn problem_message(t: &Texts, field: &str, problem: Problem) -> String {
    let p = &t.problems;
    match problem {
        Problem::IdentifierMissing => p.identifier_missing.to_owned(),
        Problem::IdentifierEmail => p.identifier_email.to_owned(),
        Problem::IdentifierPhone => p.identifier_phone.to_owned(),
        Problem::CodeMissing => p.code_missing.to_owned(),
        Problem::CodeWrong { tries_left } => p.code_wrong.replace("{n}", &tries_left.to_string()),
        Problem::CodeExpired => p.code_expired.to_owned(),
        Problem::CodeTooManyTries => p.code_too_many_tries.to_owned(),
        Problem::TooManyRequests => p.too_many_requests.to_owned(),
        Problem::Unavailable => p.unavailable.to_owned(),
        Problem::NotEditable => p.not_editable.to_owned(),
        Problem::Answer(issue) => issue_message(t, field, issue),
        Problem::Booking(issue) => booking_issue_message(t, issue).to_owned(),
        Problem::Complaint(issue) => {
            use crate::domain::complaint::ComplaintIssue;
            let a = &t.application;
            match issue {
                ComplaintIssue::Missing => a.complaint_missing,
                ComplaintIssue::TooLong => a.complaint_too_long,
                ComplaintIssue::NotOpen => a.complaint_not_open,
                ComplaintIssue::NotSubmitted => a.complaint_not_submitted,
                ComplaintIssue::Invisible => p.complaint_invisible,
            }
            .to_owned()
        }
        Problem::Limit(limit) => {
            use crate::api::error::Limit;
            match limit {
                Limit::OpenDrafts => p.too_many_drafts,
                Limit::ComplaintsToday => p.too_many_complaints,
                Limit::UploadsThisHour => p.upload_too_many,
            }
            .replace("{n}", &limit.max().to_string())
        }
        Problem::Upload(refusal) => match refusal {
            Refusal::Missing => p.upload_missing,
            Refusal::TooLarge => p.upload_too_large,
            Refusal::Incomplete => p.upload_incomplete,
            Refusal::Type => p.upload_type,
            Refusal::Pixels => p.upload_pixels,
            Refusal::Unreadable => p.upload_unreadable,
            Refusal::PdfEncrypted => p.upload_pdf_encrypted,
            Refusal::PdfUnreadable => p.upload_pdf_unreadable,
            Refusal::PdfActive => p.upload_pdf_active,
        }
        .to_owned(),
    }
}

fn booking_issue_message(t: &Texts, issue: BookingIssue) -> &'static str {
    let b = &t.booking;
    match issue {
        BookingIssue::NotBookable => b.issue_not_bookable,
        BookingIssue::PointNotForForeigners => b.issue_point_not_for_foreigners,
        BookingIssue::UnknownPoint => b.issue_unknown_point,
        BookingIssue::NotWorkingDay => b.issue_not_working_day,
        BookingIssue::TooSoon => b.issue_too_soon,
        BookingIssue::TooFar => b.issue_too_far,
        BookingIssue::NoSuchTime => b.issue_no_such_time,
        BookingIssue::SlotFull => b.issue_slot_full,
        BookingIssue::AlreadyBooked => b.issue_already_booked,
        BookingIssue::TooLateToChange => b.issue_too_late,
        BookingIssue::NoActiveBooking => b.issue_no_active,
    }
}

fn issue_message(t: &Texts, field: &str, issue: Issue) -> String {
    let p = &t.problems;
    let label = in_sentence(t.fields.label(field));
    let with_field = |template: &str| {
        let mut sentence = template.replace("{field}", &label);
        if let Some(first) = sentence.chars().next() {
            sentence = first.to_uppercase().chain(sentence.chars().skip(1)).collect();
        }
        sentence
    };
    let choices = [
        "sex",
        "blood_type",
        "religion",
        "marital_status",
        "province",
        "regency",
        "district",
        "village_code",
        "nationality",
    ];
    match issue {
        Issue::Missing if choices.contains(&field) => with_field(p.choose_missing),
        Issue::Missing => with_field(p.missing),
        Issue::TooLong { max } => with_field(p.too_long).replace("{n}", &max.to_string()),
        Issue::Nik(e) => match e {
            NikError::Length => p.nik_length,
            NikError::NotDigits => p.nik_digits,
            NikError::UnknownProvince => p.nik_province,
            NikError::UnknownRegency => p.nik_regency,
            NikError::BirthDate => p.nik_birth_date,
            NikError::Serial => p.nik_serial,
        }
        .to_owned(),
        Issue::NikInProgress => p.nik_in_progress.to_owned(),
        Issue::NoKk(e) => match e {
            NoKkError::Length => p.kk_length,
            NoKkError::NotDigits => p.kk_digits,
            NoKkError::UnknownDistrict => p.kk_district,
            NoKkError::Date => p.kk_date,
        }
        .to_owned(),
        Issue::Name => with_field(p.name),
        Issue::NameAsWritten => with_field(p.name_as_written),
        Issue::Date => with_field(p.date),
        Issue::BirthDateConflictsWithNik { year, month, day } => {
            p.birth_date_conflict.replace("{date}", &long_date(t, year, month, day))
        }
        Issue::SexConflictsWithNik { female: true } => p.sex_conflict_female.to_owned(),
        Issue::SexConflictsWithNik { female: false } => p.sex_conflict_male.to_owned(),
        Issue::BornInTheFuture => p.born_in_the_future.to_owned(),
        Issue::TooYoung { year, month, day } => p.too_young.replace("{date}", &long_date(t, year, month, day)),
        Issue::Choice => with_field(p.choice),
        Issue::RtRw => with_field(p.rt_rw),
        Issue::PostalCode => p.postal_code.to_owned(),
        Issue::Village => with_field(p.village),
        Issue::Phone => p.phone.to_owned(),
        Issue::Email => p.email.to_owned(),
        Issue::ContactMissing => p.contact_missing.to_owned(),
        Issue::Nationality => p.nationality.to_owned(),
        Issue::IndonesianNationality => p.indonesian_nationality.to_owned(),
        Issue::Passport => p.passport.to_owned(),
        Issue::KitapNumber => p.kitap_number.to_owned(),
        Issue::KitapExpired => p.kitap_expired.to_owned(),
        Issue::DocumentMissing => with_field(p.document_missing),
        Issue::Invisible => with_field(p.invisible),
        Issue::SectionIncomplete => {
            let section = Section::ALL
                .iter()
                .position(|s| s.fields().contains(&field))
                .unwrap_or(0);
            p.section_incomplete.replace("{field}", t.application.sections[section])
        }
    }
}

/// The list of problems at the top of a form. With JavaScript it takes the focus when it appears, as a page
/// load would, so that screen readers announce it.
#[component]
pub fn ErrorSummary(problems: Signal<Vec<FieldProblem>>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !problems.get().is_empty() {
            if let Some(el) = summary.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || !problems.get().is_empty()>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                <h2 class="error-summary__title">{i18n.t().common.error_summary}</h2>
                <ul class="error-summary__list">
                    {move || {
                        problems
                            .get()
                            .into_iter()
                            .map(|p| {
                                let href = if p.field.is_empty() { "#main".to_owned() } else { format!("#{}", p.field) };
                                view! { <li><a href=href>{problem_message(i18n.t(), &p.field, p.problem)}</a></li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// A text input with its label, hint and error. `name` is also its `id`, so the error summary can link to it.
#[component]
pub fn TextField(
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(into)] value: String,
    problems: Signal<Vec<FieldProblem>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_error(name, problems);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <label class="field__label" for=name>{label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint(i18n.t())}</p> })}
            {move || {
                error()
                    .map(|message| {
                        view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                                {message}
                            </p>
                        }
                    })
            }}
            <input
                class=format!("input {}", class.unwrap_or_default())
                id=name
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck="false"
                aria-describedby=described_by
                aria-invalid=move || error().is_some().then_some("true")
            />
        </div>
    }
}

/// The error line of a field, if it has a problem.
pub fn field_error(name: &'static str, problems: Signal<Vec<FieldProblem>>) -> impl Fn() -> Option<String> + Copy {
    let i18n = use_i18n();
    move || {
        problems
            .get()
            .into_iter()
            .find(|p| p.field == name)
            .map(|p| problem_message(i18n.t(), &p.field, p.problem))
    }
}

/// A drop-down list. `options` are (value, label); an empty first choice asks the user to choose.
#[component]
pub fn SelectField(
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_error(name, problems);
    let hint_id = format!("{name}-hint");
    let described_by = {
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(format!("{name}-error"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <label class="field__label" for=name>{label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint(i18n.t())}</p> })}
            {move || error().map(|message| view! {
                <p class="field__error" id=format!("{name}-error")>
                    <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                    {message}
                </p>
            })}
            <select
                class="select"
                id=name
                name=name
                aria-describedby=described_by
                aria-invalid=move || error().is_some().then_some("true")
            >
                <option value="">{i18n.t().application.choose}</option>
                {move || {
                    let chosen = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = v == chosen;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// A set of radio buttons in a fieldset. `options` are (value, label).
#[component]
pub fn RadioField(
    name: &'static str,
    legend: fn(&Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: String,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_error(name, problems);
    let hint_id = format!("{name}-hint");
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <fieldset
                class="fieldset"
                id=name
                aria-describedby=hint.map(|_| hint_id.clone())
            >
                <legend class="field__label">{legend(i18n.t())}</legend>
                {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint(i18n.t())}</p> })}
                {move || error().map(|message| view! {
                    <p class="field__error">
                        <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                        {message}
                    </p>
                })}
                {move || {
                    options
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (v, l))| {
                            let id = format!("{name}-{i}");
                            let checked = v == value;
                            view! {
                                <div class="radio">
                                    <input class="radio__input" type="radio" id=id.clone() name=name value=v checked=checked/>
                                    <label class="radio__label" for=id>{l}</label>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
        </div>
    }
}

/// The problems a form shows: those its last background submission returned (JavaScript), otherwise those the
/// server left for it (no JavaScript).
pub fn form_problems(
    last_result: Signal<Option<Result<(), crate::api::error::AppError>>>,
    initial: Vec<FieldProblem>,
) -> Signal<Vec<FieldProblem>> {
    Signal::derive(move || match last_result.try_get().flatten() {
        Some(Err(error)) => error.problems(),
        Some(Ok(())) => Vec::new(),
        None => initial.clone(),
    })
}

/// A form page's title, with the error prefix while the form shows problems, so screen readers hear it first.
pub fn form_title(
    problems: Signal<Vec<FieldProblem>>,
    title: impl Fn(&Texts) -> &'static str + Send + Sync + 'static,
) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        // The title outlives the form by a moment when the page changes in place: it must not read a disposed signal.
        let prefix = if problems.try_get().unwrap_or_default().is_empty() {
            ""
        } else {
            i18n.t().common.error_title_prefix
        };
        format!("{prefix}{}", title(i18n.t()))
    }
}

/// How a text field of the application form looks: its label, hint and input attributes, by the field's name.
struct Look {
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    hint: Option<fn(&Texts) -> &'static str>,
    input_type: &'static str,
    autocomplete: Option<&'static str>,
    inputmode: Option<&'static str>,
    class: Option<&'static str>,
}

/// The text fields of the application form that check themselves as the person leaves them.
fn look(name: &str) -> Option<Look> {
    const fn hint(f: fn(&Texts) -> &'static str) -> Option<fn(&Texts) -> &'static str> {
        Some(f)
    }
    let plain = |name: &'static str, label: fn(&Texts) -> &'static str| Look {
        name,
        label,
        hint: None,
        input_type: "text",
        autocomplete: None,
        inputmode: None,
        class: None,
    };
    let numeric = |look: Look| Look {
        inputmode: Some("numeric"),
        ..look
    };
    let short = |look: Look| Look {
        class: Some("input--short"),
        ..numeric(look)
    };
    Some(match name {
        "nik" => Look {
            hint: hint(|t| t.fields.nik_hint),
            autocomplete: Some("off"),
            ..numeric(plain("nik", |t| t.fields.nik))
        },
        "no_kk" => Look {
            hint: hint(|t| t.fields.no_kk_hint),
            autocomplete: Some("off"),
            ..numeric(plain("no_kk", |t| t.fields.no_kk))
        },
        "full_name" => Look {
            hint: hint(|t| t.fields.full_name_hint),
            autocomplete: Some("name"),
            ..plain("full_name", |t| t.fields.full_name)
        },
        "birth_place" => plain("birth_place", |t| t.fields.birth_place),
        "birth_date" => Look {
            input_type: "date",
            autocomplete: Some("bday"),
            ..plain("birth_date", |t| t.fields.birth_date)
        },
        "occupation" => Look {
            hint: hint(|t| t.fields.occupation_hint),
            autocomplete: Some("organization-title"),
            ..plain("occupation", |t| t.fields.occupation)
        },
        "street" => Look {
            hint: hint(|t| t.fields.street_hint),
            autocomplete: Some("street-address"),
            ..plain("street", |t| t.fields.street)
        },
        "rt" => short(plain("rt", |t| t.fields.rt)),
        "rw" => short(plain("rw", |t| t.fields.rw)),
        "postal_code" => Look {
            autocomplete: Some("postal-code"),
            ..short(plain("postal_code", |t| t.fields.postal_code))
        },
        "phone" => Look {
            hint: hint(|t| t.fields.phone_hint),
            input_type: "tel",
            autocomplete: Some("tel"),
            ..plain("phone", |t| t.fields.phone)
        },
        "email" => Look {
            input_type: "email",
            autocomplete: Some("email"),
            ..plain("email", |t| t.fields.email)
        },
        "passport_no" => Look {
            autocomplete: Some("off"),
            ..plain("passport_no", |t| t.fields.passport_no)
        },
        "kitap_no" => Look {
            autocomplete: Some("off"),
            ..plain("kitap_no", |t| t.fields.kitap_no)
        },
        "kitap_expiry" => Look {
            hint: hint(|t| t.fields.kitap_expiry_hint),
            input_type: "date",
            ..plain("kitap_expiry", |t| t.fields.kitap_expiry)
        },
        _ => return None,
    })
}

/// The live check of a text field of the application form: an island, the one part of a section page's fields that
/// runs in the browser. As the person leaves the field, `check_typed_field` (the same check the server runs when the
/// form is sent) says at once what is wrong, shown as the server shows it. Without JavaScript, or before the
/// WebAssembly has arrived, the field is the plain input the form posts, and the server's answer shows the same
/// message. It renders nothing: the field is the server's ([`LiveField`]); `today` is the date the server checks
/// against; `prefix` what is read out before an error. The words of the errors come from `api::words` as it wakes.
#[island(lazy)]
pub fn LiveCheck(field: String, today: crate::domain::Date, prefix: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use crate::domain::application::{check_typed_field, TYPED_ISSUES};
        use std::{cell::RefCell, rc::Rc};
        // The field's words are asked for once, as the island wakes; until they arrive the check says nothing
        // (the server says it when the form is sent).
        let words = Rc::new(RefCell::new(Vec::<String>::new()));
        let url = crate::browser::fetch::with_query(
            <crate::api::words::IslandWords as leptos::server_fn::ServerFn>::url(),
            &[("field", &field)],
        );
        let filling = words.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(found) = crate::browser::fetch::get_json::<Vec<String>>(&url).await {
                *filling.borrow_mut() = found;
            }
        });
        let name = field.clone();
        crate::browser::live_check::watch(&field, prefix.leak(), move |value| {
            let issue = check_typed_field(&name, value, today)?.err()?;
            let i = TYPED_ISSUES.iter().position(|known| *known == issue)?;
            words.borrow().get(i).cloned()
        });
        crate::island_live();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (field, today, prefix);
}

/// A text field `name` of an application form section, checked as the person leaves it ([`LiveCheck`]), showing
/// what the server said about it.
#[component]
pub fn LiveField(
    name: &'static str,
    #[prop(into)] value: String,
    problems: Signal<Vec<FieldProblem>>,
    today: crate::domain::Date,
) -> impl IntoView {
    let i18n = use_i18n();
    look(name).map(|look| {
        view! {
            {TextField(TextFieldProps {
                name: look.name,
                label: look.label,
                hint: look.hint,
                value,
                problems,
                input_type: look.input_type,
                autocomplete: look.autocomplete,
                inputmode: look.inputmode,
                class: look.class,
            })}
            <LiveCheck field=name.to_owned() today prefix=i18n.t().common.error_title_prefix.to_owned()/>
        }
    })
}
