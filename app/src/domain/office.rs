//! Facts about the office, as its own service descriptions give them (`shared/seeds/`). Names and addresses that
//! are the same in every language live here; what needs translating lives in the locales.

/// Telephone numbers printed on the office's service descriptions, as dialled and as a `tel:` URI.
pub const PHONES: [(&str, &str); 2] = [
    ("0813 7168 5622", "tel:+6281371685622"),
    ("0823 8942 0938", "tel:+6282389420938"),
];

pub const WEBSITE: (&str, &str) = (
    "disdukcapil.bengkaliskab.go.id",
    "https://disdukcapil.bengkaliskab.go.id/",
);

/// The service-level promise of both services, in working days.
pub const SERVICE_DAYS: u32 = 14;
