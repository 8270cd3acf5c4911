//! Test files, made in code: pictures with a red top-left quarter and a blue bottom-right quarter on white, PDFs,
//! and hostile headers.

use image::{
    codecs::{jpeg::JpegEncoder, png::PngEncoder, webp::WebPEncoder},
    DynamicImage, ImageEncoder, RgbImage,
};

fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let (left, top) = (x < width / 2, y < height / 2);
        match (left, top) {
            (true, true) => image::Rgb([255, 0, 0]),
            (false, false) => image::Rgb([0, 0, 255]),
            _ => image::Rgb([255, 255, 255]),
        }
    })
}

pub fn is_red(pixel: [u8; 3]) -> bool {
    pixel[0] > 200 && pixel[1] < 60 && pixel[2] < 60
}

fn encode(width: u32, height: u32, encoder: impl ImageEncoder) {
    DynamicImage::ImageRgb8(picture(width, height))
        .write_with_encoder(encoder)
        .expect("encoded");
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    encode(width, height, JpegEncoder::new_with_quality(&mut out, 90));
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    encode(width, height, PngEncoder::new(&mut out));
    out
}

pub fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    encode(width, height, WebPEncoder::new_lossless(&mut out));
    out
}

/// A lossless WebP with transparency: the left half fully transparent (black underneath), the right half opaque red.
pub fn webp_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbaImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgba([0, 0, 0, 0])
        } else {
            image::Rgba([255, 0, 0, 255])
        }
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(picture)
        .write_with_encoder(WebPEncoder::new_lossless(&mut out))
        .expect("encoded");
    out
}

/// A JPEG with an EXIF segment (APP1) giving `orientation` (1–8), as phones write when held sideways.
pub fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = jpeg(width, height);
    let tiff = exif(orientation);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(segment.len() + 2).expect("short").to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Whether a file carries EXIF (JPEG APP1 or PNG eXIf), or the private data in it.
pub fn has_exif(file: &[u8]) -> bool {
    [&b"Exif\0\0"[..], b"eXIf", b"GPS ", b"Location", b"Jakarta"]
        .iter()
        .any(|needle| file.windows(needle.len()).any(|w| w == *needle))
}

/// Where the first segment with `marker` starts (at its 0xFF), walking the segments before the first scan.
pub fn jpeg_segment(jpeg: &[u8], marker: u8) -> usize {
    let mut at = 2;
    while jpeg[at + 1] != marker {
        assert_ne!(jpeg[at + 1], 0xDA, "no such segment before the scan");
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    at
}

/// EXIF data (a TIFF structure) giving `orientation`, followed by private data a phone would add (where the
/// picture was taken).
fn exif(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    tiff.extend_from_slice(b"GPS -6.2088 106.8456");
    tiff
}

/// A PNG with an eXIf chunk giving `orientation` and a tEXt chunk naming a place.
pub fn png_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = png(width, height);
    // Signature (8) and IHDR (4 + 4 + 13 + 4).
    let mut out = plain[..33].to_vec();
    png_chunk(&mut out, b"eXIf", &exif(orientation));
    png_chunk(&mut out, b"tEXt", b"Location\0Jl. Medan Merdeka Barat, Jakarta");
    out.extend_from_slice(&plain[33..]);
    out
}

/// A JPEG whose frame header (SOF0) claims `width` × `height`.
pub fn jpeg_with_size_in_header(width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg(16, 16);
    let at = jpeg_segment(&out, 0xC0);
    out[at + 5..at + 7].copy_from_slice(&height.to_be_bytes());
    out[at + 7..at + 9].copy_from_slice(&width.to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, name: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).expect("short").to_be_bytes());
    let start = out.len();
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn png_header(width: u32, height: u32, depth: u8, colour: u8) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    // A token of image data (an empty zlib stream): decoding it would need the whole picture's buffer first.
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A valid PNG header (correct CRCs) claiming an 8-bit RGB picture of `width` × `height`, with no pixels behind it.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    png_header(width, height, 8, 2)
}

/// The same, 16-bit RGBA: 8 bytes a pixel.
pub fn png_header_only_rgba16(width: u32, height: u32) -> Vec<u8> {
    png_header(width, height, 16, 6)
}

/// A PDF with the given objects (numbered from 1; object 1 is the catalog), a correct cross-reference table, and
/// `trailer_extra` added to the trailer dictionary.
pub fn pdf_with_objects(objects: &[&str], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let size = objects.len() + 1;
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

const PAGES: [&str; 4] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    "<< /Length 33 >>\nstream\nBT /F1 12 Tf 72 712 Td (KK) Tj ET\nendstream",
];

/// A one-page PDF.
pub fn pdf() -> Vec<u8> {
    pdf_with_objects(&PAGES, "")
}

/// The same page behind the standard security handler (RC4, 40 bits), as a "protect with a password" button
/// writes it: the trailer points to an encryption dictionary.
pub fn encrypted_pdf() -> Vec<u8> {
    let hex32 = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
    let encrypt = format!("<< /Filter /Standard /V 1 /R 2 /O <{hex32}> /U <{hex32}> /P -44 >>");
    let mut objects = PAGES.to_vec();
    objects.push(&encrypt);
    pdf_with_objects(
        &objects,
        "/Encrypt 5 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]",
    )
}

/// The one-page PDF with `catalog_extra` added to its catalog (object 1), `page_extra` to its page (object 3), and
/// `more` objects numbered from 5.
pub fn pdf_with(catalog_extra: &str, page_extra: &str, more: &[&str]) -> Vec<u8> {
    let catalog = format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>");
    let page = format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R {page_extra} >>");
    let mut objects = vec![catalog.as_str(), PAGES[1], page.as_str(), PAGES[3]];
    objects.extend_from_slice(more);
    pdf_with_objects(&objects, "")
}

/// The one-page PDF with `extra` added to its catalog.
pub fn pdf_with_catalog_extra(extra: &str) -> Vec<u8> {
    pdf_with(extra, "", &[])
}

/// The one-page PDF with `extra` added to its page dictionary.
pub fn pdf_with_page_extra(extra: &str) -> Vec<u8> {
    pdf_with("", extra, &[])
}

/// A link on the page that runs `action` when clicked.
fn link(action: &str) -> String {
    format!("/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A {action} >>]")
}

/// One PDF for each kind of content that acts by itself, named.
pub fn active_pdfs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "a script in the document's name tree (/JavaScript)",
            pdf_with(
                "/Names << /JavaScript 5 0 R >>",
                "",
                &[
                    "<< /Names [(init) 6 0 R] >>",
                    "<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
                ],
            ),
        ),
        (
            "a script on a link, its action type another (/JS)",
            pdf_with_page_extra(&link("<< /S /Rendition /JS (this.print\\(\\)) >>")),
        ),
        (
            "an action when the document opens (/OpenAction)",
            pdf_with_catalog_extra("/OpenAction << /S /Named /N /Print >>"),
        ),
        (
            "an action, by reference, when the document opens (/OpenAction)",
            pdf_with("/OpenAction 5 0 R", "", &["<< /S /Named /N /Print >>"]),
        ),
        (
            "a web address opened, by reference, when the document opens (/OpenAction)",
            pdf_with(
                "/OpenAction 5 0 R",
                "",
                &["<< /S /URI /URI (https://example.com/track) >>"],
            ),
        ),
        (
            "a script chained after going to the first page when the document opens (/OpenAction, /Next)",
            pdf_with_catalog_extra("/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /JavaScript /JS (x) >> >>"),
        ),
        (
            "an action when the page opens (/AA)",
            pdf_with_page_extra("/AA << /O << /S /Named /N /Print >> >>"),
        ),
        (
            "a program run from a link (/Launch)",
            pdf_with_page_extra(&link("<< /S /Launch /F (cmd.exe) >>")),
        ),
        (
            "another file opened from a link (/GoToR)",
            pdf_with_page_extra(&link("<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")),
        ),
        (
            "an attached file listed in the catalog (/EmbeddedFiles)",
            pdf_with(
                "/Names << /EmbeddedFiles 5 0 R >>",
                "",
                &[
                    "<< /Names [(kk.exe) 6 0 R] >>",
                    "<< /Type /Filespec /F (kk.exe) /EF << /F 7 0 R >> >>",
                    "<< /Type /EmbeddedFile /Length 5 >>\nstream\nMZ\x7f\x7f\x7f\nendstream",
                ],
            ),
        ),
        (
            "an attached file, listed nowhere (/EmbeddedFile)",
            pdf_with(
                "",
                "",
                &["<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream"],
            ),
        ),
        (
            "Flash or 3D content (/RichMedia)",
            pdf_with_page_extra("/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>]"),
        ),
        (
            "an XML form (/XFA)",
            pdf_with(
                "/AcroForm << /Fields [] /XFA 5 0 R >>",
                "",
                &["<< /Length 6 >>\nstream\n<xdp/>\nendstream"],
            ),
        ),
        (
            "a form that sends its data away (/SubmitForm)",
            pdf_with_page_extra(&link(
                "<< /S /SubmitForm /F << /FS /URL /F (https://example.com/) >> >>",
            )),
        ),
        (
            "a form that loads data (/ImportData)",
            pdf_with_page_extra(&link("<< /S /ImportData /F (data.fdf) >>")),
        ),
    ]
}

/// A PDF as an e-signature leaves it (the population office signs its documents): a form with a signature field
/// and its value, no script.
pub fn signed_looking_pdf() -> Vec<u8> {
    pdf_with(
        "/AcroForm << /Fields [5 0 R] /SigFlags 3 >>",
        "/Annots [5 0 R]",
        &[
            "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 6 0 R >>",
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] \
             /Contents <30820101> /M (D:20250101090000+07'00') >>",
        ],
    )
}

/// `pdf` written again with its objects packed into compressed object streams and a cross-reference stream, as
/// modern writers do: no byte of a packed object shows in the file.
pub fn in_object_streams(pdf: &[u8]) -> Vec<u8> {
    let mut document = lopdf::Document::load_mem(pdf).expect("a PDF lopdf reads");
    let mut out = Vec::new();
    document.save_modern(&mut out).expect("written");
    out
}
