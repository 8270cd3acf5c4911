//! The form's two faces, DejaVu Sans and DejaVu Sans Bold (`server/assets/fonts/`, already cut down to the Latin
//! blocks names use), and what the PDF needs of them: glyph widths for wrapping, and for each sheet a TrueType
//! program holding only the glyphs the sheet shows.
//!
//! The text is written with a character's Unicode code point as its CID (all of the faces' characters are in the
//! Basic Multilingual Plane, so two bytes each under Identity-H), and a `CIDToGIDMap` stream takes each CID to the
//! face's glyph. Two characters that share a glyph (Ð and Đ do in DejaVu) therefore stay two CIDs, and the
//! `ToUnicode` map gives each back exactly: `pdftotext`, copy and paste and screen readers read the name as typed.
//!
//! The subset keeps the glyph numbering of the face: the glyphs the sheet does not use are emptied (zero length in
//! `loca`), which is all the space they took. Composite glyphs (most accented letters are a base letter and an
//! accent) keep the glyphs they are built of.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;
use ttf_parser::{GlyphId, Tag};

/// One face, parsed once.
pub(super) struct Face {
    face: ttf_parser::Face<'static>,
    /// The PostScript name, which a subset's name extends with its tag.
    name: &'static str,
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| {
    Face::parse(
        include_bytes!("../../../assets/fonts/DejaVuSans-Latin.ttf"),
        "DejaVuSans",
    )
});

static BOLD: LazyLock<Face> = LazyLock::new(|| {
    Face::parse(
        include_bytes!("../../../assets/fonts/DejaVuSans-Bold-Latin.ttf"),
        "DejaVuSans-Bold",
    )
});

pub(super) fn regular() -> &'static Face {
    &REGULAR
}

pub(super) fn bold() -> &'static Face {
    &BOLD
}

/// Printed in place of a character the faces have no glyph for.
pub(super) const REPLACEMENT: char = '?';

/// Widths, and everything in the PDF's font dictionaries, are in thousandths of the font size.
const PDF_UNITS: u32 = 1000;

impl Face {
    fn parse(data: &'static [u8], name: &'static str) -> Face {
        // The files are part of the binary and a unit test parses both: this cannot fail at run time.
        let face = ttf_parser::Face::parse(data, 0).expect("the embedded font is a valid TrueType font");
        Face { face, name }
    }

    /// The glyph of `c`, if the face has one (the empty glyph 0, `.notdef`, does not count).
    pub(super) fn glyph(&self, c: char) -> Option<GlyphId> {
        self.face.glyph_index(c).filter(|g| g.0 != 0)
    }

    /// `c` if the face can print it, else [`REPLACEMENT`].
    pub(super) fn printable(&self, c: char) -> char {
        if self.glyph(c).is_some() {
            c
        } else {
            REPLACEMENT
        }
    }

    /// The advance width of `c` in thousandths of the font size, as the PDF's `/W` array declares it: wrapping
    /// measures with exactly the widths the reader places the glyphs by.
    pub(super) fn width(&self, c: char) -> u32 {
        let glyph = self.glyph(c).or_else(|| self.glyph(REPLACEMENT)).unwrap_or(GlyphId(0));
        self.to_pdf_units(i32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0)))
            .unsigned_abs()
    }

    fn to_pdf_units(&self, value: i32) -> i32 {
        let em = i32::from(self.face.units_per_em().max(1));
        // Rounded to the nearest unit, halves away from zero.
        let scaled = value * PDF_UNITS as i32;
        if scaled >= 0 {
            (scaled + em / 2) / em
        } else {
            (scaled - em / 2) / em
        }
    }

    /// The PDF objects of this face for the characters in `used`, all of which [`Face::printable`] let through.
    pub(super) fn embedding(&self, used: &BTreeSet<char>) -> Embedding {
        let glyphs: BTreeMap<u16, u16> = used.iter().filter_map(|&c| Some((cid(c)?, self.glyph(c)?.0))).collect();
        let program = self.subset(glyphs.values().copied());
        let tag = subset_tag(&glyphs);
        let bbox = self.face.global_bounding_box();
        let weight = i32::from(self.face.weight().to_number());
        Embedding {
            base_font: format!("{tag}+{}", self.name),
            widths: glyphs
                .keys()
                .map(|&cid| (cid, self.width(char::from_u32(u32::from(cid)).unwrap_or(REPLACEMENT))))
                .collect(),
            cid_to_gid: cid_to_gid_map(&glyphs),
            to_unicode: to_unicode_cmap(glyphs.keys().copied()),
            program,
            bbox: [
                self.to_pdf_units(i32::from(bbox.x_min)),
                self.to_pdf_units(i32::from(bbox.y_min)),
                self.to_pdf_units(i32::from(bbox.x_max)),
                self.to_pdf_units(i32::from(bbox.y_max)),
            ],
            ascent: self.to_pdf_units(i32::from(self.face.ascender())),
            descent: self.to_pdf_units(i32::from(self.face.descender())),
            cap_height: self.to_pdf_units(i32::from(self.cap_height())),
            // The usual estimate of the dominant stem from the weight class (400 → 95, 700 → 168).
            stem_v: 10 + 220 * (weight - 50) / 900,
        }
    }

    /// The height of the capitals: from `OS/2` where it says, else the top of "H".
    fn cap_height(&self) -> i16 {
        self.face
            .capital_height()
            .filter(|&h| h > 0)
            .or_else(|| Some(self.face.glyph_bounding_box(self.glyph('H')?)?.y_max))
            .unwrap_or(self.face.ascender())
    }

    /// A TrueType program with the glyphs `wanted`, the glyphs they are composed of and `.notdef`; every other
    /// glyph is emptied. The numbering of the glyphs, and so the advance widths in `hmtx`, are unchanged.
    fn subset(&self, wanted: impl IntoIterator<Item = u16>) -> Vec<u8> {
        let raw = self.face.raw_face();
        let table = |tag: &[u8; 4]| raw.table(Tag::from_bytes(tag)).unwrap_or_default();
        let (head, glyf, loca) = (table(b"head"), table(b"glyf"), table(b"loca"));
        let count = usize::from(self.face.number_of_glyphs());
        let long_metrics = read_u16(table(b"hhea"), 34).map_or(0, usize::from);
        let long_offsets = head.get(50..52) == Some(&[0, 1]);
        let offset = |index: usize| -> usize {
            if long_offsets {
                read_u32(loca, index * 4).map_or(0, |o| o as usize)
            } else {
                read_u16(loca, index * 2).map_or(0, |o| usize::from(o) * 2)
            }
        };
        let outline = |glyph: u16| -> &[u8] {
            let index = usize::from(glyph);
            let (start, end) = (offset(index), offset(index + 1));
            if index < count && start <= end {
                glyf.get(start..end).unwrap_or_default()
            } else {
                &[]
            }
        };

        let mut kept: BTreeSet<u16> = BTreeSet::new();
        let mut pending: Vec<u16> = std::iter::once(0).chain(wanted).collect();
        while let Some(glyph) = pending.pop() {
            if usize::from(glyph) < count && kept.insert(glyph) {
                pending.extend(components(outline(glyph)));
            }
        }

        // The new `glyf` and its `loca`, always in long offsets; each outline starts on a four-byte boundary.
        let mut new_glyf = Vec::new();
        let mut new_loca = Vec::with_capacity((count + 1) * 4);
        for glyph in 0..count {
            new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
            if u16::try_from(glyph).is_ok_and(|g| kept.contains(&g)) {
                new_glyf.extend_from_slice(outline(glyph as u16));
                new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
            }
        }
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let mut new_head = head.to_vec();
        if new_head.len() >= 54 {
            new_head[8..12].fill(0); // checkSumAdjustment: set once the whole file is written
            new_head[50..52].copy_from_slice(&1u16.to_be_bytes()); // indexToLocFormat: long
        }

        // What a PDF reader needs of a TrueType program (ISO 32000-1, 9.9): no cmap (the CIDToGIDMap does its
        // work), no names; the program has no hinting to keep.
        let tables: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"OS/2", table(b"OS/2").to_vec()),
            (*b"glyf", new_glyf),
            (*b"head", new_head),
            (*b"hhea", table(b"hhea").to_vec()),
            (*b"hmtx", metrics_of(table(b"hmtx"), long_metrics, &kept)),
            (*b"loca", new_loca),
            (*b"maxp", table(b"maxp").to_vec()),
            (*b"post", post_without_names(table(b"post"))),
        ];
        write_sfnt(tables)
    }
}

/// What [`Face::embedding`] gives `assemble` to write into the PDF.
pub(super) struct Embedding {
    /// `ABCDEF+DejaVuSans`: the tag marks a subset, and differs between different subsets.
    pub base_font: String,
    /// CID and advance width, in CID order.
    pub widths: Vec<(u16, u32)>,
    pub cid_to_gid: Vec<u8>,
    pub to_unicode: Vec<u8>,
    pub program: Vec<u8>,
    pub bbox: [i32; 4],
    pub ascent: i32,
    pub descent: i32,
    pub cap_height: i32,
    pub stem_v: i32,
}

/// The CID of `c`: its code point, when it has two bytes.
pub(super) fn cid(c: char) -> Option<u16> {
    u16::try_from(u32::from(c)).ok()
}

/// The glyphs a composite glyph is built of; none for a simple glyph or an empty one.
fn components(outline: &[u8]) -> Vec<u16> {
    const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
    const WE_HAVE_A_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
    const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
    let mut found = Vec::new();
    let Some(contours) = read_u16(outline, 0) else {
        return found;
    };
    if contours & 0x8000 == 0 {
        return found; // numberOfContours ≥ 0: a simple glyph
    }
    let mut at = 10;
    while let (Some(flags), Some(glyph)) = (read_u16(outline, at), read_u16(outline, at + 2)) {
        found.push(glyph);
        at += 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    found
}

/// `hmtx` with the metrics of the glyphs not `kept` zeroed: the same layout, and nothing left to compress.
/// `long_metrics` is `hhea`'s numberOfHMetrics: so many glyphs have an advance and a left side bearing (four
/// bytes), the rest only a side bearing (two bytes) and the last advance, which is therefore always kept.
fn metrics_of(hmtx: &[u8], long_metrics: usize, kept: &BTreeSet<u16>) -> Vec<u8> {
    let mut out = vec![0; hmtx.len()];
    let mut copy = |at: usize, length: usize| {
        if let (Some(from), Some(to)) = (hmtx.get(at..at + length), out.get_mut(at..at + length)) {
            to.copy_from_slice(from);
        }
    };
    copy(long_metrics.saturating_sub(1) * 4, 4);
    for glyph in kept.iter().map(|&g| usize::from(g)) {
        if glyph < long_metrics {
            copy(glyph * 4, 4);
        } else {
            copy(long_metrics * 4 + (glyph - long_metrics) * 2, 2);
        }
    }
    out
}

/// `post` as version 3.0, which has no glyph names: the header alone.
fn post_without_names(post: &[u8]) -> Vec<u8> {
    let mut header = post.get(..32).map_or_else(|| vec![0; 32], <[u8]>::to_vec);
    header[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    header
}

/// A TrueType file of `tables`, which are given in the order of their tags, with their checksums and the whole
/// file's in `head`.
fn write_sfnt(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros().min(15)); // the largest power of two ≤ count
    let search_range = power * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(count * 16 - search_range).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at.filter(|at| at + 12 <= out.len()) {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The TrueType checksum: the sum of the big-endian 32-bit words, the last one padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Six capital letters that name this subset (ISO 32000-1, 9.6.4), from the glyphs it holds: the same sheet gets
/// the same tag, so the output is reproducible.
fn subset_tag(glyphs: &BTreeMap<u16, u16>) -> String {
    // FNV-1a over the CIDs and glyph numbers.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (cid, glyph) in glyphs {
        for byte in cid.to_be_bytes().into_iter().chain(glyph.to_be_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

/// The `CIDToGIDMap` stream: two bytes per CID from 0 to the highest used, the glyph of each (0 for the unused).
fn cid_to_gid_map(glyphs: &BTreeMap<u16, u16>) -> Vec<u8> {
    let last = glyphs.keys().next_back().copied().map_or(0, usize::from);
    let mut map = vec![0u8; (last + 1) * 2];
    for (&cid, &glyph) in glyphs {
        let at = usize::from(cid) * 2;
        map[at..at + 2].copy_from_slice(&glyph.to_be_bytes());
    }
    map
}

/// The `ToUnicode` CMap: each CID is the code point of its character.
fn to_unicode_cmap(cids: impl Iterator<Item = u16>) -> Vec<u8> {
    let cids: Vec<u16> = cids.collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most a hundred mappings to a block.
    for block in cids.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for cid in block {
            cmap.push_str(&format!("<{cid:04X}> <{cid:04X}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(program: &[u8]) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(program, 0).expect("the subset is a valid TrueType font")
    }

    #[test]
    fn a_subset_keeps_the_wanted_glyphs_and_what_they_are_built_of() {
        for face in [regular(), bold()] {
            let used: BTreeSet<char> = "NGUYỄN THỊ MINH KHAI Đ".chars().collect();
            let embedding = face.embedding(&used);
            let program = &embedding.program;
            let whole = face.face.raw_face().data.len();
            assert!(program.len() * 3 < whole, "{} of {whole} bytes", program.len());
            let subset = parsed(program);
            struct Nothing;
            impl ttf_parser::OutlineBuilder for Nothing {
                fn move_to(&mut self, _: f32, _: f32) {}
                fn line_to(&mut self, _: f32, _: f32) {}
                fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
                fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
                fn close(&mut self) {}
            }
            let outline = |c: char| subset.outline_glyph(face.glyph(c).unwrap(), &mut Nothing);
            for c in used.iter().filter(|c| **c != ' ') {
                assert!(outline(*c).is_some(), "{c:?} has its outline in the subset");
            }
            assert!(outline('Q').is_none(), "an unused letter is emptied");
            // Same numbering, same widths.
            assert_eq!(subset.number_of_glyphs(), face.face.number_of_glyphs());
            for c in used.iter().chain(['?', 'Q'].iter()) {
                let glyph = face.glyph(*c).unwrap();
                let advance = subset.glyph_hor_advance(glyph);
                if used.contains(c) {
                    assert_eq!(advance, face.face.glyph_hor_advance(glyph), "{c:?}");
                } else {
                    assert_eq!(advance, Some(0), "{c:?}: an unused glyph's metrics are cleared");
                }
            }
            // The capitals are about 0.73 em high in DejaVu Sans, below the ascender.
            assert!((700..760).contains(&embedding.cap_height), "{}", embedding.cap_height);
            // The checksums a strict reader verifies.
            let whole = checksum(program);
            assert_eq!(whole, 0xB1B0_AFBA, "the checkSumAdjustment balances the file");
            assert!(embedding.base_font.len() == 7 + face.name.len() && embedding.base_font.as_bytes()[6] == b'+');
        }
    }

    #[test]
    fn characters_that_share_a_glyph_keep_their_own_cid() {
        let face = regular();
        let used: BTreeSet<char> = ['Ð', 'Đ', 'A'].into_iter().collect();
        let embedding = face.embedding(&used);
        let cids: Vec<u16> = embedding.widths.iter().map(|(cid, _)| *cid).collect();
        assert_eq!(cids, vec![0x41, 0xD0, 0x110]);
        let map = &embedding.cid_to_gid;
        let gid = |cid: usize| u16::from_be_bytes([map[cid * 2], map[cid * 2 + 1]]);
        assert_eq!(gid(0xD0), face.glyph('Ð').unwrap().0);
        assert_eq!(gid(0x110), face.glyph('Đ').unwrap().0);
        assert_eq!(gid(0x42), 0, "an unused CID maps to .notdef");
        let cmap = String::from_utf8(embedding.to_unicode.clone()).unwrap();
        assert!(cmap.contains("3 beginbfchar\n<0041> <0041>\n<00D0> <00D0>\n<0110> <0110>\nendbfchar"));
    }

    #[test]
    fn widths_are_the_faces_advances_in_thousandths() {
        // DejaVu Sans: "A" advances 1401 of 2048 units, a space 651.
        assert_eq!(regular().width('A'), 684);
        assert_eq!(regular().width(' '), 318);
        assert!(bold().width('A') > regular().width('A') - 100);
        assert_eq!(regular().width('漢'), regular().width(REPLACEMENT));
        assert_eq!(regular().printable('漢'), REPLACEMENT);
        assert_eq!(regular().printable('ễ'), 'ễ');
    }

    #[test]
    fn the_tag_is_six_capitals_and_follows_the_glyphs() {
        let a = subset_tag(&BTreeMap::from([(0x41, 36)]));
        let b = subset_tag(&BTreeMap::from([(0x42, 37)]));
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| b.is_ascii_uppercase()));
        assert_ne!(a, b);
        assert_eq!(a, subset_tag(&BTreeMap::from([(0x41, 36)])));
    }
}
