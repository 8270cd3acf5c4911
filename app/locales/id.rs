//! Bahasa Indonesia: the portal's default language.

use super::texts::*;

pub const TEXTS: Texts = Texts {
    common: Common {
        portal_name: "Portal KTP-el",
        office_name: "Dinas Kependudukan dan Pencatatan Sipil",
        region: "Kabupaten Bengkalis",
        skip_link: "Langsung ke isi utama",
        language_label: "Pilih bahasa",
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
};
