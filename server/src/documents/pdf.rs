//! PDFs: refused when encrypted, unreadable, or carrying content that acts by itself; otherwise kept exactly as
//! received.
//!
//! Three passes over the file, which is at most [`crate::documents::MAX_UPLOAD_BYTES`] and read once:
//!
//! 1. lopdf's metadata loader (header, cross-reference data, trailer, catalog, page tree root): an encrypted PDF
//!    or one without pages is refused here.
//! 2. [`shape`]: a count, without building anything, of what a full parse would build (the tokens outside stream
//!    data, and the object streams it would decompress). Parsing turns two bytes of `0 0 0 …` into an object of
//!    120 bytes, so a hostile 10 MB file could take over half a gigabyte; a PDF over [`MAX_TOKENS`] or
//!    [`MAX_OBJECT_STREAMS`] is refused as unreadable before it is parsed. A scan has a few hundred tokens; a
//!    36-page manual with object streams, 732.
//! 3. The walk: lopdf parses every object the cross-reference data lists, those inside object streams included
//!    (each object stream decompressed to at most [`MAX_STREAM_BYTES`]), and [`mark`] looks at each as it is
//!    parsed, then lets it go: only a marker stays for each object, so memory holds one object, or one object
//!    stream's objects, at a time (at most about 30 MB, within the inspector's budget of one file at a time). Names
//!    are compared as lopdf decodes them (`/J#61vaScript` is `/JavaScript`). A PDF is refused as active when any
//!    object, or the trailer, holds one of [`ACTIVE_NAMES`] as a key or a name anywhere in it, or an
//!    `/OpenAction` that does more than choose the page to open at; and as unreadable when an object the
//!    cross-reference data lists could not be parsed, since what a reader would see there was not looked at.
//!
//! Content streams (what is drawn on a page) are not decompressed: they draw, they cannot act.

use std::path::Path;

use lopdf::{Dictionary, LoadOptions, Object, ObjectId};

use super::inspect::Refusal;

/// Names that make a PDF act by itself, or carry something other than the document, wherever they appear (a key,
/// an action type, a stream type): scripts (`/JavaScript`, `/JS`), actions run when a page or field is shown or
/// changed (`/AA`), running a program or opening another file (`/Launch`, `/GoToR`, `/GoToE`), attached files
/// (`/EmbeddedFile`, `/EmbeddedFiles`), Flash and 3D content (`/RichMedia`), XML forms (`/XFA`), and forms that
/// send or load data (`/SubmitForm`, `/ImportData`).
pub const ACTIVE_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"AA",
    b"Launch",
    b"GoToR",
    b"GoToE",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
];

/// The catalog's action run when the document opens. When it only chooses the page to open at (a destination
/// array, as LibreOffice and many scanners write, or a `/GoTo` action to one, as LaTeX's hyperref writes), directly
/// or by reference, it is kept: every other kind of action on opening is refused. (An action chained from a
/// `/GoTo` by `/Next` is an object or a value like any other, walked for the names above.)
const OPEN_ACTION: &[u8] = b"OpenAction";

/// The most tokens (numbers, names, strings, brackets) a PDF may have outside its streams' data.
pub const MAX_TOKENS: usize = 200_000;

/// The most object streams a PDF may have, each decompressed while it is parsed.
pub const MAX_OBJECT_STREAMS: usize = 500;

/// The most one object stream (or cross-reference stream) may decompress to: real ones hold up to a few hundred
/// small objects, tens of kilobytes.
pub const MAX_STREAM_BYTES: usize = 512 * 1024;

/// What replaces an object with active content in the walk's result, with the name found. The markers are names
/// with a NUL byte, which no clean file holds; a file that forges one only gets itself refused.
const MARK: &[u8] = b"\0active";

/// What replaces a catalog whose `/OpenAction` is a reference, with the reference: decided once every object is
/// parsed, by what it refers to.
const OPEN_ACTION_MARK: &[u8] = b"\0open";

/// What replaces a destination (an array, or a `/GoTo` action) with nothing active in it (other objects become
/// `null`): an `/OpenAction` may refer to one.
const GO_TO_MARK: &[u8] = b"\0goto";

pub(crate) fn check(path: &Path) -> Result<(), Refusal> {
    let bytes = std::fs::read(path)?;
    check_bytes(&bytes)
}

fn check_bytes(bytes: &[u8]) -> Result<(), Refusal> {
    match lopdf::Document::load_metadata_mem(bytes) {
        // `encrypted`: the trailer has an /Encrypt entry, whether or not a password is needed to open it.
        Ok(metadata) if metadata.encrypted => return Err(Refusal::PdfEncrypted),
        Ok(metadata) if metadata.page_count == 0 => return Err(Refusal::PdfUnreadable),
        Ok(_) => {}
        Err(lopdf::Error::IO(e)) => return Err(Refusal::Io(e)),
        // lopdf gives up on some encryption dictionaries before it says the file is encrypted: tell the sender
        // the reason that is most likely theirs to fix.
        Err(e) if contains(bytes, b"/Encrypt") => {
            tracing::debug!(error = %e, "unreadable PDF with an /Encrypt key refused as encrypted");
            return Err(Refusal::PdfEncrypted);
        }
        Err(e) => {
            tracing::debug!(error = %e, "PDF refused as unreadable");
            return Err(Refusal::PdfUnreadable);
        }
    }
    let found = shape(bytes);
    if found.tokens > MAX_TOKENS || found.object_streams > MAX_OBJECT_STREAMS {
        tracing::debug!(?found, "PDF refused as too complex to parse within the budget");
        return Err(Refusal::PdfUnreadable);
    }
    walk(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Parses every object and refuses active content; see the module's documentation.
fn walk(bytes: &[u8]) -> Result<(), Refusal> {
    let options = LoadOptions {
        filter: Some(mark),
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let document = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(e) => {
            tracing::debug!(error = %e, "PDF refused: its objects cannot all be read");
            return Err(Refusal::PdfUnreadable);
        }
    };
    let marked = document
        .objects
        .values()
        .find_map(|object| match object.as_array().map(Vec::as_slice) {
            Ok([Object::Name(mark), Object::Name(name)]) if mark == MARK => Some(name.as_slice()),
            // An action run on opening, unless what it refers to only chooses a page.
            Ok([Object::Name(mark), Object::Reference(target)]) if mark == OPEN_ACTION_MARK => {
                match document.objects.get(target) {
                    Some(Object::Name(kind)) if kind == GO_TO_MARK => None,
                    _ => Some(OPEN_ACTION),
                }
            }
            _ => None,
        });
    let in_trailer = active_in_dictionary(&document.trailer);
    if let Some(name) = marked.or(in_trailer.as_deref()) {
        tracing::info!(name = %String::from_utf8_lossy(name), "PDF refused for active content");
        return Err(Refusal::PdfActive);
    }
    // Every object in use must have been parsed: one lopdf skipped is one nobody looked at.
    let missing = document
        .reference_table
        .entries
        .iter()
        .filter(|(_, entry)| {
            matches!(
                entry,
                lopdf::xref::XrefEntry::Normal { .. } | lopdf::xref::XrefEntry::Compressed { .. }
            )
        })
        .filter(|(number, _)| {
            document
                .objects
                .range((**number, 0)..=(**number, u16::MAX))
                .next()
                .is_none()
        })
        .count();
    if missing > 0 {
        tracing::debug!(missing, "PDF refused: objects it lists could not be parsed");
        return Err(Refusal::PdfUnreadable);
    }
    Ok(())
}

/// lopdf's filter, called with each object as it is parsed: a small marker takes its place (an object stream stays
/// whole, so that lopdf parses what it holds). lopdf keeps a top-level object as the filter leaves it and an
/// object-stream member as the filter returns it, so the marker is both.
fn mark(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let open_action = match &*object {
        Object::Dictionary(dictionary) => dictionary.get(OPEN_ACTION).and_then(Object::as_reference).ok(),
        _ => None,
    };
    let marker = match (active_in(object), open_action) {
        (Some(name), _) => Object::Array(vec![Object::Name(MARK.to_vec()), Object::Name(name)]),
        (None, Some(target)) => Object::Array(vec![Object::Name(OPEN_ACTION_MARK.to_vec()), Object::Reference(target)]),
        (None, None) if matches!(object, Object::Stream(stream) if stream.dict.has_type(b"ObjStm")) => {
            return Some((id, Object::Null));
        }
        (None, None) if only_goes_to(object) => Object::Name(GO_TO_MARK.to_vec()),
        (None, None) => Object::Null,
    };
    *object = marker.clone();
    Some((id, marker))
}

/// The first active name in `object`, at any depth.
fn active_in(object: &Object) -> Option<Vec<u8>> {
    match object {
        Object::Name(name) if ACTIVE_NAMES.contains(&name.as_slice()) => Some(name.clone()),
        Object::Array(items) => items.iter().find_map(active_in),
        Object::Dictionary(dictionary) => active_in_dictionary(dictionary),
        Object::Stream(stream) => active_in_dictionary(&stream.dict),
        _ => None,
    }
}

fn active_in_dictionary(dictionary: &Dictionary) -> Option<Vec<u8>> {
    dictionary.iter().find_map(|(key, value)| {
        if ACTIVE_NAMES.contains(&key.as_slice()) {
            return Some(key.clone());
        }
        // A destination is walked like any value; a reference is decided in `walk`.
        if key == OPEN_ACTION && !matches!(value, Object::Reference(_)) && !only_goes_to(value) {
            return Some(key.clone());
        }
        active_in(value)
    })
}

/// Whether `object` only chooses a place in the document: a destination array, or a `/GoTo` action.
fn only_goes_to(object: &Object) -> bool {
    match object {
        Object::Array(_) => true,
        Object::Dictionary(action) => action.get(b"S").and_then(Object::as_name).is_ok_and(|s| s == b"GoTo"),
        _ => false,
    }
}

/// What a full parse would build, counted without building it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// Numbers, names, strings, keywords, and the openings of arrays and dictionaries, outside streams' data.
    tokens: usize,
    /// Names `/ObjStm` (decoded): the object streams a parse decompresses.
    object_streams: usize,
}

fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !is_delimiter(c)
}

/// One linear pass of the PDF lexer's rules: comments and strings are skipped, and a stream's data from its
/// `stream` keyword to the next `endstream`.
fn shape(bytes: &[u8]) -> Shape {
    let mut shape = Shape::default();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        match bytes[i] {
            b'%' => {
                while i < n && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            c if is_white(c) => i += 1,
            b'(' => {
                shape.tokens += 1;
                i = after_literal_string(bytes, i);
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                shape.tokens += 1;
                i += 2;
            }
            b'<' => {
                shape.tokens += 1;
                i += bytes[i..].iter().position(|&c| c == b'>').map_or(n - i, |p| p + 1);
            }
            b'[' | b'{' => {
                shape.tokens += 1;
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < n && is_regular(bytes[i]) {
                    i += 1;
                }
                shape.tokens += 1;
                if decoded_name_is(&bytes[start..i], b"ObjStm") {
                    shape.object_streams += 1;
                }
            }
            c if is_delimiter(c) => i += 1, // the closing `)`, `>`, `]`, `}`: counted with their opening
            _ => {
                let start = i;
                while i < n && is_regular(bytes[i]) {
                    i += 1;
                }
                shape.tokens += 1;
                if &bytes[start..i] == b"stream" {
                    i += bytes[i..]
                        .windows(b"endstream".len())
                        .position(|w| w == b"endstream")
                        .map_or(n - i, |p| p + b"endstream".len());
                }
            }
        }
    }
    shape
}

/// Where a literal string that opens at `start` ends: parentheses nest, a backslash escapes the next byte.
fn after_literal_string(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether the raw name `raw` (without its `/`) decodes to `wanted`: `#` and two hexadecimal digits stand for
/// one byte.
fn decoded_name_is(raw: &[u8], wanted: &[u8]) -> bool {
    let mut decoded = Vec::with_capacity(wanted.len());
    let mut i = 0;
    while i < raw.len() {
        if decoded.len() > wanted.len() {
            return false;
        }
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            raw[i],
            raw.get(i + 1).and_then(|&c| hex(c)),
            raw.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'#', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (c, _, _) => {
                decoded.push(c);
                i += 1;
            }
        }
    }
    decoded == wanted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::fixtures;

    fn checked(content: &[u8]) -> Result<(), Refusal> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("document.pdf");
        std::fs::write(&path, content).expect("write");
        check(&path)
    }

    #[test]
    fn a_minimal_pdf_passes() {
        assert!(checked(&fixtures::pdf()).is_ok());
    }

    #[test]
    fn an_encrypted_pdf_is_refused() {
        let result = checked(&fixtures::encrypted_pdf());
        assert!(matches!(result, Err(Refusal::PdfEncrypted)), "{result:?}");
    }

    #[test]
    fn unreadable_pdfs_are_refused() {
        for content in [
            b"%PDF-1.4\n".to_vec(),
            b"%PDF-1.4\n\x00\x01\x02 garbage garbage garbage\n%%EOF\n".to_vec(),
            // A catalog without pages.
            fixtures::pdf_with_objects(&["<< /Type /Catalog >>"], ""),
        ] {
            let result = checked(&content);
            assert!(matches!(result, Err(Refusal::PdfUnreadable)), "{result:?}");
        }
    }

    #[test]
    fn every_kind_of_active_content_is_refused_in_plain_objects_and_in_object_streams() {
        for (case, pdf) in fixtures::active_pdfs() {
            let result = checked(&pdf);
            assert!(matches!(result, Err(Refusal::PdfActive)), "{case}: {result:?}");
            // The same objects packed into compressed object streams, where no byte of them shows in the file.
            let packed = fixtures::in_object_streams(&pdf);
            assert!(contains(&packed, b"/ObjStm"), "{case}: packed");
            let result = checked(&packed);
            assert!(
                matches!(result, Err(Refusal::PdfActive)),
                "{case} in an object stream: {result:?}"
            );
        }
    }

    #[test]
    fn names_are_compared_decoded() {
        for hidden in ["/J#61vaScript", "/#4A#53", "/#41#41", "/Launc#68", "/#58FA"] {
            let pdf = fixtures::pdf_with_page_extra(&format!("/Dummy << {hidden} (x) >>"));
            assert!(!contains(&pdf, b"/JavaScript") && !contains(&pdf, b"/Launch"));
            let result = checked(&pdf);
            assert!(matches!(result, Err(Refusal::PdfActive)), "{hidden}: {result:?}");
        }
    }

    #[test]
    fn plain_pdfs_pass_however_they_are_written() {
        // A destination to open at is no action; links, outlines and metadata are ordinary.
        for pdf in [
            fixtures::pdf(),
            fixtures::pdf_with_catalog_extra("/OpenAction [3 0 R /Fit] /PageMode /UseNone"),
            // As pdfTeX writes it: the destination by reference.
            fixtures::pdf_with("/OpenAction 5 0 R", "", &["[3 0 R /Fit]"]),
            fixtures::in_object_streams(&fixtures::pdf_with("/OpenAction 5 0 R", "", &["[3 0 R /Fit]"])),
            fixtures::in_object_streams(&fixtures::pdf_with("/OpenAction 5 0 R", "", &["<< /S /GoTo /D [3 0 R /Fit] >>"])),
            fixtures::pdf_with_catalog_extra("/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
            fixtures::pdf_with_page_extra("/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.com/) >> >>]"),
            fixtures::in_object_streams(&fixtures::pdf()),
            fixtures::signed_looking_pdf(),
        ] {
            let result = checked(&pdf);
            assert!(result.is_ok(), "{result:?}: {}", String::from_utf8_lossy(&pdf[..pdf.len().min(600)]));
        }
    }

    #[test]
    fn an_object_the_parser_cannot_read_is_not_waved_through() {
        // The cross-reference table lists an object whose bytes are not an object: whatever a reader would make of
        // it was never looked at.
        let pdf = fixtures::pdf_with_objects(
            &[
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                ">> ]] garbage (unterminated",
            ],
            "",
        );
        let result = checked(&pdf);
        assert!(matches!(result, Err(Refusal::PdfUnreadable)), "{result:?}");
    }

    #[test]
    fn a_token_flood_is_refused_before_it_is_parsed() {
        // Two bytes a number: parsed, these would take about a hundred bytes each.
        let flood = format!("[{}]", "0 ".repeat(MAX_TOKENS));
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            flood.as_str(),
        ];
        let pdf = fixtures::pdf_with_objects(&objects, "");
        assert!(shape(&pdf).tokens > MAX_TOKENS);
        let result = checked(&pdf);
        assert!(matches!(result, Err(Refusal::PdfUnreadable)), "{result:?}");
    }

    #[test]
    fn the_count_skips_comments_strings_and_stream_data() {
        let shape = shape(b"%PDF-1.7\n% (((\n1 0 obj << /Type /Obj#53tm /Length 9 >> stream\n[[[ 1 2 3\nendstream endobj (a (b) \\) c) <00ff> [/x]");
        // 1, 0, obj, <<, /Type, /ObjStm, /Length, 9, stream | endobj, (…), <…>, [, /x
        assert_eq!(
            shape,
            Shape {
                tokens: 14,
                object_streams: 1
            }
        );
        assert!(decoded_name_is(b"Obj#53tm", b"ObjStm"));
        assert!(!decoded_name_is(b"ObjStmX", b"ObjStm"));
        assert!(!decoded_name_is(b"Obj#5", b"ObjStm"));
    }
}
