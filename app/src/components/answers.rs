//! How saved answers read to people: choices by their label, dates written out, areas by name. Shared by the
//! check-your-answers page and the printed application form, so both say the same thing.

use crate::{
    api::applications::ApplicationView,
    components::form::long_date,
    domain::{
        application::{parse_marital, Section, AREA_CHAIN, BLOOD_TYPES},
        countries::country,
        eligibility::MaritalStatus,
        Date,
    },
    i18n::{Locale, Texts},
};

/// How the saved answer to `field` reads; `None` when there is none.
pub fn shown(t: &Texts, locale: Locale, app: &ApplicationView, field: &str) -> Option<String> {
    let value = app.answers.get(field)?;
    let f = &t.fields;
    Some(match field {
        "sex" if value == "L" => f.sex_male.to_owned(),
        "sex" => f.sex_female.to_owned(),
        "blood_type" if value == "tidak_tahu" => f.blood_unknown.to_owned(),
        "blood_type" => BLOOD_TYPES
            .iter()
            .find(|(c, _)| c == value)
            .map(|(_, l)| (*l).to_owned())
            .unwrap_or_default(),
        "religion" if value.starts_with("Kepercayaan") => f.belief.to_owned(),
        "marital_status" => parse_marital(value)
            .and_then(|m| MaritalStatus::ALL.iter().position(|x| *x == m))
            .map(|i| f.marital[i].to_owned())
            .unwrap_or_default(),
        "birth_date" | "kitap_expiry" => Date::parse_iso(value)
            .map(|d| long_date(t, d.year(), d.month(), d.day()))
            .unwrap_or_default(),
        "province" | "regency" | "district" | "village_code" => {
            app.area_names.get(value).cloned().unwrap_or_else(|| value.clone())
        }
        "nationality" => country(value)
            .map(|(_, id, en)| if locale == Locale::En { en } else { id }.to_owned())
            .unwrap_or_default(),
        _ => value.clone(),
    })
}

/// The rows (label, answer) of one section as the applicant gave them. The village row names the whole chain
/// of areas; the levels above it get no rows of their own.
pub fn summary_rows(t: &Texts, locale: Locale, app: &ApplicationView, section: Section) -> Vec<(String, String)> {
    if section == Section::Documents {
        return app
            .kind
            .documents()
            .iter()
            .map(|d| {
                let uploaded = app.documents.iter().any(|x| x.document == *d);
                let state = if uploaded {
                    t.application.uploaded
                } else {
                    t.application.not_uploaded
                };
                (t.fields.label(d.code()).to_owned(), state.to_owned())
            })
            .collect();
    }
    section
        .fields()
        .iter()
        .filter(|f| !AREA_CHAIN[..3].contains(*f))
        .map(|f| {
            let value = if *f == "village_code" {
                AREA_CHAIN
                    .iter()
                    .rev()
                    .filter_map(|a| shown(t, locale, app, a))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                shown(t, locale, app, f).unwrap_or_default()
            };
            let value = if value.is_empty() {
                t.application.not_given.to_owned()
            } else {
                value
            };
            (t.fields.label(f).to_owned(), value)
        })
        .collect()
}
