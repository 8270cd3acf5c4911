//! The landing page: the two services of the seed documents, their requirements and steps in plain words, the
//! 14-working-day promise and that it is free.

use crate::components::title::PageTitle;
use crate::{
    api::auth::ACCOUNT_PAGE,
    i18n::{use_i18n, Service, Texts},
};
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().home;
    view! {
        <PageTitle text=move || t().page_title/>
        <div class="container">
            <h1>{move || t().heading}</h1>
            <p class="lead">{move || t().lead}</p>
            <p><a class="button button--start" href=ACCOUNT_PAGE>{move || t().start}</a></p>
            <h2>{move || t().services_heading}</h2>
            <div class="services">
                <ServiceCard id="layanan-wni" service=|t: &'static Texts| &t.home.wni/>
                <ServiceCard id="layanan-orang-asing" service=|t: &'static Texts| &t.home.foreigner/>
            </div>
        </div>
    }
}

#[component]
fn ServiceCard(id: &'static str, service: fn(&'static Texts) -> &'static Service) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().home;
    let s = move || service(i18n.t());
    let heading = format!("{id}-judul");
    let labelled_by = heading.clone();
    view! {
        <section class="service" id=id aria-labelledby=labelled_by>
            <h3 id=heading>{move || s().name}</h3>
            <dl class="facts">
                <dt>{move || t().who_label}</dt>
                <dd>{move || s().who}</dd>
                <dt>{move || t().where_label}</dt>
                <dd>{move || s().place}</dd>
                <dt>{move || t().duration_label}</dt>
                <dd>{move || t().duration_value}</dd>
                <dt>{move || t().fee_label}</dt>
                <dd>
                    <strong>{move || t().fee_value}</strong>
                    <br/>
                    <small>{move || t().fee_law}</small>
                </dd>
            </dl>
            <h4>{move || t().requirements_heading}</h4>
            <ul>{move || s().requirements.iter().map(|r| view! { <li>{*r}</li> }).collect_view()}</ul>
            <h4>{move || t().steps_heading}</h4>
            <ol class="steps">{move || s().steps.iter().map(|r| view! { <li>{*r}</li> }).collect_view()}</ol>
        </section>
    }
}
