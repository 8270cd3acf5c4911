//! The printable application form ("formulir permohonan"): the registration proof an applicant prints or shows at
//! the counter, as an A4 PDF with the registration number in large print and as a QR code the staff scan.
//!
//! The page is composed by hand on top of lopdf's object model. The text is set in DejaVu Sans and DejaVu Sans
//! Bold, embedded as TrueType CID fonts (Type 0, Identity-H) cut down to the glyphs the sheet shows (see
//! [`font`]): every letter a name may have prints as typed, Nguyễn, Łukasz, Øster and Đặng included, where the
//! standard Helvetica in WinAnsiEncoding printed "?" for anything beyond Windows-1252. Each font has a
//! `ToUnicode` map, so the text remains extractable (copy and paste, screen readers, `pdftotext`). Wrapping
//! measures with the faces' own advance widths, the ones the `/W` arrays declare.
//!
//! Everything on the sheet arrives translated: this module knows nothing of languages.

mod font;

use lopdf::{dictionary, Dictionary, Document, Object, Stream};
use qrcode::{bits::Bits, Color, EcLevel, QrCode, QrResult, Version};
use std::collections::BTreeSet;

/// One printed sheet: everything already translated by the caller.
pub struct FormSheet {
    pub title: String,
    pub subtitle: String,
    pub reference_label: String,
    /// The registration number; the QR code holds exactly this string and nothing else.
    pub reference: String,
    pub sections: Vec<SheetSection>,
    /// A line printed at the bottom of each page.
    pub footer: String,
}

pub struct SheetSection {
    pub heading: String,
    /// Label and value; a long value wraps within its column.
    pub rows: Vec<(String, String)>,
    /// Printed as a bulleted list after the rows (e.g. what to bring).
    pub bullets: Vec<String>,
    pub paragraphs: Vec<String>,
}

// A4 in points, and the frame everything is placed in.
const A4_POINTS: (i64, i64) = (595, 842);
const PAGE_WIDTH: f32 = A4_POINTS.0 as f32;
const PAGE_HEIGHT: f32 = A4_POINTS.1 as f32;
const MARGIN: f32 = 50.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

// Rows: labels on the left, values in the rest of the width.
const LABEL_COLUMN: f32 = 170.0;
const COLUMN_GAP: f32 = 10.0;
const VALUE_WIDTH: f32 = CONTENT_WIDTH - LABEL_COLUMN;

// Bullets: the mark hangs a little in, the text wraps under itself rather than under the mark.
const BULLET_INDENT: f32 = 6.0;
const BULLET_TEXT_INDENT: f32 = 18.0;
const BULLET: &str = "•";

// The QR code, quiet zone included, in the top right corner.
const QR_SIZE: f32 = 110.0;
/// The blank border, in modules, that the QR specification asks for so scanners find the symbol.
const QR_QUIET_ZONE: usize = 4;
/// The header text stops this far left of the QR code.
const QR_GAP: f32 = 15.0;

const TITLE_SIZE: f32 = 16.0;
const SUBTITLE_SIZE: f32 = 10.0;
const REFERENCE_LABEL_SIZE: f32 = 11.0;
const REFERENCE_SIZE: f32 = 20.0;
const HEADING_SIZE: f32 = 12.0;
const BODY_SIZE: f32 = 10.0;
const SMALL_SIZE: f32 = 8.0;

/// The space between a section's rows, bullets and paragraphs.
const BLOCK_GAP: f32 = 5.0;

/// The footer's baseline: below the bottom margin, which body text never crosses.
const FOOTER_BASELINE: f32 = 30.0;
/// Room kept on the right of the footer for the page number ("12/12").
const PAGE_NUMBER_WIDTH: f32 = 40.0;

const PRODUCER: &str = "Portal KTP-el";

/// The PDF of the sheet: one or more A4 pages.
pub fn render(sheet: &FormSheet) -> Vec<u8> {
    let footer = wrap(
        &sheet.footer,
        Font::Regular,
        SMALL_SIZE,
        CONTENT_WIDTH - PAGE_NUMBER_WIDTH,
    );
    let running_head = format!("{} {}", sheet.reference_label, sheet.reference);
    let mut pages = Pages::new(content_bottom(footer.len()), running_head);
    header(&mut pages, sheet);
    for section in &sheet.sections {
        draw_section(&mut pages, section);
    }
    let (contents, used) = pages.finish(&footer);
    assemble(&sheet.title, contents, &used)
}

/// The lowest point body text may reach: the bottom margin, raised when a long footer wraps onto several lines.
fn content_bottom(footer_lines: usize) -> f32 {
    let footer_top = FOOTER_BASELINE + footer_lines.saturating_sub(1) as f32 * leading(SMALL_SIZE) + SMALL_SIZE;
    MARGIN.max(footer_top + BODY_SIZE)
}

/// The distance from one baseline to the next.
fn leading(size: f32) -> f32 {
    size * 1.3
}

/// Title, office, and the registration number beside its QR code; then a rule across the page.
fn header(pages: &mut Pages, sheet: &FormSheet) {
    let top = pages.y;
    // Drawn first, so that it is on the first page even if an absurdly long title pushed the text onto a second.
    match qr_code(&sheet.reference) {
        Ok(code) => draw_qr(&mut pages.canvas, &code, PAGE_WIDTH - MARGIN - QR_SIZE, top),
        // Only a reference of thousands of characters is refused, and the number is printed in full anyway.
        Err(error) => tracing::warn!(%error, "registration form printed without its QR code"),
    }
    let text_width = CONTENT_WIDTH - QR_SIZE - QR_GAP;
    pages.paragraph(&sheet.title, Font::Bold, TITLE_SIZE, MARGIN, text_width);
    pages.skip(2.0);
    pages.paragraph(&sheet.subtitle, Font::Regular, SUBTITLE_SIZE, MARGIN, text_width);
    pages.skip(14.0);
    pages.paragraph(
        &sheet.reference_label,
        Font::Bold,
        REFERENCE_LABEL_SIZE,
        MARGIN,
        text_width,
    );
    pages.paragraph(&sheet.reference, Font::Bold, REFERENCE_SIZE, MARGIN, text_width);
    pages.y = pages.y.min(top - QR_SIZE) - 6.0;
    pages.canvas.rule(MARGIN, PAGE_WIDTH - MARGIN, pages.y);
    pages.skip(4.0);
}

fn draw_section(pages: &mut Pages, section: &SheetSection) {
    pages.skip(14.0);
    let heading = wrap(&section.heading, Font::Bold, HEADING_SIZE, CONTENT_WIDTH);
    // A heading alone at the foot of a page introduces nothing: it moves to the next page with its first line.
    pages.reserve(heading.len() as f32 * leading(HEADING_SIZE) + leading(BODY_SIZE));
    pages.lines(&heading, Font::Bold, HEADING_SIZE, MARGIN);
    // Below the descenders, so the rule underlines the section rather than strikes the heading's g and p.
    pages.canvas.rule(MARGIN, PAGE_WIDTH - MARGIN, pages.y - 1.0);
    pages.skip(7.0);
    for (label, value) in &section.rows {
        draw_row(pages, label, value);
    }
    if !section.rows.is_empty() && !section.bullets.is_empty() {
        pages.skip(BLOCK_GAP);
    }
    for bullet in &section.bullets {
        draw_bullet(pages, bullet);
    }
    for (index, paragraph) in section.paragraphs.iter().enumerate() {
        if index > 0 || !section.rows.is_empty() || !section.bullets.is_empty() {
            pages.skip(BLOCK_GAP);
        }
        pages.paragraph(paragraph, Font::Regular, BODY_SIZE, MARGIN, CONTENT_WIDTH);
    }
}

/// A label and its value side by side, each wrapping within its own column.
fn draw_row(pages: &mut Pages, label: &str, value: &str) {
    let labels = wrap(label, Font::Regular, BODY_SIZE, LABEL_COLUMN - COLUMN_GAP);
    let values = wrap(value, Font::Regular, BODY_SIZE, VALUE_WIDTH);
    let count = labels.len().max(values.len());
    // A row is kept on one page; only a value longer than a page flows onto the next one.
    pages.reserve(count as f32 * leading(BODY_SIZE));
    for index in 0..count {
        pages.reserve(leading(BODY_SIZE));
        let baseline = pages.baseline(BODY_SIZE);
        if let Some(line) = labels.get(index) {
            pages.canvas.text(Font::Regular, BODY_SIZE, MARGIN, baseline, line);
        }
        if let Some(line) = values.get(index) {
            pages
                .canvas
                .text(Font::Regular, BODY_SIZE, MARGIN + LABEL_COLUMN, baseline, line);
        }
        pages.y -= leading(BODY_SIZE);
    }
    pages.skip(3.0);
}

fn draw_bullet(pages: &mut Pages, text: &str) {
    let lines = wrap(text, Font::Regular, BODY_SIZE, CONTENT_WIDTH - BULLET_TEXT_INDENT);
    pages.reserve(leading(BODY_SIZE));
    let baseline = pages.baseline(BODY_SIZE);
    pages
        .canvas
        .text(Font::Regular, BODY_SIZE, MARGIN + BULLET_INDENT, baseline, BULLET);
    pages.lines(&lines, Font::Regular, BODY_SIZE, MARGIN + BULLET_TEXT_INDENT);
    pages.skip(2.0);
}

/// The pages being filled, top to bottom.
struct Pages {
    done: Vec<Canvas>,
    canvas: Canvas,
    /// The top of the next line, in PDF coordinates (from the bottom of the page).
    y: f32,
    bottom: f32,
    /// Printed at the top of every page after the first, so a loose page still names its application.
    running_head: String,
}

impl Pages {
    fn new(bottom: f32, running_head: String) -> Self {
        // Its first line is enough to identify the application.
        let running_head = wrap(&running_head, Font::Regular, SMALL_SIZE, CONTENT_WIDTH)
            .into_iter()
            .next()
            .unwrap_or_default();
        Pages {
            done: Vec::new(),
            canvas: Canvas::default(),
            y: PAGE_HEIGHT - MARGIN,
            bottom,
            running_head,
        }
    }

    fn at_top(&self) -> bool {
        self.y >= self.top()
    }

    /// Where text starts on this page: under the running head on pages after the first.
    fn top(&self) -> f32 {
        if self.done.is_empty() {
            PAGE_HEIGHT - MARGIN
        } else {
            PAGE_HEIGHT - MARGIN - leading(SMALL_SIZE) - 6.0
        }
    }

    /// Starts a new page unless `height` fits above the bottom margin. At the top of a page it never does: a
    /// block taller than a page would otherwise push out blank pages forever.
    fn reserve(&mut self, height: f32) {
        if self.y - height < self.bottom && !self.at_top() {
            self.done.push(std::mem::take(&mut self.canvas));
            self.y = self.top();
            let baseline = PAGE_HEIGHT - MARGIN - SMALL_SIZE;
            self.canvas
                .gray_text(Font::Regular, SMALL_SIZE, MARGIN, baseline, &self.running_head);
        }
    }

    /// Vertical space. Space that does not fit on the page is dropped, not carried to the top of the next one.
    fn skip(&mut self, height: f32) {
        self.y = (self.y - height).max(self.bottom);
    }

    /// The baseline of a line of `size` hung from the current position.
    fn baseline(&self, size: f32) -> f32 {
        self.y - size
    }

    fn paragraph(&mut self, text: &str, font: Font, size: f32, x: f32, width: f32) {
        let lines = wrap(text, font, size, width);
        self.lines(&lines, font, size, x);
    }

    fn lines(&mut self, lines: &[String], font: Font, size: f32, x: f32) {
        for line in lines {
            self.reserve(leading(size));
            let baseline = self.baseline(size);
            self.canvas.text(font, size, x, baseline, line);
            self.y -= leading(size);
        }
    }

    /// Every page's content stream, with the footer and, when there are several pages, the page number; and the
    /// characters shown in each face, to embed their glyphs.
    fn finish(mut self, footer: &[String]) -> (Vec<Vec<u8>>, Used) {
        self.done.push(self.canvas);
        let count = self.done.len();
        let mut contents = Vec::with_capacity(count);
        let mut used = Used::default();
        for (index, mut canvas) in self.done.into_iter().enumerate() {
            for (line_index, line) in footer.iter().enumerate() {
                let baseline = FOOTER_BASELINE + (footer.len() - 1 - line_index) as f32 * leading(SMALL_SIZE);
                canvas.gray_text(Font::Regular, SMALL_SIZE, MARGIN, baseline, line);
            }
            if count > 1 {
                let number = format!("{}/{}", index + 1, count);
                let x = PAGE_WIDTH - MARGIN - text_width(&number, Font::Regular, SMALL_SIZE);
                canvas.gray_text(Font::Regular, SMALL_SIZE, x, FOOTER_BASELINE, &number);
            }
            used.regular.extend(canvas.used.regular);
            used.bold.extend(canvas.used.bold);
            contents.push(canvas.ops);
        }
        (contents, used)
    }
}

/// The characters shown in each face.
#[derive(Default)]
struct Used {
    regular: BTreeSet<char>,
    bold: BTreeSet<char>,
}

/// One page's content stream, written directly: a handful of operators, and the numbers kept short.
#[derive(Default)]
struct Canvas {
    ops: Vec<u8>,
    used: Used,
}

impl Canvas {
    /// One line of text with its left end of the baseline at (`x`, `baseline`). A character the face cannot print
    /// is shown as "?" (the text from [`wrap`] has none left).
    fn text(&mut self, font: Font, size: f32, x: f32, baseline: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let face = font.face();
        let used = match font {
            Font::Regular => &mut self.used.regular,
            Font::Bold => &mut self.used.bold,
        };
        let shown: String = text.chars().map(|c| face.printable(c)).collect();
        used.extend(shown.chars());
        let start = format!(
            "BT /{} {} Tf {} {} Td ",
            font.resource_name(),
            num(size),
            num(x),
            num(baseline)
        );
        self.ops.extend_from_slice(start.as_bytes());
        self.ops.extend_from_slice(&cid_string(&shown));
        self.ops.extend_from_slice(b" Tj ET\n");
    }

    /// Text in grey, for what frames the page rather than belongs to the form.
    fn gray_text(&mut self, font: Font, size: f32, x: f32, baseline: f32, text: &str) {
        self.ops.extend_from_slice(b"0.4 g\n");
        self.text(font, size, x, baseline, text);
        self.ops.extend_from_slice(b"0 g\n");
    }

    /// A thin horizontal line.
    fn rule(&mut self, from: f32, to: f32, y: f32) {
        let line = format!("0.5 w {} {} m {} {} l S\n", num(from), num(y), num(to), num(y));
        self.ops.extend_from_slice(line.as_bytes());
    }
}

/// A number as a PDF operand: two decimals at most, trailing zeros dropped.
fn num(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The document around the page contents: fonts, page tree, catalog and the document information.
fn assemble(title: &str, contents: Vec<Vec<u8>>, used: &Used) -> Vec<u8> {
    // 1.5: lopdf writes the cross-reference table as a compressed stream, which arrived in PDF 1.5.
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let regular = embed_font(&mut doc, Font::Regular, &used.regular);
    let bold = embed_font(&mut doc, Font::Bold, &used.bold);
    let mut fonts = Dictionary::new();
    fonts.set(Font::Regular.resource_name(), regular);
    fonts.set(Font::Bold.resource_name(), bold);
    let kids: Vec<Object> = contents
        .into_iter()
        .map(|content| {
            let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
            let page = dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id };
            Object::Reference(doc.add_object(page))
        })
        .collect();
    let page_count = kids.len() as i64;
    // Resources and page size are inherited by every page from the root of the page tree.
    let page_tree = dictionary! {
        "Type" => "Pages",
        "Kids" => kids,
        "Count" => page_count,
        "Resources" => dictionary! { "Font" => fonts },
        "MediaBox" => vec![0.into(), 0.into(), A4_POINTS.0.into(), A4_POINTS.1.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(page_tree));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => lopdf::text_string(title),
        "Producer" => Object::string_literal(PRODUCER),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .expect("writing a PDF into memory cannot fail: a Vec accepts every write");
    bytes
}

/// The Extended Channel Interpretation number of UTF-8.
const UTF8_ECI: u32 = 26;

/// The QR code of `data` at error correction level M (15% of the symbol may be damaged or smudged).
fn qr_code(data: &str) -> QrResult<QrCode> {
    if data.is_ascii() {
        return QrCode::with_error_correction_level(data, EcLevel::M);
    }
    // The automatic segmentation may take a pair of UTF-8 bytes for a Shift JIS character and use Kanji mode, and
    // scanners guess the character set of plain byte mode (zbar reads UTF-8 as Shift JIS): anything beyond ASCII goes
    // in byte mode announced as UTF-8 (ECI 26), in the smallest version that holds it.
    let mut last_error = qrcode::types::QrError::DataTooLong;
    for version in 1..=40 {
        let mut bits = Bits::new(Version::Normal(version));
        let pushed = bits
            .push_eci_designator(UTF8_ECI)
            .and_then(|()| bits.push_byte_data(data.as_bytes()))
            .and_then(|()| bits.push_terminator(EcLevel::M));
        match pushed {
            Ok(()) => return QrCode::with_bits(bits, EcLevel::M),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// A horizontal run of dark modules in one row of the QR matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    row: usize,
    column: usize,
    length: usize,
}

/// The dark modules of `code`, row by row, adjacent ones merged: a few hundred rectangles instead of a thousand.
fn dark_runs(code: &QrCode) -> Vec<Run> {
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (row, modules) in colors.chunks(width).enumerate() {
        let mut column = 0;
        while column < width {
            if modules[column] == Color::Light {
                column += 1;
                continue;
            }
            let length = modules[column..]
                .iter()
                .take_while(|&&color| color == Color::Dark)
                .count();
            runs.push(Run { row, column, length });
            column += length;
        }
    }
    runs
}

/// The QR code as filled rectangles, quiet zone included in its `QR_SIZE` square whose top left corner is
/// (`left`, `top`).
fn draw_qr(canvas: &mut Canvas, code: &QrCode, left: f32, top: f32) {
    let module = QR_SIZE / (code.width() + 2 * QR_QUIET_ZONE) as f32;
    let origin_x = left + QR_QUIET_ZONE as f32 * module;
    let origin_y = top - QR_QUIET_ZONE as f32 * module;
    // One module becomes one unit, with y growing downwards as the matrix rows do: the rectangles are small
    // integers, and adjacent modules meet exactly with no rounding between them.
    let transform = format!(
        "q {module:.4} 0 0 {:.4} {} {} cm\n",
        -module,
        num(origin_x),
        num(origin_y)
    );
    canvas.ops.extend_from_slice(transform.as_bytes());
    for run in dark_runs(code) {
        let rectangle = format!("{} {} {} 1 re\n", run.column, run.row, run.length);
        canvas.ops.extend_from_slice(rectangle.as_bytes());
    }
    // One fill for the whole symbol: no anti-aliased seams between rectangles.
    canvas.ops.extend_from_slice(b"f Q\n");
}

/// `text` cut into lines no wider than `max_width`, each character the face cannot print replaced by "?". Lines
/// break at spaces; a word wider than the whole width (a long number, an e-mail address) is cut where it
/// overflows. A newline in `text` always starts a new line. There is always at least one line, possibly empty, so
/// an empty value still takes its row.
fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    // Widths are compared in font units (thousandths of the size): exact, with no rounding to accumulate.
    let max_units = (max_width * 1000.0 / size).max(0.0) as u32;
    let mut wrapper = Wrapper {
        font,
        max_units,
        lines: Vec::new(),
        line: String::new(),
        units: 0,
    };
    for source_line in text.split('\n') {
        // A no-break space binds the words on either side of it.
        for word in source_line
            .split(|c: char| c.is_whitespace() && c != '\u{a0}')
            .filter(|w| !w.is_empty())
        {
            wrapper.word(&printable(word, font));
        }
        wrapper.end_line();
    }
    wrapper.lines
}

/// `text` with each character `font` has no glyph for (another script, a control character) replaced by "?".
fn printable(text: &str, font: Font) -> String {
    let face = font.face();
    text.chars().map(|c| face.printable(c)).collect()
}

struct Wrapper {
    font: Font,
    max_units: u32,
    lines: Vec<String>,
    line: String,
    units: u32,
}

impl Wrapper {
    fn word(&mut self, word: &str) {
        let units = width_units(word, self.font);
        if !self.line.is_empty() {
            let space = self.font.face().width(' ');
            if self.units + space + units <= self.max_units {
                self.line.push(' ');
                self.line.push_str(word);
                self.units += space + units;
                return;
            }
            self.end_line();
        }
        if units <= self.max_units {
            self.line.push_str(word);
            self.units = units;
            return;
        }
        for c in word.chars() {
            let glyph = self.font.face().width(c);
            // A line always takes at least one glyph, however narrow the column: no endless empty lines.
            if !self.line.is_empty() && self.units + glyph > self.max_units {
                self.end_line();
            }
            self.line.push(c);
            self.units += glyph;
        }
    }

    fn end_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.units = 0;
    }
}

/// The width of `text`, in points.
fn text_width(text: &str, font: Font, size: f32) -> f32 {
    width_units(text, font) as f32 * size / 1000.0
}

fn width_units(text: &str, font: Font) -> u32 {
    let face = font.face();
    text.chars().map(|c| face.width(c)).sum()
}

/// `text` as a PDF hexadecimal string of two-byte codes under Identity-H: each character's CID is its code point
/// (see [`font`]). [`wrap`] has replaced anything beyond the faces already; what has no two-byte code shows "?".
fn cid_string(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 4 + 2);
    out.push(b'<');
    for c in text.chars() {
        let code = font::cid(c).unwrap_or(u16::from(font::REPLACEMENT as u8));
        out.extend_from_slice(format!("{code:04X}").as_bytes());
    }
    out.push(b'>');
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource_name(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    fn face(self) -> &'static font::Face {
        match self {
            Font::Regular => font::regular(),
            Font::Bold => font::bold(),
        }
    }
}

/// The font objects of `font` for the characters in `used`: a Type 0 font over a CIDFontType2 whose TrueType
/// program holds only their glyphs, with its widths, `CIDToGIDMap` and `ToUnicode` map. Returns the Type 0 font.
fn embed_font(doc: &mut Document, font: Font, used: &BTreeSet<char>) -> lopdf::ObjectId {
    let embedding = font.face().embedding(used);
    let base_font = embedding.base_font.as_str();
    let program_length = embedding.program.len() as i64;
    let program = doc.add_object(Stream::new(
        dictionary! { "Length1" => program_length },
        embedding.program,
    ));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => base_font,
        // Nonsymbolic: the Latin character set.
        "Flags" => 32,
        "FontBBox" => embedding.bbox.iter().map(|&v| Object::Integer(v.into())).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => embedding.ascent,
        "Descent" => embedding.descent,
        "CapHeight" => embedding.cap_height,
        "StemV" => embedding.stem_v,
        "FontFile2" => program,
    });
    let cid_to_gid = doc.add_object(Stream::new(Dictionary::new(), embedding.cid_to_gid));
    // Consecutive CIDs share one array: `first [w1 w2 …]`.
    let mut widths: Vec<Object> = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut previous: Option<u16> = None;
    for &(cid, width) in &embedding.widths {
        if previous.is_none_or(|p| u32::from(p) + 1 != u32::from(cid)) {
            if !run.is_empty() {
                widths.push(Object::Array(std::mem::take(&mut run)));
            }
            widths.push(Object::Integer(cid.into()));
        }
        run.push(Object::Integer(width.into()));
        previous = Some(cid);
    }
    if !run.is_empty() {
        widths.push(Object::Array(run));
    }
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => base_font,
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "W" => widths,
        "CIDToGIDMap" => cid_to_gid,
    });
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), embedding.to_unicode));
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => base_font,
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(descendant)],
        "ToUnicode" => to_unicode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Operation;

    const REFERENCE: &str = "BKS-261121-7KQ2MX";

    fn row(label: &str, value: &str) -> (String, String) {
        (label.to_owned(), value.to_owned())
    }

    fn sheet(rows: Vec<(String, String)>) -> FormSheet {
        FormSheet {
            title: "Formulir Permohonan KTP-el".to_owned(),
            subtitle: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bengkalis".to_owned(),
            reference_label: "Nomor registrasi".to_owned(),
            reference: REFERENCE.to_owned(),
            sections: vec![SheetSection {
                heading: "Data pemohon".to_owned(),
                rows,
                bullets: vec!["Kartu Keluarga asli".to_owned()],
                paragraphs: vec!["Datanglah 15 menit sebelum jadwal.".to_owned()],
            }],
            footer: "Simpan bukti ini sampai KTP-el diterima.".to_owned(),
        }
    }

    fn short_sheet() -> FormSheet {
        sheet(vec![
            row("Nama lengkap", "Siti Nurhaliza"),
            row("NIK", "1403045107900002"),
        ])
    }

    fn load(pdf: &[u8]) -> Document {
        assert!(
            pdf.starts_with(b"%PDF-"),
            "not a PDF header: {:?}",
            &pdf[..pdf.len().min(8)]
        );
        Document::load_mem(pdf).expect("lopdf reads the PDF back")
    }

    /// Each page's content stream, decoded into operations.
    fn page_operations(pdf: &[u8]) -> Vec<Vec<Operation>> {
        let doc = load(pdf);
        doc.get_pages()
            .values()
            .map(|&page| {
                doc.get_and_decode_page_content(page)
                    .expect("page content decodes")
                    .operations
            })
            .collect()
    }

    /// The strings shown with `Tj`, in content stream order, read back from their two-byte codes (each a code
    /// point: see `font`).
    fn shown_text(operations: &[Operation]) -> Vec<String> {
        operations
            .iter()
            .filter(|op| op.operator == "Tj")
            .map(|op| {
                let bytes = op.operands[0].as_str().expect("Tj shows a string");
                assert_eq!(bytes.len() % 2, 0, "two bytes a character");
                let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
                String::from_utf16(&units).expect("code points of the Basic Multilingual Plane")
            })
            .collect()
    }

    fn numbers(op: &Operation) -> Vec<f32> {
        op.operands
            .iter()
            .map(|operand| operand.as_float().expect("numeric operand"))
            .collect()
    }

    #[test]
    fn a_short_sheet_is_one_page_that_lopdf_reads_back() {
        let pdf = render(&short_sheet());
        let doc = load(&pdf);
        assert_eq!(doc.get_pages().len(), 1);
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("an Info dictionary");
        let info = doc.get_dictionary(info).expect("Info is a dictionary");
        let title = info.get(b"Title").expect("a Title");
        assert_eq!(
            lopdf::decode_text_string(title).expect("a text string"),
            "Formulir Permohonan KTP-el"
        );
        assert_eq!(
            info.get(b"Producer").and_then(Object::as_str).expect("a Producer"),
            PRODUCER.as_bytes()
        );
    }

    #[test]
    fn two_hundred_rows_flow_onto_several_pages_each_with_its_footer() {
        let rows = (0..200)
            .map(|index| row(&format!("Baris {index}"), &format!("Nilai {index}")))
            .collect();
        let pdf = render(&sheet(rows));
        let pages = page_operations(&pdf);
        assert!(pages.len() > 1, "{} page(s)", pages.len());
        let mut all_text = Vec::new();
        for (index, operations) in pages.iter().enumerate() {
            let text = shown_text(operations);
            assert!(
                text.contains(&"Simpan bukti ini sampai KTP-el diterima.".to_owned()),
                "page {index}"
            );
            assert!(text.contains(&format!("{}/{}", index + 1, pages.len())), "page {index}");
            // Nothing but the footer and the page number below the bottom margin.
            for op in operations.iter().filter(|op| op.operator == "Td") {
                let baseline = numbers(op)[1];
                assert!(
                    baseline >= content_bottom(1) || baseline == FOOTER_BASELINE,
                    "page {index}: {baseline}"
                );
            }
            all_text.extend(text);
        }
        // Every row is printed once, none lost at a page break.
        for index in 0..200 {
            let count = all_text
                .iter()
                .filter(|text| **text == format!("Nilai {index}"))
                .count();
            assert_eq!(count, 1, "row {index}");
        }
    }

    #[test]
    fn text_is_written_in_reading_order() {
        let pdf = render(&short_sheet());
        let text = shown_text(&page_operations(&pdf)[0]);
        let expected: [&str; 11] = [
            "Formulir Permohonan KTP-el",
            "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bengkalis",
            "Nomor registrasi",
            REFERENCE,
            "Data pemohon",
            "Nama lengkap",
            "Siti Nurhaliza",
            "NIK",
            "1403045107900002",
            "Kartu Keluarga asli",
            "Datanglah 15 menit sebelum jadwal.",
        ];
        let positions: Vec<usize> = expected
            .iter()
            .map(|wanted| {
                text.iter()
                    .position(|shown| shown == wanted)
                    .expect("the text is on the page")
            })
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{positions:?}");
    }

    #[test]
    fn the_faces_print_latin_and_the_typographic_extras_and_replace_the_rest() {
        for font in [Font::Regular, Font::Bold] {
            assert_eq!(printable("Café – Ü • €5 “ok” A−", font), "Café – Ü • €5 “ok” A−");
            assert_eq!(
                printable("Nguyễn Đặng Łukasz Øster Şükrü", font),
                "Nguyễn Đặng Łukasz Øster Şükrü"
            );
            assert_eq!(printable("漢", font), "?");
            assert_eq!(printable("Иван", font), "????");
            assert_eq!(printable("a\u{7}b\u{85}c", font), "a?b?c");
        }
    }

    #[test]
    fn text_is_written_as_two_byte_codes_in_hexadecimal() {
        assert_eq!(
            cid_string("(Ibu) a\\b"),
            b"<0028004900620075002900200061005C0062>".to_vec()
        );
        assert_eq!(cid_string("Ễ"), b"<1EC4>".to_vec());
        assert_eq!(cid_string("😀"), b"<003F>".to_vec(), "beyond two bytes: ?");
        assert_eq!(cid_string(""), b"<>".to_vec());
    }

    #[test]
    fn a_value_with_parentheses_survives_the_round_trip() {
        let pdf = render(&sheet(vec![row("Nama", "Siti (Ibu) \\ Café")]));
        let text = shown_text(&page_operations(&pdf)[0]);
        assert!(text.contains(&"Siti (Ibu) \\ Café".to_owned()), "{text:?}");
    }

    /// The name check of the form (`app::domain::names`) and the font the form prints with cannot drift apart:
    /// every character a name may have, and every character of its capital, has a glyph in both faces.
    #[test]
    fn every_character_a_name_may_have_has_a_glyph_in_both_faces() {
        let mut checked = 0;
        for c in app::domain::names::accepted() {
            for shown in std::iter::once(c).chain(c.to_uppercase()) {
                for font in [Font::Regular, Font::Bold] {
                    assert!(
                        font.face().glyph(shown).is_some(),
                        "{font:?} has no glyph for {shown:?} (U+{:04X}), which a name may hold",
                        u32::from(shown)
                    );
                    assert_eq!(printable(&shown.to_string(), font), shown.to_string());
                }
                checked += 1;
            }
        }
        assert!(checked > 1300, "{checked} characters");
    }

    #[test]
    fn the_sheet_embeds_both_faces_subset_with_widths_and_a_unicode_map() {
        let pdf = render(&sheet(vec![row("Nama lengkap", "NGUYỄN THỊ MINH KHAI")]));
        let text = shown_text(&page_operations(&pdf)[0]);
        assert!(text.contains(&"NGUYỄN THỊ MINH KHAI".to_owned()), "{text:?}");
        let doc = load(&pdf);
        let page = *doc.get_pages().values().next().unwrap();
        let fonts = doc.get_page_fonts(page).expect("the page's fonts");
        assert_eq!(fonts.len(), 2);
        for (name, font) in fonts {
            let get = |dict: &Dictionary, key: &[u8]| dict.get(key).unwrap().clone();
            assert_eq!(get(font, b"Subtype").as_name().unwrap(), b"Type0");
            assert_eq!(get(font, b"Encoding").as_name().unwrap(), b"Identity-H");
            let base = String::from_utf8(get(font, b"BaseFont").as_name().unwrap().to_vec()).unwrap();
            let (tag, family) = base.split_once('+').expect("a subset tag");
            assert!(tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()), "{base}");
            assert!(family.starts_with("DejaVuSans"), "{base}");
            let to_unicode = get(font, b"ToUnicode").as_reference().unwrap();
            let cmap = doc.get_object(to_unicode).unwrap().as_stream().unwrap();
            let cmap = String::from_utf8(cmap.decompressed_content().unwrap()).unwrap();
            let descendants = get(font, b"DescendantFonts");
            let cid_font = doc
                .get_dictionary(descendants.as_array().unwrap()[0].as_reference().unwrap())
                .unwrap();
            assert_eq!(get(cid_font, b"Subtype").as_name().unwrap(), b"CIDFontType2");
            assert!(!get(cid_font, b"W").as_array().unwrap().is_empty());
            let descriptor = doc
                .get_dictionary(get(cid_font, b"FontDescriptor").as_reference().unwrap())
                .unwrap();
            let program = doc
                .get_object(get(descriptor, b"FontFile2").as_reference().unwrap())
                .unwrap()
                .as_stream()
                .unwrap();
            let program = program
                .decompressed_content()
                .unwrap_or_else(|_| program.content.clone());
            ttf_parser::Face::parse(&program, 0).expect("the embedded program is a TrueType font");
            assert!(program.len() < 16_000, "{name:?}: {} bytes", program.len());
            if name == b"F1" {
                assert!(cmap.contains("<1EC4> <1EC4>"), "Ễ maps back to itself");
            }
        }
    }

    #[test]
    fn wrapped_lines_never_exceed_the_column() {
        let value = "Jalan Jenderal Sudirman Gang Melati No. 17 RT 003 RW 002, Kelurahan Bengkalis Kota, \
                     Kecamatan Bengkalis, Kabupaten Bengkalis, Provinsi Riau 28711, Indonesia. "
            .repeat(5);
        for font in [Font::Regular, Font::Bold] {
            let lines = wrap(&value, font, BODY_SIZE, VALUE_WIDTH);
            assert!(lines.len() > 5, "{} lines", lines.len());
            for line in &lines {
                let width = text_width(line, font, BODY_SIZE);
                assert!(width <= VALUE_WIDTH, "{width} > {VALUE_WIDTH}: {line:?}");
            }
            // Only spaces were dropped: the words are all there, in order.
            let words: Vec<&str> = value.split_whitespace().collect();
            assert_eq!(lines.join(" "), words.join(" "));
        }
    }

    #[test]
    fn wrapping_measures_each_letter_by_its_own_width() {
        let narrow = wrap(&"i ".repeat(200), Font::Regular, BODY_SIZE, 100.0);
        let wide = wrap(&"W ".repeat(200), Font::Regular, BODY_SIZE, 100.0);
        assert!(
            wide.len() > 2 * narrow.len(),
            "{} lines of W, {} of i",
            wide.len(),
            narrow.len()
        );
        // An accented capital is as wide as its letter, as the face draws it.
        let face = Font::Bold.face();
        assert_eq!(face.width('Ễ'), face.width('E'));
        assert_eq!(
            text_width("NGUYỄN", Font::Bold, 10.0),
            text_width("NGUYEN", Font::Bold, 10.0)
        );
    }

    #[test]
    fn a_word_wider_than_the_column_is_cut() {
        let word = "0123456789".repeat(20);
        let lines = wrap(&word, Font::Regular, BODY_SIZE, 100.0);
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|line| text_width(line, Font::Regular, BODY_SIZE) <= 100.0));
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn wrapping_keeps_newlines_and_an_empty_value_takes_a_line() {
        assert_eq!(
            wrap("satu\ndua", Font::Regular, BODY_SIZE, 300.0),
            vec!["satu".to_owned(), "dua".to_owned()]
        );
        assert_eq!(wrap("", Font::Regular, BODY_SIZE, 300.0), vec![String::new()]);
    }

    #[test]
    fn the_rectangles_drawn_cover_exactly_the_dark_modules_of_the_reference() {
        let pdf = render(&short_sheet());
        let operations = &page_operations(&pdf)[0];
        let transform = operations
            .iter()
            .position(|op| op.operator == "cm")
            .expect("the QR code's transform");
        let [scale_x, _, _, scale_y, origin_x, origin_y] = numbers(&operations[transform])[..] else {
            panic!("cm takes six operands");
        };
        let code = qr_code(REFERENCE).expect("a short reference fits in a QR code");
        let width = code.width();

        // The symbol and its quiet zone fill the square in the top right corner.
        let module = QR_SIZE / (width + 2 * QR_QUIET_ZONE) as f32;
        assert!(
            (scale_x - module).abs() < 1e-3 && (scale_y + module).abs() < 1e-3,
            "{scale_x} {scale_y}"
        );
        let right = origin_x + (width + QR_QUIET_ZONE) as f32 * module;
        assert!((right - (PAGE_WIDTH - MARGIN)).abs() < 0.01, "right edge {right}");
        assert!(
            (origin_y + QR_QUIET_ZONE as f32 * module - (PAGE_HEIGHT - MARGIN)).abs() < 0.01,
            "top {origin_y}"
        );

        // Paint the rectangles, in module units, onto an empty matrix.
        let mut painted = vec![0u8; width * width];
        let rectangles = operations[transform + 1..].iter().take_while(|op| op.operator == "re");
        for op in rectangles {
            let [x, y, w, h] = numbers(op)[..] else {
                panic!("re takes four operands")
            };
            assert_eq!(h, 1.0, "one row per rectangle");
            let (row, column, length) = (y as usize, x as usize, w as usize);
            for module in &mut painted[row * width + column..row * width + column + length] {
                *module += 1;
            }
        }
        assert_eq!(operations[transform + 1 + dark_runs(&code).len()].operator, "f");

        let expected: Vec<u8> = code
            .to_colors()
            .iter()
            .map(|&color| u8::from(color == Color::Dark))
            .collect();
        assert_eq!(
            painted, expected,
            "each dark module painted once, no light module painted"
        );
        assert!(
            dark_runs(&code).len() < expected.iter().filter(|&&dark| dark == 1).count(),
            "runs are merged"
        );
    }

    #[test]
    fn a_reference_beyond_ascii_is_encoded_byte_for_byte() {
        let reference = "BKS-Café-漢";
        let code = qr_code(reference).expect("fits in a QR code");
        assert_eq!(code.error_correction_level(), EcLevel::M);
        // The automatic segmentation reads the UTF-8 bytes of "漢" as a Shift JIS character (Kanji mode): a scanner
        // would print another character. The symbol drawn is not that one.
        let automatic = QrCode::with_error_correction_level(reference, EcLevel::M).expect("fits in a QR code");
        assert_ne!(code.to_colors(), automatic.to_colors());
        assert!(qr_code(&"é".repeat(3000)).is_err(), "too long for any version");
    }
}
