//! An application for a KTP-el: its kind, its state, its sections, and the checks on what the applicant states.
//!
//! The answers are kept as the form sends them, a map from field `name` to text, so that a draft can be saved
//! section by section and shown again exactly as typed. [`check_section`] turns one section's input into the
//! normalised values to save, or into problems per field; [`check_submission`] decides on the day of submission
//! whether the whole application may go to the office. The browser runs the same checks while the user types.

use super::{
    countries,
    date::Date,
    eligibility::{check_age, check_kitap, EligibilityError, KitapStatus, MaritalStatus},
    identifier::Identifier,
    names,
    nik::{Nik, NikError, NoKk, NoKkError, Sex},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The two services of the office's service descriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A new KTP-el for an Indonesian citizen (WNI).
    Citizen,
    /// A KTP-el for a foreign resident with a permanent stay permit (ITAP).
    Foreigner,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Citizen, Kind::Foreigner];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Citizen => "wni",
            Kind::Foreigner => "wna",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The sections of the form, in order.
    pub fn sections(self) -> &'static [Section] {
        use Section::*;
        match self {
            Kind::Citizen => &[Identity, Birth, Personal, Address, Contact, Documents],
            Kind::Foreigner => &[Identity, Birth, Personal, Address, Contact, StayPermit, Documents],
        }
    }

    /// The scans this kind of application needs.
    pub fn documents(self) -> &'static [Document] {
        match self {
            Kind::Citizen => &[Document::KkScan],
            Kind::Foreigner => &[Document::KkScan, Document::KitapScan],
        }
    }
}

/// Where an application is in the office's process (see DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Rejected,
    Approved,
    Recorded,
    Identifying,
    Clarification,
    Personalizing,
    /// A citizen's card, personalized at the Dinas, is on its way to the service point that hands it over.
    Distributing,
    Ready,
    Issued,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Rejected,
        Status::Approved,
        Status::Recorded,
        Status::Identifying,
        Status::Clarification,
        Status::Personalizing,
        Status::Distributing,
        Status::Ready,
        Status::Issued,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Rejected => "rejected",
            Status::Approved => "approved",
            Status::Recorded => "recorded",
            Status::Identifying => "identifying",
            Status::Clarification => "clarification",
            Status::Personalizing => "personalizing",
            Status::Distributing => "distributing",
            Status::Ready => "ready",
            Status::Issued => "issued",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Only a draft, or an application staff returned for a correction, can be changed by the applicant.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Only an application waiting for review or approved may hold a recording appointment.
    pub fn bookable(self) -> bool {
        matches!(self, Status::Submitted | Status::Approved)
    }
}

/// One page of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Section {
    Identity,
    Birth,
    Personal,
    Address,
    Contact,
    StayPermit,
    Documents,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Identity,
        Section::Birth,
        Section::Personal,
        Section::Address,
        Section::Contact,
        Section::StayPermit,
        Section::Documents,
    ];

    /// The last part of the page's path.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Identity => "identitas",
            Section::Birth => "kelahiran",
            Section::Personal => "data-diri",
            Section::Address => "alamat",
            Section::Contact => "kontak",
            Section::StayPermit => "izin-tinggal",
            Section::Documents => "dokumen",
        }
    }

    pub fn parse(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The form fields this section asks for, in order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Section::Identity => &["nik", "no_kk", "full_name"],
            Section::Birth => &["birth_place", "birth_date", "sex"],
            Section::Personal => &["blood_type", "religion", "marital_status", "occupation"],
            Section::Address => &[
                "street",
                "rt",
                "rw",
                "province",
                "regency",
                "district",
                "village_code",
                "postal_code",
            ],
            Section::Contact => &["phone", "email"],
            Section::StayPermit => &["nationality", "passport_no", "kitap_no", "kitap_expiry"],
            Section::Documents => &[],
        }
    }

    /// The fields that must have a value for the section to be done.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Section::Address => &["street", "rt", "rw", "village_code"],
            Section::Contact => &[],
            Section::Documents => &[],
            other => other.fields(),
        }
    }
}

/// A scan the applicant uploads; the form field's `name` is its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Document {
    KkScan,
    KitapScan,
}

impl Document {
    pub const ALL: [Document; 2] = [Document::KkScan, Document::KitapScan];

    pub fn code(self) -> &'static str {
        match self {
            Document::KkScan => "kk_scan",
            Document::KitapScan => "kitap_scan",
        }
    }

    pub fn parse(code: &str) -> Option<Document> {
        Document::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// Blood types as the form offers them: the value, then how it reads.
pub const BLOOD_TYPES: &[(&str, &str)] = &[
    ("A", "A"),
    ("A+", "A+"),
    ("A-", "A−"),
    ("B", "B"),
    ("B+", "B+"),
    ("B-", "B−"),
    ("AB", "AB"),
    ("AB+", "AB+"),
    ("AB-", "AB−"),
    ("O", "O"),
    ("O+", "O+"),
    ("O-", "O−"),
    ("tidak_tahu", ""),
];

/// The religions a KTP-el records, and belief in God (*kepercayaan*), by their official names.
pub const RELIGIONS: &[&str] = &[
    "Islam",
    "Kristen",
    "Katolik",
    "Hindu",
    "Buddha",
    "Khonghucu",
    "Kepercayaan terhadap Tuhan YME",
];

/// The address pickers' fields, from the province down to the village.
pub const AREA_CHAIN: [&str; 4] = ["province", "regency", "district", "village_code"];

/// The areas chosen in `input`, from the province down, each kept only while it is a real code of its level inside
/// the one above it: choosing another province drops the regency, district and village chosen under the old one.
pub fn nested_areas(input: &Answers) -> Answers {
    let mut out = Answers::new();
    let mut parent: Option<&String> = None;
    for (level, field) in AREA_CHAIN.iter().enumerate() {
        let inside =
            |code: &&String| is_area_code(code, level + 1) && parent.is_none_or(|p| code.starts_with(&format!("{p}.")));
        match input.get(*field).filter(inside) {
            Some(code) => {
                out.insert((*field).to_owned(), code.clone());
                parent = Some(code);
            }
            None => break,
        }
    }
    out
}

/// What the applicant has stated so far: field `name` → value, as saved.
pub type Answers = BTreeMap<String, String>;

/// What is wrong with one field. Pages turn it into a sentence in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Issue {
    Missing,
    TooLong {
        max: usize,
    },
    Nik(NikError),
    /// Another application in progress (not rejected, not issued), from this account or another, states this NIK.
    /// The message says what to do and never whose it is or how far it got.
    NikInProgress,
    NoKk(NoKkError),
    Name,
    /// A name or place of birth with a character the card cannot print (another script, a digit, a symbol): it is
    /// to be written in Latin letters, as the passport, KITAP or family card has it. See [`names`].
    NameAsWritten,
    Date,
    /// The date of birth differs from the one the NIK encodes (`day`-`month`-`year`).
    BirthDateConflictsWithNik {
        year: i32,
        month: u8,
        day: u8,
    },
    /// The sex differs from the one the NIK encodes.
    SexConflictsWithNik {
        female: bool,
    },
    BornInTheFuture,
    /// Younger than 17 and never married; may apply from the 17th birthday.
    TooYoung {
        year: i32,
        month: u8,
        day: u8,
    },
    Choice,
    RtRw,
    PostalCode,
    Village,
    Phone,
    Email,
    /// Neither a phone number nor an email address.
    ContactMissing,
    Nationality,
    IndonesianNationality,
    Passport,
    KitapNumber,
    KitapExpired,
    DocumentMissing,
    /// A section not yet done, at submission.
    SectionIncomplete,
    /// A control character, a direction override or an invisible character: see [`is_hidden_character`].
    Invisible,
}

/// A problem with a field, as the checks report it.
pub type FieldIssue = (&'static str, Issue);

/// How many applications one account may have in `draft` at once: a family fills in a few, nobody needs more.
pub const MAX_OPEN_DRAFTS: i64 = 3;

/// How many scans one account may upload in an hour, whether they are kept or refused.
pub const MAX_UPLOADS_PER_HOUR: i64 = 30;

/// Whether `c` may never be part of what a person types into the portal. Each of these is invisible on the page or
/// changes how the text around it is shown, so it can hide or reorder what staff read (`Jl. Melati` that is
/// stored as something else, a name whose letters display in another order):
///
/// - the C0 controls (U+0000 to U+001F, tab and line breaks included), DEL (U+007F) and the C1 controls
///   (U+0080 to U+009F);
/// - the direction marks and overrides: U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069;
/// - the characters of no width that can hide text or split a word: U+200B to U+200D, U+2060 to U+2064 (word
///   joiner and the invisible operators), U+FEFF, the soft hyphen U+00AD, U+180E, the tag characters U+E0000 to
///   U+E007F and the interlinear annotation marks U+FFF9 to U+FFFB;
/// - the line and paragraph separators U+2028 and U+2029 (line breaks that are not newlines).
///
/// A newline is allowed only where the text has lines of its own (a complaint): see [`hidden_character`].
pub fn is_hidden_character(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            | '\u{AD}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// The first character of `value` a person may not type there ([`is_hidden_character`]), if any; `lines` allows
/// newlines (`\n`), for text with lines of its own. White space at either end does not count: it is trimmed.
pub fn hidden_character(value: &str, lines: bool) -> Option<char> {
    value
        .trim()
        .chars()
        .find(|&c| is_hidden_character(c) && !(lines && c == '\n'))
}

fn text(input: &Answers, field: &str) -> String {
    input
        .get(field)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// `value` in normal form C if it is a name the card can print (Latin letters with any diacritics, spaces, and the
/// marks names carry: apostrophe, dot, comma, hyphen), else `None`. See [`names`].
fn name(value: &str) -> Option<String> {
    let value = names::normalise(value);
    names::is_name(&value).then_some(value)
}

/// Normalises a choice so that `Belum Kawin`, `belum_kawin` and `BELUM KAWIN` are one answer.
fn choice_key(value: &str) -> String {
    value.trim().to_lowercase().replace(['_', '-'], " ")
}

pub fn parse_blood_type(value: &str) -> Option<&'static str> {
    let v = value.trim().replace('−', "-").to_uppercase();
    if choice_key(&v) == "tidak tahu" {
        return Some("tidak_tahu");
    }
    BLOOD_TYPES.iter().map(|(code, _)| *code).find(|code| *code == v)
}

pub fn parse_religion(value: &str) -> Option<&'static str> {
    let key = choice_key(value);
    RELIGIONS.iter().copied().find(|r| choice_key(r) == key)
}

pub fn parse_marital(value: &str) -> Option<MaritalStatus> {
    let key = choice_key(value);
    MaritalStatus::ALL.into_iter().find(|m| choice_key(m.code()) == key)
}

pub fn parse_sex(value: &str) -> Option<Sex> {
    match choice_key(value).as_str() {
        "l" | "laki laki" | "male" => Some(Sex::Male),
        "p" | "perempuan" | "female" => Some(Sex::Female),
        _ => None,
    }
}

/// An area code of the `wilayah` data: `14.03.09.2001` for a village.
pub fn is_area_code(value: &str, level: usize) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    let widths = [2, 2, 2, 4];
    parts.len() == level
        && parts
            .iter()
            .zip(widths)
            .all(|(part, width)| part.len() == width && part.bytes().all(|b| b.is_ascii_digit()))
}

/// The NIK of the answers, when it is valid.
pub fn stated_nik(answers: &Answers, today: Date) -> Option<Nik> {
    answers.get("nik").and_then(|n| Nik::parse(n, today).ok())
}

/// The birth date and sex the NIK gives, to pre-fill the birth section: the portal does not ask twice.
pub fn nik_prefill(answers: &Answers, today: Date) -> Option<(Date, Sex)> {
    stated_nik(answers, today).map(|nik| (nik.birth_date(), nik.sex()))
}

fn conflict_date(date: Date) -> Issue {
    Issue::BirthDateConflictsWithNik {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    }
}

/// Checks one section's input against what is saved. Returns the normalised values to save (every field of the
/// section, empty ones removed), or the problems, in the order of the fields.
pub fn check_section(
    section: Section,
    input: &Answers,
    saved: &Answers,
    today: Date,
) -> Result<Answers, Vec<FieldIssue>> {
    let mut out = Answers::new();
    let mut issues: Vec<FieldIssue> = Vec::new();
    for field in section.fields() {
        // Before white space is tidied, which would turn a tab or a line break into a space unseen.
        if input
            .get(*field)
            .is_some_and(|raw| hidden_character(raw, false).is_some())
        {
            issues.push((field, Issue::Invisible));
            continue;
        }
        let value = text(input, field);
        if value.is_empty() {
            if section.required().contains(field) {
                issues.push((field, Issue::Missing));
            }
            continue;
        }
        match check_field(field, &value, today) {
            Ok(normal) => {
                out.insert((*field).to_owned(), normal);
            }
            Err(issue) => issues.push((field, issue)),
        }
    }
    // Rules that join fields, only once each field is right on its own.
    if issues.is_empty() {
        let mut merged = saved.clone();
        merged.extend(out.clone());
        issues.extend(cross_checks(section, &merged, today));
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

/// Checks one field on its own and returns its normalised value. The browser runs this as the user types.
pub fn check_field(field: &str, value: &str, today: Date) -> Result<String, Issue> {
    if let Some(checked) = check_typed_field(field, value, today) {
        return checked;
    }
    if hidden_character(value, false).is_some() {
        return Err(Issue::Invisible);
    }
    match field {
        "sex" => parse_sex(value).map(|s| s.code().to_owned()).ok_or(Issue::Choice),
        "blood_type" => parse_blood_type(value).map(str::to_owned).ok_or(Issue::Choice),
        "religion" => parse_religion(value).map(str::to_owned).ok_or(Issue::Choice),
        "marital_status" => parse_marital(value).map(|m| m.code().to_owned()).ok_or(Issue::Choice),
        "province" => is_area_code(value, 1).then(|| value.to_owned()).ok_or(Issue::Village),
        "regency" => is_area_code(value, 2).then(|| value.to_owned()).ok_or(Issue::Village),
        "district" => is_area_code(value, 3).then(|| value.to_owned()).ok_or(Issue::Village),
        "village_code" => is_area_code(value, 4).then(|| value.to_owned()).ok_or(Issue::Village),
        "nationality" => {
            let code = value.trim().to_uppercase();
            if code == "ID" {
                return Err(Issue::IndonesianNationality);
            }
            countries::is_foreign_nationality(&code)
                .then_some(code)
                .ok_or(Issue::Nationality)
        }
        _ => {
            limit(100, value)?;
            Ok(value.to_owned())
        }
    }
}

/// [`check_field`] for the fields a person types (`None` for a field chosen from a list, or not a field of the
/// form): the same checks, and all that the live check in the browser needs, so that the lists of choices (the
/// countries…) stay out of the WebAssembly.
pub fn check_typed_field(field: &str, value: &str, today: Date) -> Option<Result<String, Issue>> {
    TYPED_FIELDS.contains(&field).then(|| typed_field(field, value, today))
}

fn typed_field(field: &str, value: &str, today: Date) -> Result<String, Issue> {
    if hidden_character(value, false).is_some() {
        return Err(Issue::Invisible);
    }
    match field {
        "nik" => Nik::parse(value, today)
            .map(|n| n.as_str().to_owned())
            .map_err(Issue::Nik),
        "no_kk" => NoKk::parse(value).map(|n| n.as_str().to_owned()).map_err(Issue::NoKk),
        // Counted once composed: a name typed with combining accents is no longer than the same name typed whole.
        "full_name" => {
            limit(60, &names::normalise(value))?;
            name(value).map(|v| v.to_uppercase()).ok_or(Issue::NameAsWritten)
        }
        "birth_place" => {
            limit(50, &names::normalise(value))?;
            name(value).map(|v| v.to_uppercase()).ok_or(Issue::NameAsWritten)
        }
        "occupation" => {
            limit(60, &names::normalise(value))?;
            name(value).ok_or(Issue::Name)
        }
        "street" => {
            limit(100, value)?;
            Ok(value.to_owned())
        }
        "birth_date" => {
            let date = Date::parse_iso(value).ok_or(Issue::Date)?;
            if date > today {
                return Err(Issue::BornInTheFuture);
            }
            Ok(date.to_string())
        }
        "kitap_expiry" => {
            let date = Date::parse_iso(value).ok_or(Issue::Date)?;
            check_kitap(date, today).map_err(|_| Issue::KitapExpired)?;
            Ok(date.to_string())
        }
        "rt" | "rw" => (value.len() <= 3 && value.bytes().all(|b| b.is_ascii_digit()) && value != "0")
            .then(|| format!("{:03}", value.parse::<u16>().unwrap_or(0)))
            .filter(|v| v != "000")
            .ok_or(Issue::RtRw),
        "postal_code" => (value.len() == 5 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.to_owned())
            .ok_or(Issue::PostalCode),
        "phone" => match Identifier::parse(value) {
            Ok(Identifier::Phone(p)) => Ok(p),
            _ => Err(Issue::Phone),
        },
        "email" => match Identifier::parse(value) {
            Ok(Identifier::Email(e)) => Ok(e),
            _ => Err(Issue::Email),
        },
        "passport_no" => {
            let v = value.replace(' ', "").to_uppercase();
            ((6..=12).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then_some(v)
                .ok_or(Issue::Passport)
        }
        "kitap_no" => {
            let v = value.replace(' ', "").to_uppercase();
            ((6..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .then_some(v)
                .ok_or(Issue::KitapNumber)
        }
        // Only the fields of `TYPED_FIELDS` come here.
        _ => Ok(value.to_owned()),
    }
}

/// Every issue [`check_typed_field`] can find, for the live check in the browser: the check is given the message of
/// each, in this order, in the page's language (`api::words`), so that the WebAssembly holds no text of its own.
pub const TYPED_ISSUES: [Issue; 25] = [
    Issue::Invisible,
    Issue::TooLong { max: 50 },
    Issue::TooLong { max: 60 },
    Issue::TooLong { max: 100 },
    Issue::Nik(NikError::Length),
    Issue::Nik(NikError::NotDigits),
    Issue::Nik(NikError::UnknownProvince),
    Issue::Nik(NikError::UnknownRegency),
    Issue::Nik(NikError::BirthDate),
    Issue::Nik(NikError::Serial),
    Issue::NoKk(NoKkError::Length),
    Issue::NoKk(NoKkError::NotDigits),
    Issue::NoKk(NoKkError::UnknownDistrict),
    Issue::NoKk(NoKkError::Date),
    Issue::Name,
    Issue::NameAsWritten,
    Issue::Date,
    Issue::BornInTheFuture,
    Issue::KitapExpired,
    Issue::RtRw,
    Issue::PostalCode,
    Issue::Phone,
    Issue::Email,
    Issue::Passport,
    Issue::KitapNumber,
];

/// A value of at most `max` characters.
fn limit(max: usize, value: &str) -> Result<(), Issue> {
    if value.chars().count() > max {
        Err(Issue::TooLong { max })
    } else {
        Ok(())
    }
}

/// The fields a person types rather than chooses.
pub const TYPED_FIELDS: [&str; 15] = [
    "nik",
    "no_kk",
    "full_name",
    "birth_place",
    "occupation",
    "street",
    "birth_date",
    "kitap_expiry",
    "rt",
    "rw",
    "postal_code",
    "phone",
    "email",
    "passport_no",
    "kitap_no",
];

/// Whether the stated date of birth, and the stated sex, disagree with what `nik` holds. The form refuses both;
/// the staff console warns of them in what was stored.
pub fn nik_conflicts(nik: &Nik, answers: &Answers) -> (bool, bool) {
    let stated_date = answers.get("birth_date").and_then(|d| Date::parse_iso(d));
    let stated_sex = answers.get("sex").and_then(|s| Sex::parse(s));
    (
        stated_date.is_some_and(|d| d != nik.birth_date()),
        stated_sex.is_some_and(|s| s != nik.sex()),
    )
}

/// Rules across fields of the merged answers, reported on the fields of `section`.
fn cross_checks(section: Section, answers: &Answers, today: Date) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    let nik = stated_nik(answers, today);
    match section {
        // A new NIK that disagrees with the birth date already given names the NIK; the birth section names
        // the date and sex. Either way the message names both fields.
        Section::Identity | Section::Birth => {
            if let Some(nik) = &nik {
                let (date_field, sex_field) = if section == Section::Identity {
                    ("nik", "nik")
                } else {
                    ("birth_date", "sex")
                };
                let (date_differs, sex_differs) = nik_conflicts(nik, answers);
                if date_differs {
                    issues.push((date_field, conflict_date(nik.birth_date())));
                }
                if (issues.is_empty() || section != Section::Identity) && sex_differs {
                    issues.push((
                        sex_field,
                        Issue::SexConflictsWithNik {
                            female: nik.sex() == Sex::Female,
                        },
                    ));
                }
            }
        }
        Section::Address => {
            // Each chosen level must sit inside the one above it.
            for pair in AREA_CHAIN.windows(2) {
                if let (Some(parent), Some(child)) = (answers.get(pair[0]), answers.get(pair[1])) {
                    if !child.starts_with(&format!("{parent}.")) {
                        issues.push((pair[1], Issue::Village));
                    }
                }
            }
        }
        Section::Contact if !answers.contains_key("phone") && !answers.contains_key("email") => {
            issues.push(("phone", Issue::ContactMissing));
        }
        _ => {}
    }
    issues
}

/// Whether a section has everything it needs. Documents are done when every scan is there.
pub fn section_done(kind: Kind, section: Section, answers: &Answers, documents: &[Document]) -> bool {
    match section {
        Section::Documents => kind.documents().iter().all(|d| documents.contains(d)),
        Section::Contact => answers.contains_key("phone") || answers.contains_key("email"),
        other => other.required().iter().all(|f| answers.contains_key(*f)),
    }
}

/// The section to continue with: the first one not done.
pub fn next_section(kind: Kind, answers: &Answers, documents: &[Document]) -> Option<Section> {
    kind.sections()
        .iter()
        .copied()
        .find(|s| !section_done(kind, *s, answers, documents))
}

/// How long the KTP-el of a foreign resident will be valid, and whether that is soon.
pub fn kitap_status(answers: &Answers, today: Date) -> Option<Result<KitapStatus, EligibilityError>> {
    let expiry = answers.get("kitap_expiry").and_then(|d| Date::parse_iso(d))?;
    Some(check_kitap(expiry, today))
}

/// Decides, on the day of submission, whether the application may go to the office: every section done and
/// still valid (a KITAP may have expired since it was entered), the applicant eligible, every scan there.
pub fn check_submission(kind: Kind, answers: &Answers, documents: &[Document], today: Date) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    for section in kind.sections() {
        if *section == Section::Documents {
            for document in kind.documents() {
                if !documents.contains(document) {
                    issues.push((document.code(), Issue::DocumentMissing));
                }
            }
            continue;
        }
        if !section_done(kind, *section, answers, documents) {
            let first = section.required().first().copied().unwrap_or("phone");
            issues.push((first, Issue::SectionIncomplete));
            continue;
        }
        let input: Answers = section
            .fields()
            .iter()
            .filter_map(|f| answers.get(*f).map(|v| ((*f).to_owned(), v.clone())))
            .collect();
        if let Err(found) = check_section(*section, &input, answers, today) {
            issues.extend(found);
        }
    }
    if issues.is_empty() {
        let birth = answers.get("birth_date").and_then(|d| Date::parse_iso(d));
        let marital = answers.get("marital_status").and_then(|m| MaritalStatus::parse(m));
        if let (Some(birth), Some(marital)) = (birth, marital) {
            if let Err(EligibilityError::TooYoung) = check_age(birth, marital, today) {
                let from = birth_day_at(birth, 17);
                issues.push((
                    "birth_date",
                    Issue::TooYoung {
                        year: from.year(),
                        month: from.month(),
                        day: from.day(),
                    },
                ));
            }
        }
    }
    issues
}

/// The day someone born on `birth` turns `years` (28 February for 29 February in a common year).
pub fn birth_day_at(birth: Date, years: i32) -> Date {
    let year = birth.year() + years;
    Date::new(year, birth.month(), birth.day())
        .or_else(|| Date::new(year, birth.month(), birth.day() - 1))
        .unwrap_or(birth)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_live_check_has_a_message_for_every_issue_of_a_typed_field() {
        // Wrong values of every kind for every typed field: whatever the check finds is one the page gave words for.
        let today = Date::parse_iso("2026-11-30").unwrap();
        let long = "a".repeat(101);
        let samples = [
            "",
            "x",
            "1",
            "12",
            "abc",
            "12345",
            "0000000000000000",
            "9999999999999999",
            "3201014107900001",
            "1403014107900000",
            "1403019913900001",
            "140301",
            "14030141079000011",
            "3201010101010101",
            "2026-13-01",
            "2030-01-01",
            "1990-02-30",
            "1900-01-01",
            "Bu\u{202e}di",
            "Budi!",
            "BUDI",
            "budi santoso",
            "@",
            "a@",
            "0812",
            "+62812",
            "12 34",
            "A-B",
            "AB12",
            "ABCDEFGHIJKLMNOPQRSTU",
            "0",
            "000",
            "1234",
            "---",
            long.as_str(),
        ];
        for field in TYPED_FIELDS {
            for value in samples {
                if let Some(Err(issue)) = check_typed_field(field, value, today) {
                    assert!(
                        TYPED_ISSUES.contains(&issue),
                        "{field} {value:?}: {issue:?} has no words in the page"
                    );
                }
            }
        }
    }

    fn today() -> Date {
        Date::new(2026, 11, 21).unwrap()
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn citizen() -> Answers {
        answers(&[
            ("nik", "1403094508060002"),
            ("no_kk", "1403091201150003"),
            ("full_name", "SITI AMINAH"),
            ("birth_place", "BENGKALIS"),
            ("birth_date", "2006-08-05"),
            ("sex", "P"),
            ("blood_type", "O+"),
            ("religion", "Islam"),
            ("marital_status", "belum_kawin"),
            ("occupation", "Pelajar"),
            ("street", "Jl. Pertanian No. 5"),
            ("rt", "001"),
            ("rw", "002"),
            ("province", "14"),
            ("regency", "14.03"),
            ("district", "14.03.09"),
            ("village_code", "14.03.09.2001"),
            ("phone", "+6281234567890"),
        ])
    }

    #[test]
    fn identity_is_normalised() {
        let input = answers(&[
            ("nik", "1403 0945 0806 0002"),
            ("no_kk", "1403091201150003"),
            ("full_name", " siti  aminah "),
        ]);
        let out = check_section(Section::Identity, &input, &Answers::new(), today()).unwrap();
        assert_eq!(out["nik"], "1403094508060002");
        assert_eq!(out["full_name"], "SITI AMINAH");
    }

    #[test]
    fn missing_and_bad_fields_are_named() {
        let input = answers(&[("nik", "1403090508060000"), ("full_name", "R2D2")]);
        let issues = check_section(Section::Identity, &input, &Answers::new(), today()).unwrap_err();
        assert_eq!(
            issues,
            vec![
                ("nik", Issue::Nik(NikError::Serial)),
                ("no_kk", Issue::Missing),
                ("full_name", Issue::NameAsWritten)
            ]
        );
    }

    #[test]
    fn a_birth_date_that_contradicts_the_nik_names_both() {
        let saved = answers(&[("nik", "1403094508060002")]);
        let input = answers(&[("birth_place", "Bengkalis"), ("birth_date", "2006-08-06"), ("sex", "L")]);
        let issues = check_section(Section::Birth, &input, &saved, today()).unwrap_err();
        assert_eq!(
            issues,
            vec![
                ("birth_date", conflict_date(Date::new(2006, 8, 5).unwrap())),
                ("sex", Issue::SexConflictsWithNik { female: true })
            ]
        );
        let right = answers(&[
            ("birth_place", "Bengkalis"),
            ("birth_date", "2006-08-05"),
            ("sex", "Perempuan"),
        ]);
        assert_eq!(
            check_section(Section::Birth, &right, &saved, today()).unwrap()["sex"],
            "P"
        );
    }

    #[test]
    fn changing_the_nik_after_the_birth_date_is_caught_on_the_nik() {
        let saved = citizen();
        let input = answers(&[
            ("nik", "1403090508060001"),
            ("no_kk", "1403091201150003"),
            ("full_name", "Siti"),
        ]);
        let issues = check_section(Section::Identity, &input, &saved, today()).unwrap_err();
        assert_eq!(issues, vec![("nik", Issue::SexConflictsWithNik { female: false })]);
    }

    #[test]
    fn choices_accept_names_and_codes() {
        assert_eq!(parse_marital("Belum Kawin"), Some(MaritalStatus::BelumKawin));
        assert_eq!(parse_marital("cerai_mati"), Some(MaritalStatus::CeraiMati));
        assert_eq!(
            parse_religion("kepercayaan terhadap tuhan yme"),
            Some("Kepercayaan terhadap Tuhan YME")
        );
        assert_eq!(parse_blood_type("ab−"), Some("AB-"));
        assert_eq!(parse_blood_type("tidak tahu"), Some("tidak_tahu"));
        assert_eq!(parse_blood_type("C"), None);
    }

    #[test]
    fn the_address_levels_must_nest() {
        let input = answers(&[
            ("street", "Jl. Sudirman"),
            ("rt", "1"),
            ("rw", "12"),
            ("province", "14"),
            ("regency", "14.03"),
            ("district", "14.71.01"),
            ("village_code", "14.71.01.1001"),
        ]);
        let issues = check_section(Section::Address, &input, &Answers::new(), today()).unwrap_err();
        assert_eq!(issues, vec![("district", Issue::Village)]);
        assert_eq!(check_field("rt", "1", today()), Ok("001".into()));
        assert_eq!(check_field("rt", "0", today()), Err(Issue::RtRw));
    }

    #[test]
    fn a_new_province_drops_the_areas_chosen_under_the_old_one() {
        let input = answers(&[
            ("province", "14"),
            ("regency", "14.03"),
            ("district", "14.71.01"),
            ("village_code", "x"),
        ]);
        assert_eq!(
            nested_areas(&input),
            answers(&[("province", "14"), ("regency", "14.03")])
        );
        assert_eq!(nested_areas(&answers(&[("regency", "14.03")])), Answers::new());
    }

    #[test]
    fn a_foreigner_needs_a_valid_kitap() {
        assert_eq!(
            check_field("kitap_expiry", "2026-11-20", today()),
            Err(Issue::KitapExpired)
        );
        assert_eq!(
            check_field("kitap_expiry", "2026-11-22", today()),
            Ok("2026-11-22".into())
        );
        let a = answers(&[("kitap_expiry", "2026-11-22")]);
        assert_eq!(kitap_status(&a, today()), Some(Ok(KitapStatus::ExpiresSoon(1))));
        assert_eq!(check_field("nationality", "sg", today()), Ok("SG".into()));
        assert_eq!(
            check_field("nationality", "ID", today()),
            Err(Issue::IndonesianNationality)
        );
    }

    #[test]
    fn a_complete_citizen_application_may_be_submitted() {
        let a = citizen();
        assert!(check_submission(Kind::Citizen, &a, &[Document::KkScan], today()).is_empty());
        assert_eq!(
            check_submission(Kind::Citizen, &a, &[], today()),
            vec![("kk_scan", Issue::DocumentMissing)]
        );
        assert_eq!(next_section(Kind::Citizen, &a, &[]), Some(Section::Documents));
    }

    #[test]
    fn a_sixteen_year_old_may_apply_only_when_married() {
        let mut a = citizen();
        a.insert("nik".into(), "1403094508100002".into());
        a.insert("birth_date".into(), "2010-08-05".into());
        assert_eq!(
            check_submission(Kind::Citizen, &a, &[Document::KkScan], today()),
            vec![(
                "birth_date",
                Issue::TooYoung {
                    year: 2027,
                    month: 8,
                    day: 5
                }
            )]
        );
        a.insert("marital_status".into(), "kawin".into());
        assert!(check_submission(Kind::Citizen, &a, &[Document::KkScan], today()).is_empty());
    }

    #[test]
    fn a_foreigner_needs_the_stay_permit_and_both_scans() {
        let mut a = citizen();
        let docs = [Document::KkScan];
        let issues = check_submission(Kind::Foreigner, &a, &docs, today());
        assert!(issues.contains(&("nationality", Issue::SectionIncomplete)));
        assert!(issues.contains(&("kitap_scan", Issue::DocumentMissing)));
        a.extend(answers(&[
            ("nationality", "MY"),
            ("passport_no", "A1234567"),
            ("kitap_no", "2C11JE1234"),
            ("kitap_expiry", "2030-01-01"),
        ]));
        assert!(check_submission(Kind::Foreigner, &a, &[Document::KkScan, Document::KitapScan], today()).is_empty());
    }

    #[test]
    fn an_expired_kitap_blocks_submission_even_if_it_was_valid_when_saved() {
        let mut a = citizen();
        a.extend(answers(&[
            ("nationality", "MY"),
            ("passport_no", "A1234567"),
            ("kitap_no", "2C11JE1234"),
            ("kitap_expiry", "2026-11-20"),
        ]));
        let issues = check_submission(Kind::Foreigner, &a, &[Document::KkScan, Document::KitapScan], today());
        assert_eq!(issues, vec![("kitap_expiry", Issue::KitapExpired)]);
    }

    #[test]
    fn seventeen_on_the_29th_of_february() {
        let born = Date::new(2008, 2, 29).unwrap();
        assert_eq!(birth_day_at(born, 17), Date::new(2025, 2, 28).unwrap());
    }

    /// One character of each class that may not be typed, with its name for the failure message.
    pub(crate) const HIDDEN: &[(&str, char)] = &[
        ("NUL", '\u{0}'),
        ("tab", '\t'),
        ("line feed", '\n'),
        ("carriage return", '\r'),
        ("escape", '\u{1B}'),
        ("unit separator", '\u{1F}'),
        ("DEL", '\u{7F}'),
        ("C1 padding", '\u{80}'),
        ("next line (C1)", '\u{85}'),
        ("C1 APC", '\u{9F}'),
        ("soft hyphen", '\u{AD}'),
        ("Arabic letter mark", '\u{61C}'),
        ("Mongolian vowel separator", '\u{180E}'),
        ("zero-width space", '\u{200B}'),
        ("zero-width non-joiner", '\u{200C}'),
        ("zero-width joiner", '\u{200D}'),
        ("left-to-right mark", '\u{200E}'),
        ("right-to-left mark", '\u{200F}'),
        ("line separator", '\u{2028}'),
        ("paragraph separator", '\u{2029}'),
        ("left-to-right embedding", '\u{202A}'),
        ("right-to-left embedding", '\u{202B}'),
        ("pop directional formatting", '\u{202C}'),
        ("left-to-right override", '\u{202D}'),
        ("right-to-left override", '\u{202E}'),
        ("word joiner", '\u{2060}'),
        ("invisible times", '\u{2062}'),
        ("left-to-right isolate", '\u{2066}'),
        ("right-to-left isolate", '\u{2067}'),
        ("first strong isolate", '\u{2068}'),
        ("pop directional isolate", '\u{2069}'),
        ("byte order mark", '\u{FEFF}'),
        ("interlinear annotation", '\u{FFF9}'),
        ("tag letter", '\u{E0041}'),
    ];

    #[test]
    fn every_control_bidi_and_invisible_character_is_refused_in_every_free_text_field() {
        let free_text = ["full_name", "birth_place", "occupation", "street"];
        for (what, c) in HIDDEN {
            assert!(is_hidden_character(*c), "{what}");
            for field in free_text {
                // Inside the value; at either end white space is trimmed, so put it between letters.
                let value = format!("Siti{c}Aminah");
                assert_eq!(
                    check_field(field, &value, today()),
                    Err(Issue::Invisible),
                    "{what} in {field}"
                );
                // What the server runs on a save: the same answer, named on the field.
                let section = Section::ALL.into_iter().find(|s| s.fields().contains(&field)).unwrap();
                let issues =
                    check_section(section, &answers(&[(field, &value)]), &Answers::new(), today()).unwrap_err();
                assert!(
                    issues.contains(&(field, Issue::Invisible)),
                    "{what} in {field}: {issues:?}"
                );
            }
        }
        // Every other field too, before its own check would say something less helpful.
        for field in [
            "nik",
            "no_kk",
            "phone",
            "email",
            "passport_no",
            "kitap_no",
            "postal_code",
            "rt",
        ] {
            assert_eq!(
                check_field(field, "1403\u{200B}094508060002", today()),
                Err(Issue::Invisible),
                "{field}"
            );
        }
    }

    #[test]
    fn a_right_to_left_override_cannot_disguise_a_street() {
        // Shown as "Jl. Melati 5 gpj.exe"-style trickery: the override reverses what follows it.
        let street = "Jl. Melati \u{202E}5 oN";
        let issues = check_section(
            Section::Address,
            &answers(&[("street", street)]),
            &Answers::new(),
            today(),
        )
        .unwrap_err();
        assert_eq!(issues[0], ("street", Issue::Invisible));
    }

    #[test]
    fn ordinary_writing_passes() {
        for c in ['a', 'é', 'ñ', 'ß', ' ', '\u{A0}', '\'', '’', '-', '.', ',', 'ü', 'Ç'] {
            assert!(!is_hidden_character(c), "{c:?}");
        }
        assert_eq!(
            check_field("full_name", "Siti Nur’aini", today()),
            Ok("SITI NUR’AINI".into())
        );
        assert!(check_field("street", "Jl. Sudirman No. 12, Gg. Melati", today()).is_ok());
        // A tab or line break at either end is trimmed, not refused; inside, it is refused.
        let saved = check_section(
            Section::Birth,
            &answers(&[
                ("birth_place", "\tBengkalis\n"),
                ("birth_date", "2006-08-05"),
                ("sex", "P"),
            ]),
            &Answers::new(),
            today(),
        )
        .unwrap();
        assert_eq!(saved["birth_place"], "BENGKALIS");
        assert_eq!(hidden_character("\tBengkalis\n", false), None);
        assert_eq!(hidden_character("Beng\nkalis", false), Some('\n'));
        assert_eq!(hidden_character("Beng\nkalis", true), None);
        assert_eq!(hidden_character("Beng\r\nkalis", true), Some('\r'));
    }
}
