//! The keys: one field per string. Adding a field here makes both languages fail to build until they have it.

pub struct Texts {
    pub common: Common,
    pub footer: Footer,
    pub home: Home,
    pub not_found: NotFound,
    pub sign_in: SignIn,
    pub account: Account,
    pub application: Application,
    pub fields: Fields,
    pub problems: Problems,
    pub mail: Mail,
    pub booking: Booking,
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
    /// January to December, for dates written out.
    pub months: [&'static str; 12],
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
    pub new_application: &'static str,
    /// Names an application whose applicant is not yet known.
    pub unnamed: &'static str,
    pub sign_out: &'static str,
    /// "Sign out on every device": the section, what it does, the button, and the page after it.
    pub devices_heading: &'static str,
    pub sign_out_everywhere_hint: &'static str,
    pub sign_out_everywhere: &'static str,
    pub signed_out_everywhere_heading: &'static str,
    pub signed_out_everywhere: &'static str,
    pub sign_in_again: &'static str,
}

/// The application form, its task list, check-your-answers and confirmation pages.
pub struct Application {
    pub start_title: &'static str,
    pub start_heading: &'static str,
    pub start_hint: &'static str,
    pub kind_citizen: &'static str,
    pub kind_citizen_hint: &'static str,
    pub kind_foreigner: &'static str,
    pub kind_foreigner_hint: &'static str,
    pub start_button: &'static str,
    /// Short names of the two kinds, for lists and headings.
    pub kind_citizen_short: &'static str,
    pub kind_foreigner_short: &'static str,
    pub tasks_intro: &'static str,
    pub task_done: &'static str,
    pub task_todo: &'static str,
    pub continue_with: &'static str,
    pub check_and_submit: &'static str,
    pub back_to_tasks: &'static str,
    pub save_continue: &'static str,
    /// The address pickers' button without JavaScript: shows the next level's list.
    pub show_choices: &'static str,
    pub choose: &'static str,
    /// Section titles, in [`crate::domain::application::Section::ALL`] order.
    pub sections: [&'static str; 7],
    /// Status names, in [`crate::domain::application::Status::ALL`] order.
    pub statuses: [&'static str; 12],
    pub status_label: &'static str,
    pub reference_label: &'static str,
    pub prefilled_from_nik: &'static str,
    pub kitap_expires_soon: &'static str,
    pub not_editable: &'static str,
    pub complaint_missing: &'static str,
    pub complaint_too_long: &'static str,
    pub complaint_not_open: &'static str,
    pub complaint_not_submitted: &'static str,
    pub returned_reason: &'static str,
    pub rejected_reason: &'static str,
    pub history_heading: &'static str,
    pub waiting_for_cards: &'static str,
    pub todo_heading: &'static str,
    pub explain_draft: &'static str,
    pub explain_submitted: &'static str,
    pub explain_returned: &'static str,
    pub explain_rejected: &'static str,
    pub explain_approved: &'static str,
    pub explain_recorded: &'static str,
    pub explain_identifying: &'static str,
    pub explain_clarification: &'static str,
    pub explain_personalizing: &'static str,
    /// The card is on its way to the service point; `{point}` is the point's name.
    pub explain_distributing: &'static str,
    /// Clarification after the 1:1 fingerprint check at handover failed (not an AFIS duplicate).
    pub explain_card_withheld: &'static str,
    pub explain_ready: &'static str,
    /// Ready at the point named `{point}`.
    pub explain_ready_at: &'static str,
    pub explain_issued: &'static str,
    pub promise_heading: &'static str,
    pub promise_due: &'static str,
    pub promise_from_appointment: &'static str,
    pub promise_late: &'static str,
    pub promise_kept: &'static str,
    pub promise_broken: &'static str,
    pub renewal_notice: &'static str,
    /// A foreign resident's card expiry on the tracking page: `{date}`.
    pub card_valid_until: &'static str,
    pub complaints_heading: &'static str,
    pub complaints_intro: &'static str,
    pub complaint_label: &'static str,
    pub complaint_hint: &'static str,
    pub complaint_button: &'static str,
    pub complaint_filed: &'static str,
    pub complaint_answer: &'static str,
    pub complaint_close: &'static str,
    pub complaint_open: &'static str,
    pub complaint_answered: &'static str,
    pub complaint_closed: &'static str,
    pub check_title: &'static str,
    pub check_heading: &'static str,
    pub change: &'static str,
    pub not_given: &'static str,
    pub declaration_heading: &'static str,
    pub declaration: &'static str,
    pub submit_button: &'static str,
    pub done_title: &'static str,
    pub done_heading: &'static str,
    pub done_reference: &'static str,
    pub next_heading: &'static str,
    pub next_steps: &'static [&'static str],
    pub to_my_applications: &'static str,
    pub documents_intro: &'static str,
    pub documents_types: &'static str,
    pub upload_button: &'static str,
    pub replace_button: &'static str,
    pub uploaded: &'static str,
    pub not_uploaded: &'static str,
    pub view_file: &'static str,
    pub uploading: &'static str,
    pub shrinking: &'static str,
    pub preview_alt: &'static str,
    pub documents_continue: &'static str,
}

/// The form fields: labels, hints and the options of the choices.
pub struct Fields {
    pub nik: &'static str,
    pub nik_hint: &'static str,
    pub no_kk: &'static str,
    pub no_kk_hint: &'static str,
    pub full_name: &'static str,
    pub full_name_hint: &'static str,
    pub birth_place: &'static str,
    pub birth_date: &'static str,
    pub sex: &'static str,
    pub sex_male: &'static str,
    pub sex_female: &'static str,
    pub blood_type: &'static str,
    pub blood_unknown: &'static str,
    pub religion: &'static str,
    /// The name of *kepercayaan terhadap Tuhan YME* in this language.
    pub belief: &'static str,
    pub marital_status: &'static str,
    /// In [`crate::domain::eligibility::MaritalStatus::ALL`] order.
    pub marital: [&'static str; 4],
    pub occupation: &'static str,
    pub occupation_hint: &'static str,
    pub street: &'static str,
    pub street_hint: &'static str,
    pub rt: &'static str,
    pub rw: &'static str,
    pub province: &'static str,
    pub regency: &'static str,
    pub district: &'static str,
    pub village_code: &'static str,
    pub postal_code: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub email: &'static str,
    pub contact_hint: &'static str,
    pub nationality: &'static str,
    pub passport_no: &'static str,
    pub kitap_no: &'static str,
    pub kitap_expiry: &'static str,
    pub kitap_expiry_hint: &'static str,
    pub kk_scan: &'static str,
    pub kitap_scan: &'static str,
}

impl Fields {
    /// The label of a form field by its `name`.
    pub fn label(&self, field: &str) -> &'static str {
        match field {
            "nik" => self.nik,
            "no_kk" => self.no_kk,
            "full_name" => self.full_name,
            "birth_place" => self.birth_place,
            "birth_date" => self.birth_date,
            "sex" => self.sex,
            "blood_type" => self.blood_type,
            "religion" => self.religion,
            "marital_status" => self.marital_status,
            "occupation" => self.occupation,
            "street" => self.street,
            "rt" => self.rt,
            "rw" => self.rw,
            "province" => self.province,
            "regency" => self.regency,
            "district" => self.district,
            "village_code" => self.village_code,
            "postal_code" => self.postal_code,
            "phone" => self.phone,
            "email" => self.email,
            "nationality" => self.nationality,
            "passport_no" => self.passport_no,
            "kitap_no" => self.kitap_no,
            "kitap_expiry" => self.kitap_expiry,
            "kk_scan" => self.kk_scan,
            "kitap_scan" => self.kitap_scan,
            _ => "",
        }
    }
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
    /// `{field}` stands for the field's label.
    pub missing: &'static str,
    pub choose_missing: &'static str,
    pub too_long: &'static str,
    pub nik_length: &'static str,
    pub nik_digits: &'static str,
    pub nik_province: &'static str,
    pub nik_regency: &'static str,
    pub nik_birth_date: &'static str,
    pub nik_serial: &'static str,
    /// The NIK is in another application in progress: what to do, never whose it is.
    pub nik_in_progress: &'static str,
    pub kk_length: &'static str,
    pub kk_digits: &'static str,
    pub kk_district: &'static str,
    pub kk_date: &'static str,
    pub name: &'static str,
    /// A name or place of birth the card cannot print: to be written in Latin letters as in the passport or KITAP.
    pub name_as_written: &'static str,
    pub date: &'static str,
    /// `{date}`: the date of birth the NIK gives.
    pub birth_date_conflict: &'static str,
    pub sex_conflict_female: &'static str,
    pub sex_conflict_male: &'static str,
    pub born_in_the_future: &'static str,
    /// `{date}`: the 17th birthday.
    pub too_young: &'static str,
    pub choice: &'static str,
    pub rt_rw: &'static str,
    pub postal_code: &'static str,
    pub village: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub contact_missing: &'static str,
    pub nationality: &'static str,
    pub indonesian_nationality: &'static str,
    pub passport: &'static str,
    pub kitap_number: &'static str,
    pub kitap_expired: &'static str,
    pub document_missing: &'static str,
    pub section_incomplete: &'static str,
    pub not_editable: &'static str,
    pub upload_missing: &'static str,
    pub upload_too_large: &'static str,
    pub upload_incomplete: &'static str,
    pub upload_type: &'static str,
    pub upload_pixels: &'static str,
    pub upload_unreadable: &'static str,
    pub upload_pdf_encrypted: &'static str,
    pub upload_pdf_unreadable: &'static str,
    /// A PDF with scripts, actions, attachments or XFA: what to do instead.
    pub upload_pdf_active: &'static str,
    /// Caps on one account (`{n}`: the cap).
    pub upload_too_many: &'static str,
    pub too_many_drafts: &'static str,
    pub too_many_complaints: &'static str,
    /// `{field}` contains a control, direction or invisible character.
    pub invisible: &'static str,
    pub complaint_invisible: &'static str,
}

/// Messages sent by email. `{code}` stands for the one-time code.
pub struct Mail {
    pub code_subject: &'static str,
    pub code_body: &'static str,
}

/// The biometric-recording appointment, the printed application form and the calendar file. `{date}`, `{n}` and
/// `{reason}` stand for values.
pub struct Booking {
    pub title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub not_bookable: &'static str,
    /// A returned application: it can be booked again once corrected and submitted.
    pub not_bookable_returned: &'static str,
    /// A rejected application never books.
    pub not_bookable_rejected: &'static str,
    /// Recorded or later: the appointment is behind the applicant.
    pub not_bookable_recorded: &'static str,
    pub your_booking: &'static str,
    pub point_label: &'static str,
    pub address_label: &'static str,
    pub date_label: &'static str,
    pub time_label: &'static str,
    /// The service promise counted from the appointment: `{date}` is 14 working days after it.
    pub ready_by_label: &'static str,
    pub ready_by: &'static str,
    pub download_form: &'static str,
    pub download_calendar: &'static str,
    pub bring_heading: &'static str,
    pub bring_citizen: &'static [&'static str],
    pub bring_foreigner: &'static [&'static str],
    pub move_heading: &'static str,
    pub cancel_button: &'static str,
    pub change_closed: &'static str,
    pub missed: &'static str,
    pub cancelled_by_office: &'static str,
    /// Freed when staff returned the application for a correction; `{date}`.
    pub cancelled_returned: &'static str,
    /// Freed when the applicant's new district no longer fits the point; `{date}`.
    pub cancelled_district: &'static str,
    pub choose_point: &'static str,
    pub foreigners_at_dinas: &'static str,
    pub choose_day: &'static str,
    pub choose_time: &'static str,
    pub places: &'static str,
    pub full: &'static str,
    pub places_left: &'static str,
    pub no_days: &'static str,
    pub book_button: &'static str,
    pub move_button: &'static str,
    pub refreshes: &'static str,
    /// The link from the task list and the confirmation.
    pub book_link: &'static str,
    pub view_link: &'static str,
    /// Monday to Sunday.
    pub weekdays: [&'static str; 7],
    pub issue_not_bookable: &'static str,
    pub issue_point_not_for_foreigners: &'static str,
    pub issue_unknown_point: &'static str,
    pub issue_not_working_day: &'static str,
    pub issue_too_soon: &'static str,
    pub issue_too_far: &'static str,
    pub issue_no_such_time: &'static str,
    pub issue_slot_full: &'static str,
    pub issue_already_booked: &'static str,
    pub issue_too_late: &'static str,
    pub issue_no_active: &'static str,
    pub form_title: &'static str,
    pub form_reference: &'static str,
    pub form_kind: &'static str,
    pub form_applicant: &'static str,
    pub form_appointment: &'static str,
    pub form_no_booking: &'static str,
    pub form_promise: &'static str,
    pub form_footer: &'static str,
    pub calendar_summary: &'static str,
    pub calendar_description: &'static str,
}
