//! The keys: one field per string. Adding a field here makes both languages fail to build until they have it.

pub struct Texts {
    pub common: Common,
    pub footer: Footer,
    pub home: Home,
    pub not_found: NotFound,
    pub sign_in: SignIn,
    pub account: Account,
    pub problems: Problems,
    pub mail: Mail,
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
    /// The link to the applicant's own pages, in the header.
    pub my_account: &'static str,
    /// Heading of the error summary at the top of a form.
    pub error_summary: &'static str,
    /// Prefix of the page title when the form has errors, so screen readers hear it first.
    pub error_title_prefix: &'static str,
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
    pub start: &'static str,
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

pub struct SignIn {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub identifier_label: &'static str,
    pub identifier_hint: &'static str,
    pub send_code: &'static str,
    pub code_page_title: &'static str,
    pub code_heading: &'static str,
    pub code_sent: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub continue_button: &'static str,
    pub new_code: &'static str,
}

pub struct Account {
    pub page_title: &'static str,
    pub heading: &'static str,
    pub signed_in_as: &'static str,
    pub applications_heading: &'static str,
    pub no_applications: &'static str,
    pub sign_out: &'static str,
}

/// Error messages, one per [`crate::api::error::Problem`]. `{n}` stands for a number.
pub struct Problems {
    pub identifier_missing: &'static str,
    pub identifier_email: &'static str,
    pub identifier_phone: &'static str,
    pub code_missing: &'static str,
    pub code_wrong: &'static str,
    pub code_expired: &'static str,
    pub code_too_many_tries: &'static str,
    pub too_many_requests: &'static str,
    pub unavailable: &'static str,
}

/// Messages sent by email. `{code}` stands for the one-time code.
pub struct Mail {
    pub code_subject: &'static str,
    pub code_body: &'static str,
}
