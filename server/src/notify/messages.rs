//! What each queued message says, in the applicant's language. A message names the application by its
//! registration number and tells what happens next; it never carries the NIK or a name, and no link but one: the
//! missed appointment's link to the application's booking page on the portal (`PUBLIC_BASE_URL`, then
//! `/permohonan/<application id>/jadwal`), which opens nothing by itself (the applicant signs in there). Every other
//! message tells the applicant to sign in to the portal.

use crate::db::outbox::{Claimed, Topic};
use app::{
    components::form::long_day,
    domain::{application::Status, Date},
    i18n::Locale,
};
use std::collections::HashMap;

macro_rules! texts {
    ($($key:ident: $id:expr, $en:expr;)*) => {
        struct T { $($key: &'static str,)* }
        const ID: T = T { $($key: $id,)* };
        const EN: T = T { $($key: $en,)* };
    };
}

texts! {
    greeting: "Yth. Pemohon,", "Dear applicant,";
    signature: "Disdukcapil Kabupaten Bengkalis\nPesan ini dikirim otomatis; jangan dibalas. Masuk ke Portal KTP-el untuk melihat permohonan Anda.",
        "Disdukcapil of Bengkalis Regency\nThis message is sent automatically; do not reply. Sign in to the Portal KTP-el to see your application.";
    submitted_subject: "Permohonan {ref} diterima", "Application {ref} received";
    submitted_body: "Permohonan KTP-el Anda dengan nomor registrasi {ref} sudah kami terima. Petugas akan memeriksanya; Anda akan mendapat pesan bila disetujui atau perlu diperbaiki.",
        "We have received your KTP-el application, registration number {ref}. Staff will check it; you will get a message when it is approved or needs correcting.";
    returned_subject: "Permohonan {ref} perlu diperbaiki", "Application {ref} needs correcting";
    returned_body: "Petugas mengembalikan permohonan {ref} untuk diperbaiki.\nAlasan: {reason}\nSilakan masuk ke portal, perbaiki isian, lalu ajukan kembali.",
        "Staff returned application {ref} for correction.\nReason: {reason}\nPlease sign in to the portal, correct it, and submit it again.";
    rejected_subject: "Permohonan {ref} ditolak", "Application {ref} was rejected";
    rejected_body: "Permohonan {ref} ditolak.\nAlasan: {reason}\nBila ada pertanyaan, datanglah ke kantor Disdukcapil atau ajukan pengaduan di portal.",
        "Application {ref} was rejected.\nReason: {reason}\nIf you have questions, visit the Disdukcapil office or file a complaint on the portal.";
    approved_subject: "Permohonan {ref} disetujui: pilih jadwal perekaman", "Application {ref} approved: book your recording";
    approved_body: "Permohonan {ref} disetujui. Langkah berikutnya: masuk ke portal dan pilih jadwal perekaman foto, tanda tangan, sidik jari dan iris di tempat pelayanan.",
        "Application {ref} is approved. Next: sign in to the portal and book the appointment where your photo, signature, fingerprints and iris are recorded.";
    clarification_subject: "Permohonan {ref}: perlu klarifikasi", "Application {ref}: clarification needed";
    clarification_body: "Pemeriksaan identitas pusat menemukan data yang perlu dijelaskan. Datanglah ke kantor Disdukcapil Kabupaten Bengkalis dengan KK dan dokumen asli Anda untuk klarifikasi.",
        "The central identity check found a record that needs explaining. Please come to the Disdukcapil office of Bengkalis Regency with your family card (KK) and original documents for clarification.";
    ready_subject: "KTP-el untuk {ref} siap diambil", "The KTP-el for {ref} is ready to collect";
    ready_body: "KTP-el Anda siap diambil di tempat pelayanan. Bawa formulir permohonan yang dicetak dari portal (dengan kode QR) dan KK asli.",
        "Your KTP-el is ready to collect at the service point. Bring the application form printed from the portal (with its QR code) and your original family card (KK).";
    issued_subject: "KTP-el untuk {ref} sudah diserahkan", "The KTP-el for {ref} has been handed over";
    issued_body: "KTP-el Anda sudah diserahkan. Terima kasih telah menggunakan Portal KTP-el.",
        "Your KTP-el has been handed over. Thank you for using the Portal KTP-el.";
    confirmed_subject: "Jadwal perekaman {ref}: {day}", "Recording appointment for {ref}: {day}";
    confirmed_body: "Jadwal perekaman Anda: {day} pukul {time} WIB di {point}. Bawa formulir permohonan yang dicetak dari portal dan KK asli.",
        "Your recording appointment: {day} at {time} WIB at {point}. Bring the application form printed from the portal and your original family card (KK).";
    moved_subject: "Jadwal perekaman {ref} dipindah ke {day}", "Recording appointment for {ref} moved to {day}";
    moved_body: "Jadwal perekaman Anda dipindah dari {from} ke {day} pukul {time} WIB di {point}.",
        "Your recording appointment moved from {from} to {day} at {time} WIB at {point}.";
    cancelled_subject: "Jadwal perekaman {ref} dibatalkan", "Recording appointment for {ref} cancelled";
    cancelled_by_applicant: "Jadwal perekaman Anda pada {day} pukul {time} WIB di {point} sudah dibatalkan sesuai permintaan Anda. Anda dapat memilih jadwal baru di portal.",
        "Your recording appointment on {day} at {time} WIB at {point} is cancelled, as you asked. You can book a new one on the portal.";
    cancelled_by_office: "Mohon maaf, jadwal perekaman Anda pada {day} pukul {time} WIB di {point} dibatalkan karena: {reason}. Silakan pilih jadwal baru di portal.",
        "We are sorry: your recording appointment on {day} at {time} WIB at {point} is cancelled because of: {reason}. Please book a new one on the portal.";
    reminder_subject: "Pengingat: perekaman {ref} besok", "Reminder: your recording for {ref} is tomorrow";
    reminder_body: "Besok, {day} pukul {time} WIB, jadwal perekaman Anda di {point}. Bawa formulir permohonan yang dicetak dari portal dan KK asli. Bila berhalangan, ubah jadwal di portal.",
        "Tomorrow, {day} at {time} WIB, is your recording appointment at {point}. Bring the application form printed from the portal and your original family card (KK). If you cannot come, change it on the portal.";
    renewal_subject: "KITAP dan KTP-el Anda berakhir {day}", "Your KITAP and KTP-el expire on {day}";
    renewal_body: "KITAP Anda, dan karena itu KTP-el Anda, berlaku sampai {day}. Perpanjang KITAP di kantor imigrasi, lalu ajukan KTP-el baru di portal.",
        "Your KITAP, and so your KTP-el, is valid until {day}. Renew your KITAP at the immigration office, then apply for a new KTP-el on the portal.";
    no_reference: "Anda", "yours";
    answered_subject: "Pengaduan Anda tentang {ref} dijawab", "Your complaint about {ref} has an answer";
    answered_body: "Petugas menjawab pengaduan Anda:\n{answer}\nMasuk ke portal untuk membaca atau menandainya selesai.",
        "Staff answered your complaint:\n{answer}\nSign in to the portal to read it or mark it resolved.";
    distributing_subject: "KTP-el untuk {ref} sedang dikirim ke {point}", "The KTP-el for {ref} is on its way to {point}";
    distributing_body: "KTP-el Anda sudah dicetak dan sedang dikirim ke {point}. Anda akan mendapat pesan bila sudah siap diambil di sana.",
        "Your KTP-el has been printed and is on its way to {point}. You will get a message when it is ready to collect there.";
    your_point: "tempat pelayanan Anda", "your service point";
    cancelled_returned: "Jadwal perekaman Anda pada {day} pukul {time} WIB di {point} dibatalkan karena permohonan Anda dikembalikan untuk diperbaiki; tempatnya kami lepaskan untuk pemohon lain. Setelah Anda memperbaiki dan mengajukan kembali permohonan, pilih jadwal baru di portal.",
        "Your recording appointment on {day} at {time} WIB at {point} is cancelled because your application was returned for a correction, so the place was freed for others. Once you have corrected and resubmitted your application, book a new appointment on the portal.";
    cancelled_rejected: "Jadwal perekaman Anda pada {day} pukul {time} WIB di {point} dibatalkan karena permohonan Anda ditolak; tempatnya kami lepaskan untuk pemohon lain.",
        "Your recording appointment on {day} at {time} WIB at {point} is cancelled because your application was rejected, so the place was freed for others.";
    cancelled_district: "Jadwal perekaman Anda pada {day} pukul {time} WIB di {point} dibatalkan karena kecamatan dalam alamat Anda berubah dan {point} tidak melayani kecamatan itu; tempatnya kami lepaskan untuk pemohon lain. Pilih jadwal baru di portal, di tempat pelayanan untuk kecamatan Anda.",
        "Your recording appointment on {day} at {time} WIB at {point} is cancelled because the district in your address changed and {point} does not serve it, so the place was freed for others. Book a new appointment on the portal, at the service point for your district.";
    missed_subject: "Anda tidak datang ke jadwal perekaman {ref}", "You missed your recording appointment for {ref}";
    missed_body: "Anda tidak datang pada jadwal perekaman {day} pukul {time} WIB di {point}. Silakan pilih jadwal baru:\n{link}\n(Masuk dengan alamat email atau nomor HP akun Anda.)",
        "You did not come to your recording appointment on {day} at {time} WIB at {point}. Please book a new one:\n{link}\n(Sign in with your account's email address or mobile number.)";
    missed_body_no_link: "Anda tidak datang pada jadwal perekaman {day} pukul {time} WIB di {point}. Silakan masuk ke portal dan pilih jadwal baru.",
        "You did not come to your recording appointment on {day} at {time} WIB at {point}. Please sign in to the portal and book a new one.";
    withheld_subject: "KTP-el untuk {ref} tidak dapat diserahkan", "The KTP-el for {ref} could not be handed over";
    withheld_body: "Saat penyerahan, pemeriksaan sidik jari Anda tidak cocok dengan data pada KTP-el. Karena itu kartu tidak diserahkan dan dikembalikan ke Kemendagri untuk dimusnahkan. Datanglah ke kantor Disdukcapil Kabupaten Bengkalis untuk klarifikasi dengan membawa KK asli Anda.",
        "At handover, the check of your fingerprint did not match the KTP-el. The card was therefore withheld and returned to Kemendagri (the Ministry of Home Affairs) to be destroyed. Please come to the Disdukcapil office of Bengkalis Regency for clarification, bringing your original family card (KK).";
}

/// Why a queued message cannot be written: its topic, or a code in its payload, is not one this program knows (or
/// the payload is not JSON). Trying again would not help: the message is set aside with this reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the message cannot be written: {0}")]
pub struct Unwritable(pub String);

/// A written message: a subject (email) and a body (email, SMS or WhatsApp).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    pub body: String,
}

/// The message for `claimed`, or `None` when its change is one the applicant is not told of (the office's inner
/// steps). `points` names the service points; `portal` is the portal's address for the missed appointment's link.
pub fn write(
    claimed: &Claimed,
    points: &HashMap<String, String>,
    portal: Option<&str>,
) -> Result<Option<Written>, Unwritable> {
    let locale = Locale::parse(&claimed.locale).unwrap_or_default();
    let t = match locale {
        Locale::Id => &ID,
        Locale::En => &EN,
    };
    let payload: serde_json::Value =
        serde_json::from_str(&claimed.payload).map_err(|_| Unwritable("the payload is not JSON".into()))?;
    let text = |key: &str| payload.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let unknown = |what: &str, value: &str| {
        Unwritable(format!(
            "unknown {what} {:?}",
            value.chars().take(40).collect::<String>()
        ))
    };
    let day = |key: &str| {
        Date::parse_iso(&text(key))
            .map(|d| long_day(locale.texts(), d))
            .unwrap_or_default()
    };
    let reference = claimed.reference.clone().unwrap_or_else(|| t.no_reference.to_owned());
    let point = match text("point") {
        id if id.is_empty() => t.your_point.to_owned(),
        id => points.get(&id).cloned().unwrap_or(id),
    };
    let fill = |template: &str| {
        template
            .replace("{ref}", &reference)
            .replace("{day}", &day("day"))
            .replace("{time}", &text("starts"))
            .replace("{point}", &point)
            .replace("{reason}", &text("reason"))
    };
    let letter = |body: String| format!("{}\n\n{}\n\n{}", t.greeting, body, t.signature);
    let topic = Topic::from_code(&claimed.topic).ok_or_else(|| unknown("topic", &claimed.topic))?;
    let (subject, body) = match topic {
        Topic::StatusChanged => {
            match Status::parse(&text("status")).ok_or_else(|| unknown("status", &text("status")))? {
                Status::Submitted => (t.submitted_subject, t.submitted_body.to_owned()),
                Status::Returned => (t.returned_subject, t.returned_body.to_owned()),
                Status::Rejected => (t.rejected_subject, t.rejected_body.to_owned()),
                Status::Approved => (t.approved_subject, t.approved_body.to_owned()),
                Status::Clarification => (t.clarification_subject, t.clarification_body.to_owned()),
                Status::Distributing => (t.distributing_subject, t.distributing_body.to_owned()),
                Status::Ready => (t.ready_subject, t.ready_body.to_owned()),
                Status::Issued => (t.issued_subject, t.issued_body.to_owned()),
                Status::Draft | Status::Recorded | Status::Identifying | Status::Personalizing => return Ok(None),
            }
        }
        Topic::BookingConfirmed => (t.confirmed_subject, t.confirmed_body.to_owned()),
        Topic::BookingMoved => {
            let from = format!("{} {}", day("from_day"), text("from_starts"));
            (t.moved_subject, t.moved_body.replace("{from}", &from))
        }
        Topic::BookingCancelled => {
            let body = match payload.get("because") {
                Some(because) => match because.as_str().unwrap_or_default() {
                    "returned" => t.cancelled_returned,
                    "rejected" => t.cancelled_rejected,
                    "district_changed" => t.cancelled_district,
                    other => return Err(unknown("cancellation cause", other)),
                },
                None if payload.get("by_applicant").is_some() => t.cancelled_by_applicant,
                None => t.cancelled_by_office,
            };
            (t.cancelled_subject, body.to_owned())
        }
        Topic::BookingReminder => (t.reminder_subject, t.reminder_body.to_owned()),
        Topic::ComplaintAnswered => (t.answered_subject, t.answered_body.replace("{answer}", &text("answer"))),
        Topic::KitapRenewal => {
            let expires = day("expires");
            return Ok(Some(Written {
                subject: t.renewal_subject.replace("{day}", &expires),
                body: letter(t.renewal_body.replace("{day}", &expires)),
            }));
        }
        Topic::AppointmentMissed => match (portal, &claimed.application) {
            // The one message with a link: the application's own booking page, named by its id (never the NIK).
            (Some(portal), Some(application)) => {
                let link = format!("{}/permohonan/{application}/jadwal", portal.trim_end_matches('/'));
                (t.missed_subject, t.missed_body.replace("{link}", &link))
            }
            _ => (t.missed_subject, t.missed_body_no_link.to_owned()),
        },
        Topic::CardWithheld => (t.withheld_subject, t.withheld_body.to_owned()),
    };
    Ok(Some(Written {
        subject: fill(subject),
        body: letter(fill(&body)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: &str = "https://ktp.bengkalis.go.id";

    fn claimed(topic: &str, payload: serde_json::Value, locale: &str) -> Claimed {
        Claimed {
            id: "m1".into(),
            topic: topic.into(),
            payload: payload.to_string(),
            attempts: 0,
            to: "warga@example.id".into(),
            contact: false,
            locale: locale.into(),
            application: Some("q7Xk2mPz9aBcDeFg".into()),
            reference: Some("BKS-2026-000123".into()),
        }
    }

    fn points() -> HashMap<String, String> {
        HashMap::from([
            ("dinas".to_owned(), "Kantor Disdukcapil Bengkalis".to_owned()),
            ("14.03.01".to_owned(), "Kantor Camat Bengkalis".to_owned()),
        ])
    }

    fn written(topic: &str, payload: serde_json::Value, locale: &str) -> Written {
        write(&claimed(topic, payload, locale), &points(), Some(PORTAL))
            .expect("written")
            .expect("told")
    }

    fn appointment() -> serde_json::Value {
        serde_json::json!({ "point": "dinas", "day": "2026-11-23", "starts": "09:30" })
    }

    /// One of each message the worker writes, with the payload its topic carries.
    fn every_message() -> Vec<(&'static str, serde_json::Value)> {
        let mut all: Vec<(&str, serde_json::Value)> = Status::ALL
            .into_iter()
            .map(|s| {
                (
                    "status_changed",
                    serde_json::json!({ "status": s.code(), "reason": "Foto buram", "point": "14.03.01" }),
                )
            })
            .collect();
        let with = |extra: serde_json::Value| {
            let mut p = appointment();
            p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            p
        };
        all.extend([
            ("booking_confirmed", appointment()),
            (
                "booking_moved",
                with(serde_json::json!({ "from_day": "2026-11-20", "from_starts": "08:00" })),
            ),
            ("booking_cancelled", with(serde_json::json!({ "by_applicant": true }))),
            ("booking_cancelled", with(serde_json::json!({ "reason": "Libur" }))),
            ("booking_cancelled", with(serde_json::json!({ "because": "returned" }))),
            ("booking_cancelled", with(serde_json::json!({ "because": "rejected" }))),
            (
                "booking_cancelled",
                with(serde_json::json!({ "because": "district_changed" })),
            ),
            ("booking_reminder", appointment()),
            ("kitap_renewal", serde_json::json!({ "expires": "2027-01-15" })),
            (
                "complaint_answered",
                serde_json::json!({ "answer": "Sudah kami proses." }),
            ),
            ("appointment_missed", appointment()),
            ("card_withheld", serde_json::json!({})),
        ]);
        all
    }

    #[test]
    fn a_returned_application_says_why_in_the_applicants_language() {
        let payload = serde_json::json!({ "status": "returned", "reason": "Foto KK buram" });
        let id = written("status_changed", payload.clone(), "id");
        assert_eq!(id.subject, "Permohonan BKS-2026-000123 perlu diperbaiki");
        assert!(id.body.contains("Alasan: Foto KK buram"), "{}", id.body);
        let en = written("status_changed", payload, "en");
        assert!(en.body.contains("Reason: Foto KK buram"), "{}", en.body);
    }

    #[test]
    fn appointments_are_written_out_with_weekday_time_and_point() {
        let m = written("booking_reminder", appointment(), "id");
        assert!(
            m.body.contains("Besok, Senin, 23 November 2026 pukul 09:30 WIB"),
            "{}",
            m.body
        );
        assert!(m.body.contains("di Kantor Disdukcapil Bengkalis"), "{}", m.body);
        let payload =
            serde_json::json!({ "point": "dinas", "day": "2026-11-23", "starts": "09:30", "reason": "Libur" });
        let m = written("booking_cancelled", payload, "en");
        assert!(m.body.contains("because of: Libur"), "{}", m.body);
    }

    #[test]
    fn the_offices_inner_steps_are_not_told_and_only_the_missed_appointment_names_a_link() {
        for status in ["draft", "recorded", "identifying", "personalizing"] {
            let inner = serde_json::json!({ "status": status });
            assert_eq!(
                write(&claimed("status_changed", inner, "id"), &points(), Some(PORTAL)),
                Ok(None),
                "{status}"
            );
        }
        for locale in ["id", "en"] {
            for (topic, payload) in every_message() {
                let Some(m) = write(&claimed(topic, payload.clone(), locale), &points(), Some(PORTAL)).unwrap() else {
                    continue;
                };
                assert!(
                    !m.subject.contains('{') && !m.body.contains('{'),
                    "{topic} {payload}: {m:?}"
                );
                let links = m.body.matches("http").count() + m.subject.matches("http").count();
                if topic == "appointment_missed" {
                    assert_eq!(links, 1, "{locale}: {}", m.body);
                } else {
                    assert_eq!(links, 0, "{topic} {payload} ({locale}) names a link: {}", m.body);
                }
                if topic != "kitap_renewal" {
                    assert!(m.subject.contains("BKS-2026-000123"), "{topic}: {}", m.subject);
                }
            }
        }
    }

    #[test]
    fn a_missed_appointment_links_to_the_applications_booking_page_and_to_nothing_else() {
        let m = written("appointment_missed", appointment(), "id");
        assert_eq!(m.subject, "Anda tidak datang ke jadwal perekaman BKS-2026-000123");
        assert!(
            m.body.contains(
                "Anda tidak datang pada jadwal perekaman Senin, 23 November 2026 pukul 09:30 WIB di Kantor \
                 Disdukcapil Bengkalis. Silakan pilih jadwal baru:\nhttps://ktp.bengkalis.go.id/permohonan/\
                 q7Xk2mPz9aBcDeFg/jadwal\n"
            ),
            "{}",
            m.body
        );
        let en = written("appointment_missed", appointment(), "en");
        assert!(
            en.body
                .contains("You did not come to your recording appointment on Monday, 23 November 2026 at 09:30 WIB")
                && en
                    .body
                    .contains("https://ktp.bengkalis.go.id/permohonan/q7Xk2mPz9aBcDeFg/jadwal"),
            "{}",
            en.body
        );
        // Without the portal's address the applicant is told to sign in, and no half-made link goes out.
        let bare = write(&claimed("appointment_missed", appointment(), "en"), &points(), None)
            .unwrap()
            .unwrap();
        assert!(
            !bare.body.contains("http") && !bare.body.contains("/permohonan/"),
            "{}",
            bare.body
        );
        assert!(
            bare.body.contains("sign in to the portal and book a new one"),
            "{}",
            bare.body
        );
    }

    #[test]
    fn a_withheld_card_says_what_happened_and_what_to_bring() {
        let id = written("card_withheld", serde_json::json!({}), "id");
        assert_eq!(id.subject, "KTP-el untuk BKS-2026-000123 tidak dapat diserahkan");
        for part in [
            "sidik jari",
            "tidak cocok",
            "dikembalikan ke Kemendagri",
            "klarifikasi",
            "KK asli",
        ] {
            assert!(id.body.contains(part), "{part}: {}", id.body);
        }
        let en = written("card_withheld", serde_json::json!({}), "en");
        for part in [
            "fingerprint",
            "did not match",
            "withheld",
            "returned to Kemendagri",
            "clarification",
            "(KK)",
        ] {
            assert!(en.body.contains(part), "{part}: {}", en.body);
        }
        assert!(
            !en.body.contains("central identity check"),
            "not explained as an AFIS duplicate"
        );
    }

    #[test]
    fn a_card_on_its_way_names_the_point_it_goes_to() {
        let payload = serde_json::json!({ "status": "distributing", "point": "14.03.01" });
        let id = written("status_changed", payload.clone(), "id");
        assert_eq!(
            id.subject,
            "KTP-el untuk BKS-2026-000123 sedang dikirim ke Kantor Camat Bengkalis"
        );
        assert!(
            id.body
                .contains("sudah dicetak dan sedang dikirim ke Kantor Camat Bengkalis"),
            "{}",
            id.body
        );
        let en = written("status_changed", payload, "en");
        assert!(
            en.body
                .contains("has been printed and is on its way to Kantor Camat Bengkalis"),
            "{}",
            en.body
        );
    }

    #[test]
    fn a_cancellation_by_the_process_says_why_the_place_was_freed() {
        let because = |why: &str, locale: &str| {
            let mut payload = appointment();
            payload["because"] = why.into();
            written("booking_cancelled", payload, locale).body
        };
        let returned = because("returned", "en");
        assert!(
            returned.contains("because your application was returned for a correction")
                && returned.contains("Once you have corrected and resubmitted"),
            "{returned}"
        );
        let rejected = because("rejected", "en");
        assert!(rejected.contains("because your application was rejected"), "{rejected}");
        assert!(
            !rejected.contains("book"),
            "a rejected applicant is not told to book: {rejected}"
        );
        let moved = because("district_changed", "en");
        assert!(
            moved.contains("the district in your address changed and Kantor Disdukcapil Bengkalis does not serve it"),
            "{moved}"
        );
        assert!(because("returned", "id").contains("dikembalikan untuk diperbaiki"));
        assert!(because("rejected", "id").contains("permohonan Anda ditolak"));
        assert!(because("district_changed", "id").contains("kecamatan dalam alamat Anda berubah"));
        for body in [because("returned", "id"), because("rejected", "en")] {
            assert!(
                body.contains("Senin, 23 November 2026") || body.contains("Monday, 23 November 2026"),
                "{body}"
            );
        }
    }

    #[test]
    fn a_code_the_program_does_not_know_is_an_error_not_a_quiet_message() {
        let mut payload = appointment();
        payload["because"] = "weather".into();
        for (topic, payload) in [
            ("booking_cancelled", payload),
            ("status_changed", serde_json::json!({ "status": "frozen" })),
            ("carrier_pigeon", serde_json::json!({})),
        ] {
            let result = write(&claimed(topic, payload, "id"), &points(), Some(PORTAL));
            assert!(result.is_err(), "{topic}: {result:?}");
        }
        let mut broken = claimed("card_withheld", serde_json::json!({}), "id");
        broken.payload = "{not json".into();
        assert!(write(&broken, &points(), Some(PORTAL)).is_err());
    }

    #[test]
    fn every_topic_has_its_fixed_code() {
        for topic in Topic::ALL {
            assert_eq!(Topic::from_code(topic.code()), Some(topic));
        }
        assert_eq!(Topic::AppointmentMissed.code(), "appointment_missed");
        assert_eq!(Topic::CardWithheld.code(), "card_withheld");
    }

    #[test]
    fn a_kitap_renewal_names_the_expiry() {
        let m = written("kitap_renewal", serde_json::json!({ "expires": "2027-01-15" }), "en");
        assert_eq!(m.subject, "Your KITAP and KTP-el expire on Friday, 15 January 2027");
    }
}
