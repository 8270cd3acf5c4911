//! The keys: one field per string. Adding a field here makes both languages fail to build until they have it.

pub struct Texts {
    pub common: Common,
    pub footer: Footer,
    pub home: Home,
    pub not_found: NotFound,
}

pub struct Common {
    pub portal_name: &'static str,
    pub office_name: &'static str,
    pub region: &'static str,
    pub skip_link: &'static str,
    /// Accessible name of the language switch.
    pub language_label: &'static str,
    /// Visible text of the switch button, in the language it switches *to* (the page's current language
    /// reads it out through `lang`).
    pub switch_to: &'static str,
}

pub struct Footer {
    pub contact_heading: &'static str,
    pub address_label: &'static str,
    pub address: &'static str,
    pub phone_label: &'static str,
    pub website_label: &'static str,
    pub complaint_heading: &'static str,
    pub complaint_text: &'static str,
    pub free_notice: &'static str,
}

pub struct Home {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub services_heading: &'static str,
    pub who_label: &'static str,
    pub where_label: &'static str,
    pub requirements_heading: &'static str,
    pub steps_heading: &'static str,
    pub duration_label: &'static str,
    pub duration_value: &'static str,
    pub fee_label: &'static str,
    pub fee_value: &'static str,
    pub fee_law: &'static str,
    pub wni: Service,
    pub foreigner: Service,
}

/// One of the two services of the seed documents.
pub struct Service {
    pub name: &'static str,
    pub who: &'static str,
    pub place: &'static str,
    pub requirements: &'static [&'static str],
    pub steps: &'static [&'static str],
}

pub struct NotFound {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub body: &'static str,
    pub home_link: &'static str,
}
