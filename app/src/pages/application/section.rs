//! `/permohonan/{id}/{section}`: one topic per page. Each page posts to the same server function, which checks
//! the section and saves it, then sends the applicant on to the next section not yet done.

use super::{documents::documents, section_name, ApplicationLoader};
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, list_areas, ApplicationView, Area, SaveSection},
        error::Problem,
        form::{use_form_state, FormState},
    },
    components::form::{form_problems, form_title, ErrorSummary, RadioField, SelectField, TextField},
    domain::{
        application::{check_field, kitap_status, nik_prefill, Section, BLOOD_TYPES, RELIGIONS},
        countries::COUNTRIES,
        eligibility::{KitapStatus, MaritalStatus},
        regions::{PROVINCES, REGENCIES},
        Date,
    },
    i18n::{use_i18n, Locale},
    pages::not_found::NotFound,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SectionPage() -> impl IntoView {
    view! { <ApplicationLoader view=section_view/> }
}

fn section_view(app: ApplicationView) -> AnyView {
    let params = use_params_map();
    let section = params.read_untracked().get("section").and_then(|s| Section::parse(&s));
    match section {
        Some(Section::Documents) if app.kind.sections().contains(&Section::Documents) => documents(app),
        Some(section) if app.kind.sections().contains(&section) => view! { <SectionForm app section/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The value a field starts with: what was just typed (after a mistake, without JavaScript), else what is saved.
fn initial(flash: &FormState, app: &ApplicationView, field: &str) -> String {
    flash.value(field).unwrap_or_else(|| app.answer(field))
}

/// The browser's half of "the same checks as the server": runs as the user leaves a field.
fn live(field: &'static str, today: Date) -> Callback<String, Option<Problem>> {
    Callback::new(move |value: String| check_field(field, &value, today).err().map(Problem::Answer))
}

#[component]
fn SectionForm(app: ApplicationView, section: Section) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state(format!("section-{}", section.slug()));
    let action = ServerAction::<SaveSection>::new();
    let problems = form_problems(action.value().into(), flash.problems.clone());
    let title = move || section_name(i18n.t(), section);
    let page_title = form_title(problems, move |t| section_name(t, section));
    let fields = match section {
        Section::Identity => identity(&app, &flash, problems).into_any(),
        Section::Birth => birth(&app, &flash, problems).into_any(),
        Section::Personal => personal(&app, &flash, problems).into_any(),
        Section::Address => view! { <AddressFields app=app.clone() flash=flash.clone() problems/> }.into_any(),
        Section::Contact => contact(&app, &flash, problems).into_any(),
        Section::StayPermit => stay_permit(&app, &flash, problems).into_any(),
        Section::Documents => ().into_any(),
    };
    let back = application_page(&app.id);
    let editable = app.status.editable();
    view! {
        <PageTitle text=page_title/>
        <div class="container narrow">
            <p><a class="back-link" href=back>{move || t().back_to_tasks}</a></p>
            <ErrorSummary problems/>
            <h1>{title}</h1>
            {(!editable).then(|| view! { <p class="notice">{move || t().not_editable}</p> })}
            <ActionForm action=action attr:novalidate="">
                <input type="hidden" name="application" value=app.id.clone()/>
                <input type="hidden" name="section" value=section.slug()/>
                {fields}
                <button class="button" type="submit" name="action" value="save">{move || t().save_continue}</button>
            </ActionForm>
        </div>
    }
}

fn identity(
    app: &ApplicationView,
    flash: &FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let today = app.today;
    view! {
        <TextField name="nik" label=|t| t.fields.nik hint=|t| t.fields.nik_hint value=initial(flash, app, "nik") problems inputmode="numeric" autocomplete="off" live=live("nik", today)/>
        <TextField name="no_kk" label=|t| t.fields.no_kk hint=|t| t.fields.no_kk_hint value=initial(flash, app, "no_kk") problems inputmode="numeric" autocomplete="off" live=live("no_kk", today)/>
        <TextField name="full_name" label=|t| t.fields.full_name hint=|t| t.fields.full_name_hint value=initial(flash, app, "full_name") problems autocomplete="name" live=live("full_name", today)/>
    }
}

fn birth(
    app: &ApplicationView,
    flash: &FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    // The NIK already holds the date of birth and the sex: the portal does not ask twice.
    let prefill = nik_prefill(&app.answers, today);
    let mut birth_date = initial(flash, app, "birth_date");
    let mut sex = initial(flash, app, "sex");
    let prefilled = prefill.is_some() && (birth_date.is_empty() || sex.is_empty());
    if let Some((date, s)) = prefill {
        if birth_date.is_empty() {
            birth_date = date.to_string();
        }
        if sex.is_empty() {
            sex = s.code().to_owned();
        }
    }
    let sexes = Signal::derive(move || {
        let f = &i18n.t().fields;
        vec![
            ("L".to_owned(), f.sex_male.to_owned()),
            ("P".to_owned(), f.sex_female.to_owned()),
        ]
    });
    view! {
        <TextField name="birth_place" label=|t| t.fields.birth_place value=initial(flash, app, "birth_place") problems live=live("birth_place", today)/>
        {prefilled.then(|| view! { <p class="notice">{move || i18n.t().application.prefilled_from_nik}</p> })}
        <TextField name="birth_date" label=|t| t.fields.birth_date value=birth_date problems input_type="date" autocomplete="bday" live=live("birth_date", today)/>
        <RadioField name="sex" legend=|t| t.fields.sex options=sexes value=sex problems/>
    }
}

fn personal(
    app: &ApplicationView,
    flash: &FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    let blood = Signal::derive(move || {
        BLOOD_TYPES
            .iter()
            .map(|(code, label)| {
                let label = if label.is_empty() {
                    i18n.t().fields.blood_unknown
                } else {
                    label
                };
                ((*code).to_owned(), label.to_owned())
            })
            .collect::<Vec<_>>()
    });
    let religions = Signal::derive(move || {
        RELIGIONS
            .iter()
            .map(|r| {
                let label = if r.starts_with("Kepercayaan") {
                    i18n.t().fields.belief
                } else {
                    r
                };
                ((*r).to_owned(), label.to_owned())
            })
            .collect::<Vec<_>>()
    });
    let marital = Signal::derive(move || {
        MaritalStatus::ALL
            .iter()
            .zip(i18n.t().fields.marital)
            .map(|(m, label)| (m.code().to_owned(), label.to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <SelectField name="blood_type" label=|t| t.fields.blood_type options=blood value=initial(flash, app, "blood_type") problems/>
        <SelectField name="religion" label=|t| t.fields.religion options=religions value=initial(flash, app, "religion") problems/>
        <RadioField name="marital_status" legend=|t| t.fields.marital_status options=marital value=initial(flash, app, "marital_status") problems/>
        <TextField name="occupation" label=|t| t.fields.occupation hint=|t| t.fields.occupation_hint value=initial(flash, app, "occupation") problems autocomplete="organization-title" live=live("occupation", today)/>
    }
}

fn contact(
    app: &ApplicationView,
    flash: &FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    view! {
        <p>{move || i18n.t().fields.contact_hint}</p>
        <TextField name="phone" label=|t| t.fields.phone hint=|t| t.fields.phone_hint value=initial(flash, app, "phone") problems input_type="tel" autocomplete="tel" live=live("phone", today)/>
        <TextField name="email" label=|t| t.fields.email value=initial(flash, app, "email") problems input_type="email" autocomplete="email" live=live("email", today)/>
    }
}

fn country_options(locale: Locale) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = COUNTRIES
        .iter()
        .filter(|(code, _, _)| *code != "ID")
        .map(|(code, id, en)| {
            (
                (*code).to_owned(),
                if locale == Locale::En {
                    (*en).to_owned()
                } else {
                    (*id).to_owned()
                },
            )
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

fn stay_permit(
    app: &ApplicationView,
    flash: &FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    let countries = Signal::derive(move || country_options(i18n.locale()));
    let soon = match kitap_status(&app.answers, today) {
        Some(Ok(KitapStatus::ExpiresSoon(days))) => Some(days),
        _ => None,
    };
    view! {
        {soon.map(|days| view! { <p class="notice">{move || i18n.t().application.kitap_expires_soon.replace("{n}", &days.to_string())}</p> })}
        <SelectField name="nationality" label=|t| t.fields.nationality options=countries value=initial(flash, app, "nationality") problems/>
        <TextField name="passport_no" label=|t| t.fields.passport_no value=initial(flash, app, "passport_no") problems autocomplete="off" live=live("passport_no", today)/>
        <TextField name="kitap_no" label=|t| t.fields.kitap_no value=initial(flash, app, "kitap_no") problems autocomplete="off" live=live("kitap_no", today)/>
        <TextField name="kitap_expiry" label=|t| t.fields.kitap_expiry hint=|t| t.fields.kitap_expiry_hint value=initial(flash, app, "kitap_expiry") problems input_type="date" live=live("kitap_expiry", today)/>
    }
}

/// Province → regency → district → village. Without JavaScript the "show the next choices" button saves the
/// levels chosen so far and the page comes back with the next list; with it, each list fills as the one above
/// is chosen. Only one district's villages (a few dozen) ever travel, never the country's 83,762.
#[component]
fn AddressFields(
    app: ApplicationView,
    flash: FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    let province = RwSignal::new(app.answer("province"));
    let regency = RwSignal::new(app.answer("regency"));
    let district = RwSignal::new(app.answer("district"));
    let village = RwSignal::new(initial(&flash, &app, "village_code"));
    let provinces: Vec<(String, String)> = PROVINCES
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect();
    let regencies = Signal::derive(move || {
        let p = province.get();
        REGENCIES
            .iter()
            .filter(|(c, _)| !p.is_empty() && c.starts_with(p.as_str()))
            .map(|(c, n)| (format!("{}.{}", &c[0..2], &c[2..4]), (*n).to_owned()))
            .collect::<Vec<_>>()
    });
    let fetch = |parent: String| async move {
        if parent.is_empty() {
            Ok(Vec::new())
        } else {
            list_areas(parent).await
        }
    };
    let districts = Resource::new(move || regency.get(), fetch);
    let villages = Resource::new(move || district.get(), fetch);
    let as_options = |areas: Option<Result<Vec<Area>, _>>| -> Vec<(String, String)> {
        areas
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|a: Area| (a.code, a.name))
            .collect()
    };
    let district_options = Signal::derive(move || as_options(districts.get()));
    let village_options = Signal::derive(move || as_options(villages.get()));
    view! {
        <TextField name="street" label=|t| t.fields.street hint=|t| t.fields.street_hint value=initial(&flash, &app, "street") problems autocomplete="street-address" live=live("street", today)/>
        <div class="field-row">
            <TextField name="rt" label=|t| t.fields.rt value=initial(&flash, &app, "rt") problems inputmode="numeric" class="input--short" live=live("rt", today)/>
            <TextField name="rw" label=|t| t.fields.rw value=initial(&flash, &app, "rw") problems inputmode="numeric" class="input--short" live=live("rw", today)/>
        </div>
        <SelectField name="province" label=|t| t.fields.province options=provinces value=province problems
            on_choose=Callback::new(move |v| { province.set(v); regency.set(String::new()); district.set(String::new()); village.set(String::new()); })/>
        <SelectField name="regency" label=|t| t.fields.regency options=regencies value=regency problems
            on_choose=Callback::new(move |v| { regency.set(v); district.set(String::new()); village.set(String::new()); })/>
        <Transition>
            <SelectField name="district" label=|t| t.fields.district options=district_options value=district problems
                on_choose=Callback::new(move |v| { district.set(v); village.set(String::new()); })/>
            <SelectField name="village_code" label=|t| t.fields.village_code options=village_options value=village problems
                on_choose=Callback::new(move |v| village.set(v))/>
        </Transition>
        <p class="no-js-only">
            <button class="button button--secondary" type="submit" name="action" value="refine">{move || i18n.t().application.show_choices}</button>
        </p>
        <TextField name="postal_code" label=|t| t.fields.postal_code value=initial(&flash, &app, "postal_code") problems inputmode="numeric" autocomplete="postal-code" class="input--short" live=live("postal_code", today)/>
    }
}
