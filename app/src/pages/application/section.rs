//! `/permohonan/{id}/{section}`: one topic per page. Each page posts to the same server function, which checks
//! the section and saves it, then sends the applicant on to the next section not yet done.

use super::{documents::documents, section_name, ApplicationLoader};
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, list_areas, ApplicationView, SaveSection},
        form::{use_form_state, FormState},
    },
    components::{
        form::{form_problems, form_title, ErrorSummary, LiveField, RadioField, SelectField},
        scripts::IslandScripts,
    },
    domain::{
        application::{kitap_status, nik_prefill, Section, BLOOD_TYPES, RELIGIONS},
        countries::COUNTRIES,
        eligibility::{KitapStatus, MaritalStatus},
        regions::{PROVINCES, REGENCIES},
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
    // Every section page has islands (live checks, the area lists, the scan forms): the page's one loader.
    match section {
        Some(Section::Documents) if app.kind.sections().contains(&Section::Documents) => {
            // The scan forms are islands only while the application can change.
            let editable = app.status.editable();
            view! { {documents(app)} {editable.then(|| view! { <IslandScripts/> })} }.into_any()
        }
        Some(section) if app.kind.sections().contains(&section) => {
            view! { <SectionForm app section/> <IslandScripts/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The value a field starts with: what was just typed (after a mistake, without JavaScript), else what is saved.
fn initial(flash: &FormState, app: &ApplicationView, field: &str) -> String {
    flash.value(field).unwrap_or_else(|| app.answer(field))
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
        <LiveField name="nik" value=initial(flash, app, "nik") problems today/>
        <LiveField name="no_kk" value=initial(flash, app, "no_kk") problems today/>
        <LiveField name="full_name" value=initial(flash, app, "full_name") problems today/>
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
        <LiveField name="birth_place" value=initial(flash, app, "birth_place") problems today/>
        {prefilled.then(|| view! { <p class="notice">{move || i18n.t().application.prefilled_from_nik}</p> })}
        <LiveField name="birth_date" value=birth_date problems today/>
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
        <LiveField name="occupation" value=initial(flash, app, "occupation") problems today/>
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
        <LiveField name="phone" value=initial(flash, app, "phone") problems today/>
        <LiveField name="email" value=initial(flash, app, "email") problems today/>
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
        <LiveField name="passport_no" value=initial(flash, app, "passport_no") problems today/>
        <LiveField name="kitap_no" value=initial(flash, app, "kitap_no") problems today/>
        <LiveField name="kitap_expiry" value=initial(flash, app, "kitap_expiry") problems today/>
    }
}

/// The address: street, RT/RW and postal code as live fields, and the area pickers.
#[component]
fn AddressFields(
    app: ApplicationView,
    flash: FormState,
    problems: Signal<Vec<crate::api::error::FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = app.today;
    let (province, regency, district) = (app.answer("province"), app.answer("regency"), app.answer("district"));
    let village = initial(&flash, &app, "village_code");
    let provinces: Vec<(String, String)> = PROVINCES
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect();
    let regencies: Vec<(String, String)> = REGENCIES
        .iter()
        .filter(|(c, _)| !province.is_empty() && c.starts_with(province.as_str()))
        .map(|(c, n)| (format!("{}.{}", &c[0..2], &c[2..4]), (*n).to_owned()))
        .collect();
    view! {
        <LiveField name="street" value=initial(&flash, &app, "street") problems today/>
        <div class="field-row">
            <LiveField name="rt" value=initial(&flash, &app, "rt") problems today/>
            <LiveField name="rw" value=initial(&flash, &app, "rw") problems today/>
        </div>
        <SelectField name="province" label=|t| t.fields.province options=provinces value=province problems/>
        <SelectField name="regency" label=|t| t.fields.regency options=regencies value=regency.clone() problems/>
        <Suspense>
            {move || {
                let (regency, district, village) = (regency.clone(), district.clone(), village.clone());
                Suspend::new(async move {
                    let districts = areas_under(regency).await;
                    let villages = areas_under(district.clone()).await;
                    view! {
                        <SelectField name="district" label=|t| t.fields.district options=districts value=district problems/>
                        <SelectField name="village_code" label=|t| t.fields.village_code options=villages value=village problems/>
                    }
                })
            }}
        </Suspense>
        <AreaLists choose=i18n.t().application.choose.to_owned()/>
        <p class="no-js-only">
            <button class="button button--secondary" type="submit" name="action" value="refine">{move || i18n.t().application.show_choices}</button>
        </p>
        <LiveField name="postal_code" value=initial(&flash, &app, "postal_code") problems today/>
    }
}

/// The areas directly under `parent` as (code, name); none for no parent, or when they cannot be read (the page
/// then shows the lists empty, and the server's check still asks for the missing choice).
async fn areas_under(parent: String) -> Vec<(String, String)> {
    if parent.is_empty() {
        return Vec::new();
    }
    list_areas(parent)
        .await
        .map(|areas| areas.into_iter().map(|a| (a.code, a.name)).collect())
        .unwrap_or_default()
}

/// Province → regency → district → village: the one part of the address page's lists that runs in the browser
/// (`browser::area_picker`). Without JavaScript (or before the WebAssembly has arrived) the "show the next
/// choices" button saves the levels chosen so far and the page comes back with the next list; with it, each list
/// fills as the one above is chosen, without a page load. Only one parent's areas (a few dozen) travel at a time,
/// never the country's 83,762. `choose` is the lists' empty first option.
#[island(lazy)]
fn AreaLists(choose: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        crate::browser::area_picker::watch(
            |parent| {
                use leptos::server_fn::ServerFn;
                crate::browser::fetch::with_query(crate::api::applications::ListAreas::url(), &[("parent", parent)])
            },
            choose,
        );
        crate::island_live();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = choose;
}
