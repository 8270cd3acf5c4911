//! What each queued message says, in the applicant's language. A message names the application by its
//! registration number and tells what happens next; it never carries the NIK, a name, or a link that opens
//! anything by itself (the applicant signs in to see more).

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
}

/// A written message: a subject (email) and a body (email, SMS or WhatsApp).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    pub body: String,
}

/// The message for `claimed`, or `None` when its change is one the applicant is not told of (the office's inner
/// steps) or its payload cannot be read. `points` names the service points.
pub fn write(claimed: &Claimed, points: &HashMap<String, String>) -> Option<Written> {
    let locale = Locale::parse(&claimed.locale).unwrap_or_default();
    let t = match locale {
        Locale::Id => &ID,
        Locale::En => &EN,
    };
    let payload: serde_json::Value = serde_json::from_str(&claimed.payload).ok()?;
    let text = |key: &str| payload.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let day = |key: &str| {
        Date::parse_iso(&text(key))
            .map(|d| long_day(locale.texts(), d))
            .unwrap_or_default()
    };
    let reference = claimed.reference.clone().unwrap_or_else(|| t.no_reference.to_owned());
    let point = points.get(&text("point")).cloned().unwrap_or_else(|| text("point"));
    let fill = |template: &str| {
        template
            .replace("{ref}", &reference)
            .replace("{day}", &day("day"))
            .replace("{time}", &text("starts"))
            .replace("{point}", &point)
            .replace("{reason}", &text("reason"))
    };
    let letter = |body: String| format!("{}\n\n{}\n\n{}", t.greeting, body, t.signature);
    let (subject, body) = match Topic::from_code(&claimed.topic)? {
        Topic::StatusChanged => match Status::ALL.into_iter().find(|s| s.code() == text("status"))? {
            Status::Submitted => (t.submitted_subject, t.submitted_body.to_owned()),
            Status::Returned => (t.returned_subject, t.returned_body.to_owned()),
            Status::Rejected => (t.rejected_subject, t.rejected_body.to_owned()),
            Status::Approved => (t.approved_subject, t.approved_body.to_owned()),
            Status::Clarification => (t.clarification_subject, t.clarification_body.to_owned()),
            Status::Ready => (t.ready_subject, t.ready_body.to_owned()),
            Status::Issued => (t.issued_subject, t.issued_body.to_owned()),
            Status::Draft | Status::Recorded | Status::Identifying | Status::Personalizing => return None,
        },
        Topic::BookingConfirmed => (t.confirmed_subject, t.confirmed_body.to_owned()),
        Topic::BookingMoved => {
            let from = format!("{} {}", day("from_day"), text("from_starts"));
            (t.moved_subject, t.moved_body.replace("{from}", &from))
        }
        Topic::BookingCancelled if payload.get("by_applicant").is_some() => {
            (t.cancelled_subject, t.cancelled_by_applicant.to_owned())
        }
        Topic::BookingCancelled => (t.cancelled_subject, t.cancelled_by_office.to_owned()),
        Topic::BookingReminder => (t.reminder_subject, t.reminder_body.to_owned()),
        Topic::ComplaintAnswered => (t.answered_subject, t.answered_body.replace("{answer}", &text("answer"))),
        Topic::KitapRenewal => {
            let expires = day("expires");
            return Some(Written {
                subject: t.renewal_subject.replace("{day}", &expires),
                body: letter(t.renewal_body.replace("{day}", &expires)),
            });
        }
    };
    Some(Written {
        subject: fill(subject),
        body: letter(fill(&body)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(topic: &str, payload: serde_json::Value, locale: &str) -> Claimed {
        Claimed {
            id: "m1".into(),
            topic: topic.into(),
            payload: payload.to_string(),
            attempts: 0,
            to: "warga@example.id".into(),
            locale: locale.into(),
            reference: Some("BKS-2026-000123".into()),
        }
    }

    fn points() -> HashMap<String, String> {
        HashMap::from([("dinas".to_owned(), "Kantor Disdukcapil Bengkalis".to_owned())])
    }

    #[test]
    fn a_returned_application_says_why_in_the_applicants_language() {
        let payload = serde_json::json!({ "status": "returned", "reason": "Foto KK buram" });
        let id = write(&claimed("status_changed", payload.clone(), "id"), &points()).unwrap();
        assert_eq!(id.subject, "Permohonan BKS-2026-000123 perlu diperbaiki");
        assert!(id.body.contains("Alasan: Foto KK buram"), "{}", id.body);
        let en = write(&claimed("status_changed", payload, "en"), &points()).unwrap();
        assert!(en.body.contains("Reason: Foto KK buram"), "{}", en.body);
    }

    #[test]
    fn appointments_are_written_out_with_weekday_time_and_point() {
        let payload = serde_json::json!({ "point": "dinas", "day": "2026-11-23", "starts": "09:30" });
        let m = write(&claimed("booking_reminder", payload, "id"), &points()).unwrap();
        assert!(
            m.body.contains("Besok, Senin, 23 November 2026 pukul 09:30 WIB"),
            "{}",
            m.body
        );
        assert!(m.body.contains("di Kantor Disdukcapil Bengkalis"), "{}", m.body);
        let payload =
            serde_json::json!({ "point": "dinas", "day": "2026-11-23", "starts": "09:30", "reason": "Libur" });
        let m = write(&claimed("booking_cancelled", payload, "en"), &points()).unwrap();
        assert!(m.body.contains("because of: Libur"), "{}", m.body);
    }

    #[test]
    fn the_offices_inner_steps_are_not_told_and_nothing_names_a_link() {
        let inner = serde_json::json!({ "status": "identifying" });
        assert_eq!(write(&claimed("status_changed", inner, "id"), &points()), None);
        for status in ["submitted", "approved", "clarification", "ready", "issued"] {
            let m = write(
                &claimed("status_changed", serde_json::json!({ "status": status }), "en"),
                &points(),
            )
            .unwrap();
            assert!(!m.body.contains("http"), "{status}: {}", m.body);
            assert!(m.subject.contains("BKS-2026-000123"), "{status}: {}", m.subject);
        }
    }

    #[test]
    fn a_kitap_renewal_names_the_expiry() {
        let m = write(
            &claimed("kitap_renewal", serde_json::json!({ "expires": "2027-01-15" }), "en"),
            &points(),
        )
        .unwrap();
        assert_eq!(m.subject, "Your KITAP and KTP-el expire on Friday, 15 January 2027");
    }
}
