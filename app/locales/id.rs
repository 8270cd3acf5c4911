//! Bahasa Indonesia: the portal's default language.

use super::texts::*;

pub const TEXTS: Texts = Texts {
    common: Common {
        portal_name: "Portal KTP-el",
        office_name: "Dinas Kependudukan dan Pencatatan Sipil",
        region: "Kabupaten Bengkalis",
        skip_link: "Langsung ke isi utama",
        language_label: "Pilih bahasa",
        my_account: "Permohonan saya",
        error_summary: "Ada yang perlu diperbaiki",
        error_title_prefix: "Galat: ",
        switch_to: "English",
    },
    footer: Footer {
        contact_heading: "Kontak",
        address_label: "Alamat",
        address: "Jl. Pertanian, Bengkalis, Riau 28751",
        phone_label: "Telepon",
        website_label: "Situs web",
        complaint_heading: "Pengaduan Layanan",
        complaint_text:
            "Ada masalah dengan layanan atau ada yang meminta bayaran? Sampaikan pengaduan lewat telepon di \
                         nomor di atas atau datang langsung ke kantor Dinas.",
        free_notice: "Semua layanan KTP-el gratis.",
    },
    home: Home {
        page_title: "Portal KTP-el Disdukcapil Bengkalis",
        heading: "Ajukan KTP-el dari ponsel Anda",
        lead: "Isi formulir permohonan, unggah dokumen, lalu datang satu kali untuk perekaman foto, tanda tangan, \
               sidik jari, dan iris mata. Anda bisa memantau kartu Anda sampai siap diambil.",
        services_heading: "Layanan",
        who_label: "Untuk",
        where_label: "Tempat perekaman",
        requirements_heading: "Persyaratan",
        steps_heading: "Langkah-langkah",
        duration_label: "Waktu penyelesaian",
        duration_value: "14 hari kerja",
        fee_label: "Biaya",
        fee_value: "Gratis, tidak dipungut biaya",
        fee_law: "Memungut biaya untuk layanan ini adalah tindak pidana (UU 24/2013 Pasal 79A dan 95B).",
        start: "Mulai permohonan",
        wni: Service {
            name: "KTP-el baru untuk Warga Negara Indonesia",
            who: "Warga Negara Indonesia yang belum pernah memiliki KTP-el, misalnya yang baru berusia 17 tahun.",
            place: "Tempat pelayanan KTP-el di kecamatan Anda atau kantor Dinas.",
            requirements: &["Nomor Induk Kependudukan (NIK)", "Fotokopi Kartu Keluarga (KK)"],
            steps: &[
                "Isi formulir permohonan dan siapkan persyaratan.",
                "Datang ke tempat pelayanan KTP-el. Petugas memeriksa data Anda, lalu merekam foto, tanda tangan, \
                 sidik jari, dan iris mata. Formulir Anda ditandatangani dan distempel sebagai bukti perekaman.",
                "Data Anda dikirim ke Kementerian Dalam Negeri untuk memastikan setiap orang hanya memiliki satu \
                 identitas. Jika ditemukan data ganda, Anda diminta datang untuk klarifikasi.",
                "KTP-el Anda dicetak oleh Dinas dan dikirim ke tempat pelayanan.",
                "Ambil KTP-el dengan membawa formulir permohonan yang sudah distempel. Petugas mencocokkan sidik jari \
                 Anda sebelum menyerahkan kartu.",
            ],
        },
        foreigner: Service {
            name: "KTP-el untuk Penduduk Orang Asing pemegang Izin Tinggal Tetap",
            who: "Orang asing yang tinggal di Kabupaten Bengkalis dengan Kartu Izin Tinggal Tetap (KITAP).",
            place: "Hanya di kantor Dinas Kependudukan dan Pencatatan Sipil, Jl. Pertanian, Bengkalis.",
            requirements: &[
                "Nomor Induk Kependudukan (NIK)",
                "Fotokopi Kartu Keluarga (KK)",
                "Fotokopi Kartu Izin Tinggal Tetap (KITAP)",
            ],
            steps: &[
                "Isi formulir permohonan dan siapkan persyaratan.",
                "Datang ke kantor Dinas. Petugas memeriksa data Anda, lalu merekam foto, tanda tangan, sidik jari, \
                 dan iris mata. Formulir Anda ditandatangani dan distempel sebagai bukti perekaman.",
                "Data Anda dikirim ke Kementerian Dalam Negeri untuk memastikan setiap orang hanya memiliki satu \
                 identitas. Jika ditemukan data ganda, Anda diminta datang untuk klarifikasi.",
                "KTP-el Anda dicetak oleh Dinas. Kartu berlaku sampai KITAP Anda habis masa berlakunya.",
                "Ambil KTP-el di kantor Dinas dengan membawa formulir permohonan yang sudah distempel. Petugas \
                 mencocokkan sidik jari Anda sebelum menyerahkan kartu.",
            ],
        },
    },
    not_found: NotFound {
        page_title: "Halaman tidak ditemukan",
        heading: "Halaman tidak ditemukan",
        body: "Alamat yang Anda buka tidak ada. Periksa kembali alamatnya, atau mulai dari halaman utama.",
        home_link: "Ke halaman utama",
    },
    sign_in: SignIn {
        page_title: "Masuk",
        heading: "Masuk ke Portal KTP-el",
        intro: "Kami mengirim kode 6 angka ke email atau nomor HP Anda. Tidak perlu kata sandi. Satu akun bisa \
                dipakai untuk beberapa permohonan, misalnya untuk anak Anda yang berusia 17 tahun.",
        identifier_label: "Alamat email atau nomor HP",
        identifier_hint: "Contoh: nama@contoh.com atau 0812 3456 7890",
        send_code: "Kirim kode",
        code_page_title: "Masukkan kode",
        code_heading: "Masukkan kode dari pesan kami",
        code_sent: "Kami telah mengirim kode 6 angka ke alamat yang Anda masukkan. Kode berlaku 10 menit dan hanya \
                    bisa dipakai sekali.",
        code_label: "Kode 6 angka",
        code_hint: "Belum menerima kode? Periksa folder spam, atau minta kode baru.",
        continue_button: "Lanjutkan",
        new_code: "Minta kode baru",
    },
    account: Account {
        page_title: "Permohonan saya",
        heading: "Permohonan saya",
        signed_in_as: "Anda masuk sebagai",
        applications_heading: "Permohonan KTP-el",
        no_applications: "Belum ada permohonan. Formulir permohonan sedang disiapkan dan segera tersedia di sini.",
        sign_out: "Keluar",
    },
    problems: Problems {
        identifier_missing: "Masukkan alamat email atau nomor HP Anda",
        identifier_email: "Alamat email tidak valid. Contoh: nama@contoh.com",
        identifier_phone: "Nomor HP harus nomor Indonesia yang diawali 08 atau +62, misalnya 0812 3456 7890",
        code_missing: "Masukkan kode 6 angka dari pesan kami",
        code_wrong: "Kode salah. Sisa percobaan: {n}",
        code_expired: "Kode sudah kedaluwarsa atau sudah dipakai. Minta kode baru.",
        code_too_many_tries: "Terlalu banyak kode salah. Minta kode baru.",
        too_many_requests: "Terlalu banyak permintaan kode. Tunggu 15 menit, lalu coba lagi.",
        unavailable: "Maaf, layanan sedang bermasalah. Coba lagi beberapa saat lagi.",
    },
    mail: Mail {
        code_subject: "Kode masuk Portal KTP-el",
        code_body: "Kode masuk Anda: {code}\n\nKode berlaku 10 menit dan hanya bisa dipakai sekali. Jangan berikan \
                    kode ini kepada siapa pun, termasuk petugas.\n\nJika Anda tidak meminta kode ini, abaikan pesan \
                    ini.\n\nDinas Kependudukan dan Pencatatan Sipil Kabupaten Bengkalis",
    },
};
