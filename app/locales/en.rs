//! English: for foreign residents and anyone who prefers it.

use super::texts::*;

pub const TEXTS: Texts = Texts {
    common: Common {
        portal_name: "KTP-el Portal",
        office_name: "Population and Civil Registration Office",
        region: "Bengkalis Regency",
        skip_link: "Skip to main content",
        language_label: "Choose language",
        my_account: "My applications",
        error_summary: "There is a problem",
        error_title_prefix: "Error: ",
        switch_to: "Bahasa Indonesia",
    },
    footer: Footer {
        contact_heading: "Contact",
        address_label: "Address",
        address: "Jl. Pertanian, Bengkalis, Riau 28751",
        phone_label: "Phone",
        website_label: "Website",
        complaint_heading: "Complaints (Pengaduan Layanan)",
        complaint_text: "A problem with the service, or somebody asked you to pay? Make a complaint by phone at the \
                         numbers above or in person at the office.",
        free_notice: "Every KTP-el service is free of charge.",
    },
    home: Home {
        page_title: "KTP-el Portal of Disdukcapil Bengkalis",
        heading: "Apply for your KTP-el from your phone",
        lead: "Fill in the application form, upload your documents, then come once to have your photo, signature, \
               fingerprints and iris recorded. You can follow your card until it is ready to collect.",
        services_heading: "Services",
        who_label: "For",
        where_label: "Where you are recorded",
        requirements_heading: "What you need",
        steps_heading: "Steps",
        duration_label: "Time to complete",
        duration_value: "14 working days",
        fee_label: "Fee",
        fee_value: "Free of charge",
        fee_law: "Charging a fee for this service is a crime (Law 24/2013, Articles 79A and 95B).",
        start: "Start an application",
        wni: Service {
            name: "New KTP-el for Indonesian citizens",
            who: "Indonesian citizens who have never had a KTP-el, for example those who have just turned 17.",
            place: "The KTP-el service point in your district, or the office.",
            requirements: &[
                "Population identification number (NIK)",
                "Copy of the family card (Kartu Keluarga, KK)",
            ],
            steps: &[
                "Fill in the application form and prepare the requirements.",
                "Come to the KTP-el service point. Staff check your data, then record your photo, signature, \
                 fingerprints and iris. Your form is signed and stamped as proof of the recording.",
                "Your data is sent to the Ministry of Home Affairs to make sure everyone has only one identity. If a \
                 duplicate is found, you are asked to come in to clarify it.",
                "The office prints your KTP-el and sends it to the service point.",
                "Collect your KTP-el, bringing the stamped application form. Staff match your fingerprint before \
                 handing over the card.",
            ],
        },
        foreigner: Service {
            name: "KTP-el for foreign residents with a permanent stay permit",
            who: "Foreign nationals living in Bengkalis Regency with a permanent stay permit card (KITAP).",
            place: "Only at the office of the Population and Civil Registration Office, Jl. Pertanian, Bengkalis.",
            requirements: &[
                "Population identification number (NIK)",
                "Copy of the family card (Kartu Keluarga, KK)",
                "Copy of the permanent stay permit card (KITAP)",
            ],
            steps: &[
                "Fill in the application form and prepare the requirements.",
                "Come to the office. Staff check your data, then record your photo, signature, fingerprints and iris. \
                 Your form is signed and stamped as proof of the recording.",
                "Your data is sent to the Ministry of Home Affairs to make sure everyone has only one identity. If a \
                 duplicate is found, you are asked to come in to clarify it.",
                "The office prints your KTP-el. The card is valid until your KITAP expires.",
                "Collect your KTP-el at the office, bringing the stamped application form. Staff match your \
                 fingerprint before handing over the card.",
            ],
        },
    },
    not_found: NotFound {
        page_title: "Page not found",
        heading: "Page not found",
        body: "The address you opened does not exist. Check the address, or start again from the home page.",
        home_link: "Go to the home page",
    },
    sign_in: SignIn {
        page_title: "Sign in",
        heading: "Sign in to the KTP-el Portal",
        intro: "We send a 6-digit code to your email or mobile number. No password needed. One account can hold \
                several applications, for example for your child who turns 17.",
        identifier_label: "Email address or mobile number",
        identifier_hint: "For example: name@example.com or 0812 3456 7890",
        send_code: "Send code",
        code_page_title: "Enter the code",
        code_heading: "Enter the code from our message",
        code_sent: "We have sent a 6-digit code to the address you entered. The code is valid for 10 minutes and \
                    can be used once.",
        code_label: "6-digit code",
        code_hint: "No code yet? Check your spam folder, or ask for a new code.",
        continue_button: "Continue",
        new_code: "Ask for a new code",
    },
    account: Account {
        page_title: "My applications",
        heading: "My applications",
        signed_in_as: "You are signed in as",
        applications_heading: "KTP-el applications",
        no_applications: "No applications yet. The application form is being prepared and will be available here \
                          soon.",
        sign_out: "Sign out",
    },
    problems: Problems {
        identifier_missing: "Enter your email address or mobile number",
        identifier_email: "Enter a valid email address, like name@example.com",
        identifier_phone: "Enter an Indonesian mobile number starting with 08 or +62, like 0812 3456 7890",
        code_missing: "Enter the 6-digit code from our message",
        code_wrong: "Wrong code. Tries left: {n}",
        code_expired: "The code has expired or was already used. Ask for a new code.",
        code_too_many_tries: "Too many wrong codes. Ask for a new code.",
        too_many_requests: "Too many codes asked for. Wait 15 minutes, then try again.",
        unavailable: "Sorry, the service has a problem. Try again in a few moments.",
    },
    mail: Mail {
        code_subject: "Your KTP-el Portal sign-in code",
        code_body: "Your sign-in code: {code}\n\nThe code is valid for 10 minutes and can be used once. Never give \
                    this code to anyone, staff included.\n\nIf you did not ask for this code, ignore this \
                    message.\n\nPopulation and Civil Registration Office, Bengkalis Regency",
    },
};
