//! The console's strings, in Bahasa Indonesia and English. One macro line per key gives both languages, so a key
//! without its translation does not build. Statuses and the applicant's answers reuse the citizen pages' texts.

use app::{
    domain::{
        application::Status,
        process::{ProcessError, Role, Step},
    },
    i18n::Locale,
};

macro_rules! texts {
    ($($key:ident: $id:expr, $en:expr;)*) => {
        pub struct T { $(pub $key: &'static str,)* }
        pub const ID: T = T { $($key: $id,)* };
        pub const EN: T = T { $($key: $en,)* };
    };
}

texts! {
    console: "Konsol Petugas", "Staff console";
    office: "Disdukcapil Kabupaten Bengkalis", "Disdukcapil of Bengkalis Regency";
    skip: "Langsung ke isi", "Skip to content";
    sign_in: "Masuk", "Sign in";
    sign_out: "Keluar", "Sign out";
    sign_out_everywhere: "Keluar dari semua perangkat", "Sign out on every device";
    signed_out_everywhere_title: "Keluar dari semua perangkat", "Signed out on every device";
    signed_out_everywhere: "Semua sesi Anda telah diakhiri, di perangkat ini dan di perangkat lain.",
        "Every session of yours has ended, on this device and on the others.";
    sign_in_again: "Masuk lagi", "Sign in again";
    complaints: "Pengaduan", "Complaints";
    complaint_open: "Terbuka", "Open";
    complaint_answered: "Dijawab", "Answered";
    complaint_closed: "Selesai", "Closed";
    complaint_filed: "diajukan", "filed";
    complaint_answer: "Jawaban", "Answer";
    complaint_send: "Kirim jawaban", "Send the answer";
    complaint_answer_sent: "Jawaban terkirim; pemohon mendapat pesan.", "The answer is sent; the applicant gets a message.";
    complaint_answer_bad: "Tulis jawabannya (paling banyak 2.000 karakter).", "Write the answer (2,000 characters at most).";
    no_complaints: "Tidak ada pengaduan di sini.", "No complaints here.";
    username: "Nama pengguna", "Username";
    password: "Kata sandi", "Password";
    totp_code: "Kode dari aplikasi autentikator", "Code from the authenticator app";
    totp_hint: "6 angka, berganti setiap 30 detik.", "6 digits; it changes every 30 seconds.";
    sign_in_failed: "Nama pengguna, kata sandi atau kode salah.", "The username, password or code is wrong.";
    sign_in_lock_hint: "Setelah 5 kali gagal berturut-turut, masuk dari perangkat ini ditahan 15 menit. Admin dapat membukanya.", "After 5 failures in a row, signing in from this device is paused for 15 minutes. An admin can lift it.";
    there_is_a_problem: "Ada masalah", "There is a problem";
    enrol_title: "Aktifkan akun petugas", "Activate your staff account";
    enrol_intro: "Pindai kode QR dengan aplikasi autentikator (misalnya Google Authenticator atau FreeOTP), pilih kata sandi, lalu masukkan kode pertama dari aplikasi.", "Scan the QR code with an authenticator app (for example Google Authenticator or FreeOTP), choose a password, then type the first code the app shows.";
    enrol_secret: "Tidak bisa memindai? Ketik kunci ini", "Cannot scan? Type this key";
    enrol_password_hint: "Paling sedikit 12 karakter.", "At least 12 characters.";
    enrol_password_short: "Kata sandi harus paling sedikit 12 karakter.", "The password must have at least 12 characters.";
    enrol_code_wrong: "Kode tidak cocok. Periksa jam ponsel lalu masukkan kode yang sedang tampil.", "The code does not match. Check the phone's clock and type the code it shows now.";
    enrol_expired: "Tautan aktivasi ini tidak berlaku lagi. Mintalah tautan baru kepada admin.", "This activation link no longer works. Ask an admin for a new one.";
    enrol_button: "Aktifkan", "Activate";
    enrol_done: "Akun aktif. Silakan masuk.", "Your account is active. Please sign in.";
    queue: "Antrean", "Queue";
    queue_title: "Antrean permohonan", "Applications queue";
    counter: "Loket hari ini", "Today's counter";
    cards: "Blangko KTP-el", "Blank cards";
    access_log: "Log akses", "Access log";
    accounts: "Akun petugas", "Staff accounts";
    calendar: "Kalender", "Calendar";
    filter: "Saring", "Filter";
    state: "Status", "State";
    kind: "Jenis", "Kind";
    point: "Tempat layanan", "Service point";
    all: "Semua", "All";
    kind_wni: "WNI", "Citizen";
    kind_wna: "WNA (ITAP)", "Foreign resident (ITAP)";
    search: "Cari", "Search";
    search_label: "Nomor registrasi atau NIK", "Registration number or NIK";
    search_hint: "Ketik, atau pindai kode QR di formulir pemohon.", "Type it, or scan the QR code on the applicant's form.";
    search_none: "Tidak ada permohonan dengan nomor itu.", "No application has that number.";
    search_results: "Hasil pencarian", "Search results";
    reference: "Nomor registrasi", "Registration number";
    name: "Nama", "Name";
    nik: "NIK", "NIK";
    submitted: "Diajukan", "Submitted";
    claimed_by: "Diklaim oleh", "Claimed by";
    empty_queue: "Tidak ada permohonan di sini.", "There are no applications here.";
    next_page: "Halaman berikutnya", "Next page";
    first_page: "Halaman pertama", "First page";
    back_to_queue: "Kembali ke antrean", "Back to the queue";
    data: "Data pemohon", "The applicant's data";
    scans: "Pindaian", "Scans";
    open_full: "Buka ukuran penuh", "Open at full size";
    no_scan: "Belum diunggah", "Not uploaded";
    nik_decoded: "Dari NIK", "From the NIK";
    birth_date: "Tanggal lahir", "Date of birth";
    sex: "Jenis kelamin", "Sex";
    region: "Wilayah pendaftaran pertama", "Area of first registration";
    male: "Laki-laki", "Male";
    female: "Perempuan", "Female";
    warnings: "Perhatian", "Warnings";
    warn_birth_date: "Tanggal lahir yang diisi tidak sama dengan tanggal lahir dari NIK.", "The date of birth given differs from the one in the NIK.";
    warn_sex: "Jenis kelamin yang diisi tidak sama dengan NIK.", "The sex given differs from the NIK.";
    warn_nik_invalid: "NIK tidak valid.", "The NIK is not valid.";
    warn_kitap_soon: "KITAP akan habis masa berlakunya dalam 30 hari.", "The KITAP expires within 30 days.";
    warn_kitap_expired: "KITAP sudah habis masa berlakunya.", "The KITAP has expired.";
    changed: "Diubah sejak dikembalikan", "Changed since it was returned";
    claim: "Klaim permohonan ini", "Claim this application";
    release: "Lepaskan klaim", "Release the claim";
    claim_needed: "Klaim permohonan ini sebelum bertindak, agar tidak dikerjakan dua orang sekaligus.", "Claim this application before acting, so that two people do not work on it at once.";
    claimed_by_you: "Anda mengklaim permohonan ini.", "You hold the claim on this application.";
    claimed_by_other: "Permohonan ini sedang diklaim oleh", "This application is claimed by";
    actions: "Tindakan", "Actions";
    no_actions: "Tidak ada tindakan untuk peran Anda pada status ini.", "Your role has no action in this state.";
    reason: "Alasan (dibaca pemohon)", "Reason (the applicant reads it)";
    note: "Catatan", "Note";
    afis_reference: "Nomor referensi AFIS", "AFIS reference";
    history: "Riwayat", "History";
    applicant: "Pemohon", "Applicant";
    booking: "Jadwal perekaman", "Recording appointment";
    no_booking: "Belum ada jadwal.", "No appointment yet.";
    arrived: "Sudah datang", "Arrived";
    mark_arrived: "Tandai datang", "Mark as arrived";
    arrival_not_today: "Hanya pemohon dengan jadwal hari ini yang bisa ditandai datang. Jadwal ini untuk hari lain: minta pemohon datang pada harinya, atau memindahkan jadwalnya.",
        "Only applicants with an appointment today can be marked as arrived. This appointment is on another day: ask the applicant to come on that day, or to move the appointment.";
    open: "Buka", "Open";
    time: "Jam", "Time";
    no_appointments: "Tidak ada jadwal hari ini di tempat layanan ini.", "There are no appointments here today.";
    counter_point: "Tempat layanan Anda", "Your service point";
    counter_no_point: "Akun Anda tidak terikat pada satu tempat layanan.", "Your account is not tied to one service point.";
    stock_now: "Stok blangko saat ini", "Blank cards in stock";
    stock_change: "Perubahan (misalnya 500 untuk kiriman, -3 untuk koreksi)", "Change (for example 500 for a delivery, -3 for a correction)";
    stock_note: "Keterangan", "Remark";
    stock_save: "Catat", "Record";
    stock_bad: "Masukkan bilangan bulat yang tidak membuat stok di bawah nol.", "Type a whole number that does not take the stock below zero.";
    stock_history: "Perubahan terakhir", "Latest changes";
    stock_empty_warning: "Stok habis: permohonan yang menunggu pencetakan menampilkan \"menunggu blangko\" kepada pemohon.", "Out of stock: applications waiting for printing show \"waiting for blank cards\" to the applicant.";
    when: "Waktu", "When";
    who: "Siapa", "Who";
    what: "Apa", "What";
    filter_reference: "Saring menurut nomor registrasi", "Filter by registration number";
    create_account: "Buat akun", "Create an account";
    display_name: "Nama lengkap", "Full name";
    role: "Peran", "Role";
    role_operator: "Operator", "Operator";
    role_supervisor: "Supervisor", "Supervisor";
    role_admin: "Admin", "Admin";
    point_for_operator: "Tempat layanan (untuk operator)", "Service point (for operators)";
    create: "Buat", "Create";
    enrolment_link: "Tautan aktivasi (sekali pakai, berlaku 72 jam). Berikan langsung kepada pemiliknya:", "Activation link (one use, valid 72 hours). Hand it to its owner in person:";
    disabled: "Nonaktif", "Disabled";
    active: "Aktif", "Active";
    not_enrolled: "Belum aktivasi", "Not activated";
    disable: "Nonaktifkan", "Disable";
    enable: "Aktifkan kembali", "Enable";
    change_role: "Ubah peran", "Change role";
    new_link: "Tautan aktivasi baru", "New activation link";
    unlock: "Buka kunci masuk", "Lift the sign-in lock";
    unlocked: "Kunci masuk dibuka: akun ini dapat masuk lagi dari semua perangkat.", "The sign-in lock is lifted: this account can sign in again from every device.";
    sign_in_locked: "Masuk terkunci", "Sign-in locked";
    account_error: "Nama pengguna 3–32 huruf kecil, angka, titik, strip atau garis bawah, belum dipakai; operator perlu tempat layanan.", "A username has 3–32 lowercase letters, digits, dots, dashes or underscores and is not taken; an operator needs a service point.";
    saved: "Tersimpan.", "Saved.";
    not_found: "Halaman tidak ditemukan", "Page not found";
    not_found_body: "Permohonan ini tidak ada, atau tidak termasuk tempat layanan Anda.", "This application does not exist, or it is not at your service point.";
    confirm_record: "Saya menyatakan: formulir sudah dimasukkan ke database kependudukan, data diverifikasi langsung, foto, tanda tangan, sidik jari dan iris sudah direkam, formulir ditandatangani dan dicap.", "I confirm: the form was entered into the population database, the data were verified in person, photo, signature, fingerprints and iris were recorded, and the form was signed and stamped.";
    confirm_handover: "Saya menyatakan: verifikasi sidik jari 1:1 sudah dilakukan dan hasilnya sesuai tombol yang saya tekan.", "I confirm: the 1:1 fingerprint check was done, and its result is the button I press.";
    mismatch_effect: "Kartu ditahan dan dikembalikan ke Kemendagri untuk dimusnahkan; permohonan ke klarifikasi.", "The card is withheld and returned to Kemendagri for destruction; the application goes to clarification.";
    done_step: "Langkah tercatat.", "Step recorded.";
    language: "English", "Bahasa Indonesia";
    signed_in_as: "Masuk sebagai", "Signed in as";
    waiting_for_cards: "Menunggu blangko KTP-el", "Waiting for blank cards";
    booking_booked: "terjadwal", "booked";
    booking_attended: "hadir", "attended";
    booking_missed: "tidak datang", "missed";
    booking_cancelled: "dibatalkan", "cancelled";
    viewed_detail: "Membuka data permohonan", "Opened the application's data";
    viewed_scan: "Membuka pindaian", "Opened a scan";
    show: "Tampilkan", "Show";
    dashboard: "Dasbor layanan", "Service dashboard";
    dash_nav: "Dasbor", "Dashboard";
    dash_as_of: "Keadaan pada", "As of";
    dash_csv: "Unduh semua angka (CSV)", "Download every figure (CSV)";
    dash_csv_hint: "Berkas CSV berisi satu tabel panjang dengan kolom figure, group, key, value; kode-kodenya berbahasa Inggris dan sama dalam kedua bahasa, persentase memakai titik desimal.", "The CSV file holds one long table with the columns figure, group, key, value; its codes are in English and the same in both languages, and percentages use a decimal point.";
    dash_contents: "Isi dasbor", "Dashboard contents";
    dash_total: "Jumlah", "Total";
    dash_count: "Permohonan", "Applications";
    dash_no_point: "Belum ada tempat layanan", "No service point yet";
    dash_states_title: "Permohonan per status dan tempat layanan", "Applications by state and service point";
    dash_states_intro: "Permohonan yang sudah diajukan ke kantor (draf tidak dihitung), menurut statusnya sekarang dan tempat layanan yang menanganinya.", "Applications submitted to the office (drafts are not counted), by their current state and the service point handling them.";
    dash_states_chart: "Permohonan per status, seluruh kantor", "Applications by state, whole office";
    dash_states_desc: "Satu batang per status, sepanjang jumlah permohonannya; angkanya ada di tabel di sampingnya.", "One bar per state, as long as its number of applications; the numbers are in the table beside it.";
    dash_weeks_title: "Diterima dan diserahkan per minggu", "Received and issued per week";
    dash_weeks_intro: "Minggu ISO (Senin sampai Minggu, waktu kantor WIB), 12 minggu terakhir termasuk minggu ini. Diterima: permohonan yang diajukan untuk pertama kali (pengajuan ulang setelah dikembalikan tidak dihitung lagi). Diserahkan: KTP-el yang diserahkan kepada pemohonnya.", "ISO weeks (Monday to Sunday, office time WIB), the last 12 including this one. Received: applications submitted for the first time (a resubmission after a return does not count again). Issued: cards handed over to their applicant.";
    dash_weeks_desc: "Dua batang per minggu: diterima (biru tua, penuh) dan diserahkan (hijau, bergaris); angkanya ada di tabel di sampingnya.", "Two bars per week: received (dark blue, solid) and issued (green, striped); the numbers are in the table beside it.";
    dash_week: "Minggu", "Week";
    dash_monday: "Mulai Senin", "Starting Monday";
    dash_received: "Diterima", "Received";
    dash_issued: "Diserahkan", "Issued";
    dash_promise_title: "Siap dalam janji 14 hari kerja", "Ready within the 14-working-day promise";
    dash_promise_intro: "Kartu yang menjadi siap diambil dalam 12 minggu terakhir. Tepat waktu: siap paling lambat 14 hari kerja setelah hari perekaman pertama, dihitung pada kalender kantor dengan hari liburnya, sama seperti pada halaman pelacakan pemohon. Kartu yang siap dua kali dihitung sekali, dengan hari siap terakhirnya.", "Cards that became ready to collect in the last 12 weeks. On time: ready at most 14 working days after the day of the first recording, counted on the office calendar with its holidays, as on the applicant's tracking page. A card ready twice counts once, with its last ready day.";
    dash_promise_desc: "Dua batang: kartu yang siap tepat waktu dan yang terlambat; angkanya ada di tabel di sampingnya.", "Two bars: cards ready on time and cards ready late; the numbers are in the table beside it.";
    dash_since: "Periode mulai Senin", "The period starts on Monday";
    dash_ready: "Menjadi siap diambil", "Became ready";
    dash_on_time: "Tepat waktu", "On time";
    dash_late_count: "Terlambat", "Late";
    dash_share: "Persentase tepat waktu", "Share on time";
    dash_unmeasured: "Tanpa catatan perekaman (tidak dihitung)", "Without a recording event (not counted)";
    dash_late_title: "Terlambat sekarang", "Late now";
    dash_late_intro: "Permohonan yang sudah direkam tetapi kartunya belum siap (direkam, dalam identifikasi, perlu klarifikasi, sedang dicetak) dan hari yang dijanjikan, 14 hari kerja setelah perekaman, sudah lewat; yang paling lama lebih dulu. Hari kerja terlambat dihitung sesudah hari yang dijanjikan sampai dengan hari ini; umur adalah hari kalender sejak perekaman. NIK tidak ditampilkan.", "Applications recorded whose card is not ready yet (recorded, identity check, clarification, printing) and whose promised day, 14 working days after the recording, has passed; the oldest first. Working days late are counted after the promised day up to and including today; the age is in calendar days since the recording. The NIK is not shown.";
    dash_late_none: "Tidak ada kartu yang terlambat.", "No card is late.";
    dash_late_more: "Tabel ini menampilkan 200 yang paling lama; semuanya ada di berkas CSV.", "This table shows the 200 oldest; the CSV file holds them all.";
    dash_recorded: "Direkam", "Recorded";
    dash_due: "Dijanjikan", "Promised";
    dash_days_late: "Hari kerja terlambat", "Working days late";
    dash_age: "Umur (hari sejak direkam)", "Age (days since recording)";
    dash_fill_title: "Jadwal perekaman: keterisian dan ketidakhadiran", "Appointments: fill rate and no-shows";
    dash_fill_intro: "Terisi: janji temu yang tidak dibatalkan (terjadwal, hadir atau tidak datang). Kapasitas: jumlah slot tempat layanan pada tiap hari kerjanya (tanpa akhir pekan, hari libur dan hari tutup) dikali jumlah loketnya, menurut jadwal yang berlaku sekarang. Keterisian: terisi ÷ kapasitas. 4 minggu terakhir: 28 hari sebelum hari ini; 2 minggu ke depan: hari ini dan 13 hari sesudahnya. Tingkat tidak datang: tidak datang ÷ (hadir + tidak datang), pada hari yang sudah lewat.", "Booked: appointments not cancelled (booked, attended or missed). Capacity: the point's slots on each of its working days (no weekends, holidays or days it is closed) times its counters, with its schedule as it stands now. Fill rate: booked ÷ capacity. Last 4 weeks: the 28 days before today; next 2 weeks: today and the 13 days after. No-show rate: missed ÷ (attended + missed), on the days already past.";
    dash_past: "4 minggu terakhir", "Last 4 weeks";
    dash_coming: "2 minggu ke depan", "Next 2 weeks";
    dash_booked: "Terisi", "Booked";
    dash_capacity: "Kapasitas", "Capacity";
    dash_fill: "Keterisian", "Fill rate";
    dash_attended: "Hadir", "Attended";
    dash_missed: "Tidak datang", "Missed";
    dash_no_show: "Tingkat tidak datang", "No-show rate";
    dash_complaints_title: "Pengaduan terbuka", "Open complaints";
    dash_complaints_intro: "Pengaduan Layanan yang belum dijawab petugas.", "Service complaints staff have not answered yet.";
    // Attendance at the counter (issue 13, item 1).
    arrival_closed: "Kedatangan tidak bisa dicatat lagi: tempat layanan sudah tutup hari ini, dan janji temu yang tidak didatangi tercatat sebagai tidak datang. Minta pemohon memesan jadwal baru di portal.",
        "The arrival can no longer be recorded: the service point has closed for today, and an appointment nobody came to is recorded as missed. Ask the applicant to book a new appointment on the portal.";
    arrival_late_hint: "Pemohon yang datang terlambat tetap bisa ditandai datang sampai tempat layanan tutup hari ini.",
        "An applicant who comes late can still be marked as arrived until the service point closes today.";
    counter_closed: "Sudah tutup", "Closed";
    counter_missed: "Tidak datang", "Missed";
    // Handover and distribution (issue 13, item 4).
    card_sent_to: "Kartu sedang dikirim ke", "The card is on its way to";
    card_goes_to: "Kartu dikirim ke", "The card goes to";
    return_reference: "Nomor berita acara atau pengiriman pengembalian kartu ke Kemendagri", "Number of the berita acara or shipment returning the card to Kemendagri";
    return_reference_hint: "Wajib, paling banyak 64 karakter.", "Required, 64 characters at most.";
    card_returned: "Kartu dikembalikan ke Kemendagri untuk dimusnahkan", "Card returned to Kemendagri for destruction";
    recorded_by: "dicatat oleh", "recorded by";
    refuse_goes_to_point: "Kartu pemohon ini diserahkan di kantor camat: cetak lalu kirim ke sana (\"Kartu dicetak dan dikirim ke tempat layanan\").", "This applicant's card is handed over at a district office: print it and send it there (\"Card printed and sent to the service point\").";
    refuse_stays_at_dinas: "Kartu pemohon ini diserahkan di Dinas, tidak dikirim: tandai \"Kartu dicetak dan ada di tempat layanan\".", "This applicant's card is handed over at the Dinas, not sent anywhere: mark it \"Card printed and at the service point\".";
    refuse_return_reference: "Isi nomor berita acara atau pengiriman pengembalian kartu ke Kemendagri.", "Give the number of the berita acara or shipment returning the card to Kemendagri.";
    refuse_reference_long: "Nomor itu terlalu panjang (paling banyak 64 karakter).", "That number is too long (64 characters at most).";
    // The same NIK elsewhere, and the foreign resident's card validity (issue 13, items 7 and 8).
    same_nik: "Permohonan lain dengan NIK yang sama", "Other applications with the same NIK";
    same_nik_none: "Tidak ada permohonan lain dengan NIK ini.", "No other application states this NIK.";
    same_nik_outside: "di luar tempat layanan Anda", "outside your service point";
    same_nik_since: "status sejak", "state since";
    card_valid_until: "KTP-el berlaku sampai", "Card valid until";
    // The holiday calendar running out (issue 13, item 9): the dashboard and the admin's calendar.
    holidays_run_out: "Kalender tidak memiliki hari libur setelah {date}: impor kalender tahun depan.", "The calendar has no holidays after {date}: import next year's calendar.";
    holidays_none: "Kalender tidak memiliki hari libur nasional: impor kalender tahun ini dan tahun depan.", "The calendar has no national holidays: import this year's and next year's calendar.";
    holidays_import_here: "Impor berkas CSV hari libur di bawah.", "Import the holidays' CSV file below.";
    holidays_import_admin: "Admin mengimpornya di halaman Kalender (berkas CSV hari libur nasional dan cuti bersama). Tanpa itu, tanggal janji layanan dan hari pemesanan menganggap hari libur sebagai hari kerja.", "An admin imports it on the Calendar page (a CSV file of national holidays and collective leave). Until then, promise dates and booking days count holidays as working days.";
}

pub fn texts(locale: Locale) -> &'static T {
    match locale {
        Locale::Id => &ID,
        Locale::En => &EN,
    }
}

pub fn status(locale: Locale, status: Status) -> &'static str {
    let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
    locale.texts().application.statuses[i]
}

pub fn booking_status<'a>(t: &T, code: &'a str) -> &'a str {
    match code {
        "booked" => t.booking_booked,
        "attended" => t.booking_attended,
        "missed" => t.booking_missed,
        "cancelled" => t.booking_cancelled,
        other => other,
    }
}

/// What an access-log line says was viewed.
pub fn viewed(t: &T, locale: Locale, what: &str) -> String {
    match what {
        "detail" => t.viewed_detail.to_owned(),
        scan => format!("{}: {}", t.viewed_scan, locale.texts().fields.label(scan)),
    }
}

pub fn role(t: &T, role: Role) -> &'static str {
    match role {
        Role::Operator => t.role_operator,
        Role::Supervisor => t.role_supervisor,
        Role::Admin => t.role_admin,
    }
}

/// The button of each step, and how the history names it.
pub fn step(locale: Locale, step: Step) -> &'static str {
    let en = locale == Locale::En;
    match step {
        Step::Approve => {
            if en {
                "Approve"
            } else {
                "Setujui"
            }
        }
        Step::Return => {
            if en {
                "Return for a correction"
            } else {
                "Kembalikan untuk diperbaiki"
            }
        }
        Step::Reject => {
            if en {
                "Reject"
            } else {
                "Tolak"
            }
        }
        Step::Record => {
            if en {
                "Recorded at the appointment"
            } else {
                "Perekaman selesai"
            }
        }
        Step::SendToAfis => {
            if en {
                "Sent to AFIS"
            } else {
                "Dikirim ke AFIS"
            }
        }
        Step::AfisSingle => {
            if en {
                "AFIS: single identity"
            } else {
                "AFIS: identitas tunggal"
            }
        }
        Step::AfisDuplicate => {
            if en {
                "AFIS: duplicate identity"
            } else {
                "AFIS: identitas ganda"
            }
        }
        Step::ClarificationResolved => {
            if en {
                "Clarification: resolved"
            } else {
                "Klarifikasi: selesai"
            }
        }
        Step::ClarificationRetry => {
            if en {
                "Clarification: back to AFIS"
            } else {
                "Klarifikasi: kirim ulang ke AFIS"
            }
        }
        Step::ClarificationReject => {
            if en {
                "Clarification: reject"
            } else {
                "Klarifikasi: tolak"
            }
        }
        Step::CardReady => {
            if en {
                "Card printed and at the service point"
            } else {
                "Kartu dicetak dan ada di tempat layanan"
            }
        }
        Step::Distribute => {
            if en {
                "Card printed and sent to the service point"
            } else {
                "Kartu dicetak dan dikirim ke tempat layanan"
            }
        }
        Step::CardArrived => {
            if en {
                "Card arrived at the service point"
            } else {
                "Kartu tiba di tempat layanan"
            }
        }
        Step::HandoverMatch => {
            if en {
                "Handover: fingerprints match, card issued"
            } else {
                "Penyerahan: sidik jari cocok, kartu diserahkan"
            }
        }
        Step::HandoverMismatch => {
            if en {
                "Handover: fingerprints do not match"
            } else {
                "Penyerahan: sidik jari tidak cocok"
            }
        }
    }
}

pub fn refusal(locale: Locale, error: ProcessError) -> &'static str {
    let en = locale == Locale::En;
    match error {
        ProcessError::WrongState => {
            if en {
                "This step cannot be taken in the application's state."
            } else {
                "Langkah ini tidak dapat dilakukan pada status permohonan saat ini."
            }
        }
        ProcessError::WrongRole => {
            if en {
                "Your role may not take this step."
            } else {
                "Peran Anda tidak boleh melakukan langkah ini."
            }
        }
        ProcessError::ReasonMissing => {
            if en {
                "Give a reason."
            } else {
                "Isi alasannya."
            }
        }
        ProcessError::ReasonTooLong => {
            if en {
                "The reason is too long (500 characters at most)."
            } else {
                "Alasan terlalu panjang (paling banyak 500 karakter)."
            }
        }
        ProcessError::AfisReferenceMissing => {
            if en {
                "Give the AFIS reference."
            } else {
                "Isi nomor referensi AFIS."
            }
        }
        ProcessError::NotConfirmed => {
            if en {
                "Tick the confirmation first."
            } else {
                "Centang pernyataannya terlebih dahulu."
            }
        }
        ProcessError::NoBlankCards => {
            if en {
                "There are no blank cards in stock."
            } else {
                "Stok blangko KTP-el habis."
            }
        }
        ProcessError::CardGoesToPoint => texts(locale).refuse_goes_to_point,
        ProcessError::CardStaysAtDinas => texts(locale).refuse_stays_at_dinas,
        ProcessError::ReturnReferenceMissing => texts(locale).refuse_return_reference,
        ProcessError::ReferenceTooLong => texts(locale).refuse_reference_long,
    }
}
