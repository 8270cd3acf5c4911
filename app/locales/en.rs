//! English: for foreign residents and anyone who prefers it.

use super::texts::*;

pub const TEXTS: Texts = Texts {
    common: Common {
        portal_name: "KTP-el Portal",
        office_name: "Population and Civil Registration Office",
        region: "Bengkalis Regency",
        skip_link: "Skip to main content",
        language_label: "Choose language",
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
};
