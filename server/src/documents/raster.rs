//! Pictures: refuse what is too large from the header, decode within the memory budget, shrink in place, turn
//! upright, and encode afresh without any metadata.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, Read, Write},
    path::Path,
};

use image::{
    codecs::jpeg::JpegEncoder, metadata::Orientation, ColorType, DynamicImage, ImageBuffer, ImageDecoder, ImageError,
    ImageFormat, ImageReader, Limits, Pixel, Rgb,
};

use super::{
    inspect::{Kind, Prepared, Refusal, DECODE_BUDGET, JPEG_QUALITY, MAX_PIXELS, MAX_SIDE, OUTPUT_LONG_SIDE},
    staging::TempFile,
};

/// Room for what the estimate leaves out: row buffers, Huffman tables, the encoder's buffers.
const SLACK: u64 = 1024 * 1024;

pub(crate) fn prepare(path: &Path, head: &[u8], source: Kind, dir: &Path) -> Result<Prepared, Refusal> {
    let file_len = std::fs::metadata(path)?.len();
    let format = match source {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
        Kind::Pdf => return Err(Refusal::UnknownType),
    };
    // A JPEG's own look at its header: cut-off files (which the decoder would fill with grey), progressive files.
    let jpeg = match source {
        Kind::Jpeg => Some(jpeg_layout(BufReader::new(File::open(path)?))?),
        _ => None,
    };
    if let Some(layout) = &jpeg {
        check_pixels(layout.width, layout.height)?;
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(DECODE_BUDGET);
    let mut reader = ImageReader::with_format(BufReader::new(File::open(path)?), format);
    reader.limits(limits);
    // Reads the header only (a JPEG decoder also reads the file into memory), and checks the sides against the
    // limits: a 50,000 × 50,000 PNG stops here.
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    check_pixels(width, height)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);

    // The memory the whole job will take, before any of it is taken.
    let (out_width, out_height) = fit(width, height, OUTPUT_LONG_SIDE);
    let need = Need {
        width,
        height,
        bytes_per_pixel: decoder.total_bytes() / (u64::from(width) * u64::from(height)),
        decoder: decoder_overhead(source, jpeg.as_ref(), head, file_len, width, height)?,
        output: (out_width, out_height),
        turned: swaps_sides(orientation),
    };
    if need.peak() > DECODE_BUDGET {
        tracing::debug!(width, height, peak = need.peak(), "picture over the decoding budget");
        return Err(Refusal::TooManyPixels);
    }

    let image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    let mut image = shrink(image, out_width, out_height);
    image.apply_orientation(orientation);

    let (stored_width, stored_height) = (image.width(), image.height());
    let kind = match source {
        Kind::Png => Kind::Png,
        _ => Kind::Jpeg,
    };
    let (output, file) = TempFile::create_blocking(dir, "prepared", kind.extension())?;
    let mut writer = BufWriter::new(file);
    match kind {
        Kind::Png => write_png(&image, &mut writer)?,
        _ => {
            let image = jpeg_compatible(image);
            let encoder = JpegEncoder::new_with_quality(&mut writer, JPEG_QUALITY);
            image.write_with_encoder(encoder).map_err(encode_error)?;
        }
    }
    writer.flush()?;
    let bytes = writer.get_ref().metadata()?.len();
    drop(writer);
    Ok(Prepared {
        kind,
        source,
        path: output.path().to_owned(),
        bytes,
        width: Some(stored_width),
        height: Some(stored_height),
        output: Some(output),
    })
}

/// The memory a picture takes on its way through.
struct Need {
    width: u32,
    height: u32,
    bytes_per_pixel: u64,
    /// What the decoder holds besides the decoded pixels.
    decoder: u64,
    /// The size after shrinking.
    output: (u32, u32),
    /// Whether turning it upright takes a second buffer (a quarter turn cannot be done in place).
    turned: bool,
}

impl Need {
    /// The most held at once: while decoding, the decoded picture and the decoder's own; after shrinking in place,
    /// the shrunk picture, twice if it is turned a quarter.
    fn peak(&self) -> u64 {
        let decoding = u64::from(self.width) * u64::from(self.height) * self.bytes_per_pixel + self.decoder;
        let output = u64::from(self.output.0) * u64::from(self.output.1) * self.bytes_per_pixel;
        let turning = if self.turned { 2 * output } else { output };
        decoding.max(turning) + SLACK
    }
}

/// What a format's decoder holds besides the decoded pixels, from the header.
fn decoder_overhead(
    source: Kind,
    jpeg: Option<&JpegLayout>,
    head: &[u8],
    file_len: u64,
    width: u32,
    height: u32,
) -> Result<u64, Refusal> {
    Ok(match (source, jpeg) {
        // The whole file, and a progressive JPEG's coefficients: 2 bytes a pixel for every colour component
        // (fewer when the colour is subsampled, as it usually is).
        (Kind::Jpeg, Some(layout)) if layout.progressive => file_len + padded(width, height) * 2 * layout.components,
        (Kind::Jpeg, _) => file_len,
        (Kind::Webp, _) => file_len + webp_overhead(head, width, height)?,
        // PNG is decoded row by row from the file.
        _ => 0,
    })
}

fn check_pixels(width: u32, height: u32) -> Result<(), Refusal> {
    if width == 0 || height == 0 {
        Err(Refusal::ImageUnreadable)
    } else if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        Err(Refusal::TooManyPixels)
    } else {
        Ok(())
    }
}

fn refusal(e: ImageError) -> Refusal {
    match e {
        ImageError::Limits(_) => Refusal::TooManyPixels,
        e => {
            tracing::debug!(error = %e, "picture refused as unreadable");
            Refusal::ImageUnreadable
        }
    }
}

fn encode_error(e: ImageError) -> Refusal {
    match e {
        ImageError::IoError(e) => Refusal::Io(e),
        e => Refusal::Io(io::Error::other(e)),
    }
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// Pixels rounded up to whole 16 × 16 blocks, as JPEG and VP8 decoders allocate them.
fn padded(width: u32, height: u32) -> u64 {
    u64::from(width.div_ceil(16) * 16) * u64::from(height.div_ceil(16) * 16)
}

/// The size that fits within `long` pixels on the long side, keeping the proportions; never larger.
fn fit(width: u32, height: u32, long: u32) -> (u32, u32) {
    let scale = |side: u32, of: u32| -> u32 {
        let scaled = (u64::from(side) * u64::from(long) + u64::from(of) / 2) / u64::from(of);
        u32::try_from(scaled).unwrap_or(side).clamp(1, side)
    };
    if width.max(height) <= long {
        (width, height)
    } else if width >= height {
        (long, scale(height, width))
    } else {
        (scale(width, height), long)
    }
}

/// What a WebP decoder needs besides the output, by the kind of WebP (from the first chunk's name).
fn webp_overhead(head: &[u8], width: u32, height: u32) -> Result<u64, Refusal> {
    let pixels = padded(width, height);
    match head.get(12..16) {
        // Lossy: Y, U and V planes, 1.5 bytes a pixel.
        Some(b"VP8 ") => Ok(pixels * 3 / 2),
        // Lossless: an RGBA buffer, 4 bytes a pixel.
        Some(b"VP8L") => Ok(pixels * 4),
        // Extended: animated (a canvas and a frame, 4 bytes a pixel each), or either of the above plus alpha.
        Some(b"VP8X") => match head.get(20) {
            Some(flags) if flags & 0x02 != 0 => Ok(pixels * 8),
            Some(_) => Ok(pixels * 4),
            None => Err(Refusal::ImageUnreadable),
        },
        _ => Err(Refusal::ImageUnreadable),
    }
}

/// Shrink a decoded picture to `width` × `height` (no larger than it is) in its own buffer: each new pixel is the
/// average of the box of old pixels it covers. Resizing into a new buffer would hold both at once; the image
/// crate's filters also keep an intermediate picture of 16 bytes a pixel.
fn shrink(image: DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (image.width(), image.height()) == (width, height) {
        return image;
    }
    match image {
        DynamicImage::ImageLuma8(b) => DynamicImage::ImageLuma8(shrink_buffer(b, width, height)),
        DynamicImage::ImageLumaA8(b) => DynamicImage::ImageLumaA8(shrink_buffer(b, width, height)),
        DynamicImage::ImageRgb8(b) => DynamicImage::ImageRgb8(shrink_buffer(b, width, height)),
        DynamicImage::ImageRgba8(b) => DynamicImage::ImageRgba8(shrink_buffer(b, width, height)),
        DynamicImage::ImageLuma16(b) => DynamicImage::ImageLuma16(shrink_buffer(b, width, height)),
        DynamicImage::ImageLumaA16(b) => DynamicImage::ImageLumaA16(shrink_buffer(b, width, height)),
        DynamicImage::ImageRgb16(b) => DynamicImage::ImageRgb16(shrink_buffer(b, width, height)),
        DynamicImage::ImageRgba16(b) => DynamicImage::ImageRgba16(shrink_buffer(b, width, height)),
        // Floating point pictures do not come out of the JPEG, PNG and WebP decoders.
        other => other.thumbnail_exact(width, height),
    }
}

trait Sample: Copy {
    fn widen(self) -> u64;
    fn narrow(value: u64) -> Self;
}

impl Sample for u8 {
    fn widen(self) -> u64 {
        u64::from(self)
    }
    fn narrow(value: u64) -> u8 {
        u8::try_from(value).unwrap_or(u8::MAX)
    }
}

impl Sample for u16 {
    fn widen(self) -> u64 {
        u64::from(self)
    }
    fn narrow(value: u64) -> u16 {
        u16::try_from(value).unwrap_or(u16::MAX)
    }
}

fn shrink_buffer<P>(
    buffer: ImageBuffer<P, Vec<P::Subpixel>>,
    width: u32,
    height: u32,
) -> ImageBuffer<P, Vec<P::Subpixel>>
where
    P: Pixel,
    P::Subpixel: Sample,
{
    let from = buffer.dimensions();
    let mut samples = buffer.into_raw();
    shrink_in_place(&mut samples, usize::from(P::CHANNEL_COUNT), from, (width, height));
    ImageBuffer::from_raw(width, height, samples).expect("the shrunk buffer holds exactly width × height pixels")
}

/// Box-filter `samples` (`from.0` × `from.1` pixels of `channels` samples, row by row) down to `to`, writing the
/// result at the start of the same buffer, which is then cut to size.
///
/// Safe in place because no side grows: new pixel (x, y) reads old pixels from row ≥ y and column ≥ x onwards,
/// whose index in the old buffer (row × old width + column) is at least that of the new pixel in the new buffer
/// (y × new width + x). So every write lands on old pixels that no later new pixel reads; the current new pixel has
/// read its own before it is written.
fn shrink_in_place<T: Sample>(samples: &mut Vec<T>, channels: usize, from: (u32, u32), to: (u32, u32)) {
    let (width, height) = (from.0 as usize, from.1 as usize);
    let (new_width, new_height) = (to.0 as usize, to.1 as usize);
    debug_assert!(new_width <= width && new_height <= height && new_width > 0 && new_height > 0);
    debug_assert_eq!(samples.len(), width * height * channels);
    // The old columns (rows) that new column (row) i covers: [i × old / new, (i + 1) × old / new).
    let spans = |old: usize, new: usize| -> Vec<(usize, usize)> {
        (0..new)
            .map(|i| {
                let start = i * old / new;
                (start, ((i + 1) * old / new).max(start + 1))
            })
            .collect()
    };
    let columns = spans(width, new_width);
    let rows = spans(height, new_height);
    let mut sums = vec![0u64; channels];
    for (y, &(top, bottom)) in rows.iter().enumerate() {
        for (x, &(left, right)) in columns.iter().enumerate() {
            sums.fill(0);
            for row in top..bottom {
                let start = (row * width + left) * channels;
                let end = (row * width + right) * channels;
                for pixel in samples[start..end].chunks_exact(channels) {
                    for (sum, sample) in sums.iter_mut().zip(pixel) {
                        *sum += sample.widen();
                    }
                }
            }
            let count = ((bottom - top) * (right - left)) as u64;
            let at = (y * new_width + x) * channels;
            for (sample, sum) in samples[at..at + channels].iter_mut().zip(&sums) {
                *sample = T::narrow((sum + count / 2) / count);
            }
        }
    }
    samples.truncate(new_width * new_height * channels);
    samples.shrink_to_fit();
}

/// JPEG holds grey or RGB only: a picture with transparency is laid on white (in its own buffer).
fn jpeg_compatible(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        DynamicImage::ImageRgba8(buffer) => {
            let (width, height) = buffer.dimensions();
            let mut samples = buffer.into_raw();
            flatten_in_place(&mut samples, 4);
            DynamicImage::ImageRgb8(
                ImageBuffer::<Rgb<u8>, _>::from_raw(width, height, samples).expect("3 samples a pixel remain"),
            )
        }
        DynamicImage::ImageLumaA8(buffer) => {
            let (width, height) = buffer.dimensions();
            let mut samples = buffer.into_raw();
            flatten_in_place(&mut samples, 2);
            DynamicImage::ImageLuma8(ImageBuffer::from_raw(width, height, samples).expect("1 sample a pixel remains"))
        }
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// Lay pixels of `channels` 8-bit samples, the last of them alpha, on white, dropping the alpha sample; the
/// result is packed at the start of the same buffer (each pixel is written no further on than it was read from).
fn flatten_in_place(samples: &mut Vec<u8>, channels: usize) {
    let colours = channels - 1;
    let pixels = samples.len() / channels;
    let mut pixel = [0u8; 4];
    for i in 0..pixels {
        pixel[..channels].copy_from_slice(&samples[i * channels..(i + 1) * channels]);
        let alpha = u32::from(pixel[colours]);
        for c in 0..colours {
            let value = (u32::from(pixel[c]) * alpha + 255 * (255 - alpha) + 127) / 255;
            samples[i * colours + c] = u8::try_from(value).unwrap_or(u8::MAX);
        }
    }
    samples.truncate(pixels * colours);
}

/// Write a PNG row by row through the png crate's streaming writer: the image crate's PNG encoder compresses the
/// whole picture into memory first (and copies 16-bit pictures to reorder their bytes).
fn write_png(image: &DynamicImage, out: impl Write) -> Result<(), Refusal> {
    let (colour, depth) = match image.color() {
        ColorType::L8 => (png::ColorType::Grayscale, png::BitDepth::Eight),
        ColorType::La8 => (png::ColorType::GrayscaleAlpha, png::BitDepth::Eight),
        ColorType::Rgb8 => (png::ColorType::Rgb, png::BitDepth::Eight),
        ColorType::Rgba8 => (png::ColorType::Rgba, png::BitDepth::Eight),
        ColorType::L16 => (png::ColorType::Grayscale, png::BitDepth::Sixteen),
        ColorType::La16 => (png::ColorType::GrayscaleAlpha, png::BitDepth::Sixteen),
        ColorType::Rgb16 => (png::ColorType::Rgb, png::BitDepth::Sixteen),
        ColorType::Rgba16 => (png::ColorType::Rgba, png::BitDepth::Sixteen),
        _ => return write_png(&DynamicImage::ImageRgba8(image.to_rgba8()), out),
    };
    let mut encoder = png::Encoder::new(out, image.width(), image.height());
    encoder.set_color(colour);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::Balanced);
    let png_error = |e: png::EncodingError| match e {
        png::EncodingError::IoError(e) => Refusal::Io(e),
        e => Refusal::Io(io::Error::other(e)),
    };
    let mut writer = encoder.write_header().map_err(png_error)?;
    let mut stream = writer.stream_writer().map_err(png_error)?;
    let bytes = image.as_bytes();
    if depth == png::BitDepth::Eight {
        stream.write_all(bytes)?;
    } else {
        // PNG stores 16-bit samples big-endian; the decoded picture holds them in the machine's order.
        let mut swapped = vec![0u8; 64 * 1024];
        for chunk in bytes.chunks(swapped.len()) {
            let part = &mut swapped[..chunk.len()];
            for (to, from) in part.chunks_exact_mut(2).zip(chunk.chunks_exact(2)) {
                to.copy_from_slice(&u16::from_ne_bytes([from[0], from[1]]).to_be_bytes());
            }
            stream.write_all(part)?;
        }
    }
    stream.finish().map_err(png_error)?;
    writer.finish().map_err(png_error)
}

/// What a JPEG's markers say, read without decoding it.
#[derive(Debug)]
struct JpegLayout {
    width: u32,
    height: u32,
    components: u64,
    progressive: bool,
}

/// Walk a JPEG's segments up to the first scan, then through the compressed data to the end-of-image marker. A
/// file that ends before it (an upload cut off, a truncated file) is refused: the decoder would quietly fill the
/// missing part with grey. Data after the end marker (some phones append a video there) is not read.
fn jpeg_layout(reader: impl BufRead) -> Result<JpegLayout, Refusal> {
    let mut r = MarkerReader(reader);
    let unreadable = Refusal::ImageUnreadable;
    if r.byte()? != Some(0xFF) || r.byte()? != Some(0xD8) {
        return Err(unreadable);
    }
    let mut frame: Option<JpegLayout> = None;
    let mut in_scan = false;
    loop {
        // Find the next marker: in compressed data, 0xFF is followed by 0x00 (a stuffed 0xFF) or a restart marker.
        if in_scan {
            if !r.skip_past_ff()? {
                return Err(unreadable);
            }
        } else if r.byte()? != Some(0xFF) {
            return Err(unreadable);
        }
        let mut marker = r.byte()?.ok_or(Refusal::ImageUnreadable)?;
        while marker == 0xFF {
            marker = r.byte()?.ok_or(Refusal::ImageUnreadable)?;
        }
        match marker {
            0x00 | 0xD0..=0xD7 if in_scan => continue,
            0x01 | 0xD0..=0xD7 => continue,
            0xD9 => {
                return if in_scan {
                    frame.ok_or(unreadable)
                } else {
                    Err(unreadable)
                }
            }
            _ => {}
        }
        let length = r.u16()?.ok_or(Refusal::ImageUnreadable)?;
        let mut rest = u64::from(length).checked_sub(2).ok_or(Refusal::ImageUnreadable)?;
        match marker {
            // Start of frame (all but DHT 0xC4, JPG 0xC8 and DAC 0xCC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let _precision = r.byte()?.ok_or(Refusal::ImageUnreadable)?;
                let height = r.u16()?.ok_or(Refusal::ImageUnreadable)?;
                let width = r.u16()?.ok_or(Refusal::ImageUnreadable)?;
                let components = r.byte()?.ok_or(Refusal::ImageUnreadable)?;
                rest = rest.checked_sub(6).ok_or(Refusal::ImageUnreadable)?;
                frame = Some(JpegLayout {
                    width: u32::from(width),
                    height: u32::from(height),
                    components: u64::from(components),
                    progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
                });
            }
            // Start of scan: compressed data follows its header.
            0xDA => {
                if frame.is_none() {
                    return Err(unreadable);
                }
                in_scan = true;
            }
            _ => {}
        }
        if !r.skip(rest)? {
            return Err(unreadable);
        }
    }
}

struct MarkerReader<R>(R);

impl<R: BufRead> MarkerReader<R> {
    fn byte(&mut self) -> io::Result<Option<u8>> {
        let buffer = self.0.fill_buf()?;
        let Some(&byte) = buffer.first() else {
            return Ok(None);
        };
        self.0.consume(1);
        Ok(Some(byte))
    }

    fn u16(&mut self) -> io::Result<Option<u16>> {
        Ok(match (self.byte()?, self.byte()?) {
            (Some(high), Some(low)) => Some(u16::from_be_bytes([high, low])),
            _ => None,
        })
    }

    /// Skip `n` bytes; false if the file ends first.
    fn skip(&mut self, n: u64) -> io::Result<bool> {
        Ok(io::copy(&mut self.0.by_ref().take(n), &mut io::sink())? == n)
    }

    /// Skip to just past the next 0xFF; false if there is none.
    fn skip_past_ff(&mut self) -> io::Result<bool> {
        loop {
            let buffer = self.0.fill_buf()?;
            if buffer.is_empty() {
                return Ok(false);
            }
            match buffer.iter().position(|&b| b == 0xFF) {
                Some(at) => {
                    self.0.consume(at + 1);
                    return Ok(true);
                }
                None => {
                    let all = buffer.len();
                    self.0.consume(all);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::fixtures;

    #[test]
    fn fits_the_long_side() {
        assert_eq!(fit(4032, 3024, 3000), (3000, 2250));
        assert_eq!(fit(3024, 4032, 3000), (2250, 3000));
        assert_eq!(fit(8000, 1, 3000), (3000, 1));
        assert_eq!(fit(2000, 1000, 3000), (2000, 1000));
        assert_eq!(fit(4624, 3468, 3000), (3000, 2250));
    }

    #[test]
    fn shrinks_in_place_by_averaging_boxes() {
        // 4 × 2 grey pixels to 2 × 1: each new pixel averages a 2 × 2 box.
        let mut samples: Vec<u8> = vec![0, 100, 10, 20, 200, 100, 30, 40];
        shrink_in_place(&mut samples, 1, (4, 2), (2, 1));
        assert_eq!(samples, vec![100, 25]);
        // 3 × 1 RGB to 2 × 1: boxes of one and two pixels.
        let mut samples: Vec<u16> = vec![1, 2, 3, 10, 20, 30, 30, 40, 50];
        shrink_in_place(&mut samples, 3, (3, 1), (2, 1));
        assert_eq!(samples, vec![1, 2, 3, 20, 30, 40]);
    }

    #[test]
    fn shrinking_in_place_matches_shrinking_into_a_copy() {
        let (width, height, channels) = (97usize, 61usize, 3usize);
        let original: Vec<u8> = (0..width * height * channels).map(|i| (i * 31 % 253) as u8).collect();
        for (new_width, new_height) in [(40, 25), (96, 60), (1, 1), (97, 2), (50, 61)] {
            let mut in_place = original.clone();
            shrink_in_place(&mut in_place, channels, (97, 61), (new_width, new_height));
            let mut copy = vec![0u8; new_width as usize * new_height as usize * channels];
            // The same boxes, read from an untouched original.
            for y in 0..new_height as usize {
                let (top, bottom) = (
                    y * height / new_height as usize,
                    ((y + 1) * height / new_height as usize),
                );
                for x in 0..new_width as usize {
                    let (left, right) = (x * width / new_width as usize, ((x + 1) * width / new_width as usize));
                    let (bottom, right) = (bottom.max(top + 1), right.max(left + 1));
                    for c in 0..channels {
                        let mut sum = 0u64;
                        for row in top..bottom {
                            for column in left..right {
                                sum += u64::from(original[(row * width + column) * channels + c]);
                            }
                        }
                        let count = ((bottom - top) * (right - left)) as u64;
                        copy[(y * new_width as usize + x) * channels + c] = ((sum + count / 2) / count) as u8;
                    }
                }
            }
            assert_eq!(in_place, copy, "{new_width} × {new_height}");
        }
    }

    #[test]
    fn flattens_transparency_on_white() {
        let mut samples = vec![255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 128];
        flatten_in_place(&mut samples, 4);
        assert_eq!(samples, vec![255, 0, 0, 255, 255, 255, 127, 127, 255]);
    }

    #[test]
    fn reads_the_layout_of_a_jpeg() {
        let jpeg = fixtures::jpeg(33, 17);
        let layout = jpeg_layout(&jpeg[..]).expect("layout");
        assert_eq!(
            (layout.width, layout.height, layout.components, layout.progressive),
            (33, 17, 3, false)
        );
        // Trailing data after the end marker is fine.
        let mut trailing = jpeg.clone();
        trailing.extend_from_slice(b"some video appended by a phone");
        assert!(jpeg_layout(&trailing[..]).is_ok());
        // Cut anywhere, it is refused.
        for cut in [3, 20, jpeg.len() / 2, jpeg.len() - 2, jpeg.len() - 1] {
            assert!(
                matches!(jpeg_layout(&jpeg[..cut]), Err(Refusal::ImageUnreadable)),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn tells_a_progressive_jpeg() {
        let mut jpeg = fixtures::jpeg(16, 16);
        let at = fixtures::jpeg_segment(&jpeg, 0xC0);
        jpeg[at + 1] = 0xC2;
        assert!(jpeg_layout(&jpeg[..]).expect("layout").progressive);
    }

    #[test]
    fn the_budget_admits_phone_photos_and_refuses_heavier_decodes() {
        let rgb = |width, height, decoder, turned| Need {
            width,
            height,
            bytes_per_pixel: 3,
            decoder,
            output: fit(width, height, OUTPUT_LONG_SIDE),
            turned,
        };
        // 16 MP from a 64 MP phone camera, a 9 MB file, held sideways.
        assert!(rgb(4624, 3468, 9_000_000, true).peak() <= DECODE_BUDGET);
        // 12 MP, even with a 10 MiB file.
        assert!(rgb(4032, 3024, crate::documents::MAX_UPLOAD_BYTES, true).peak() <= DECODE_BUDGET);
        // The same 16 MP picture as a progressive JPEG: its coefficients do not fit as well.
        assert!(rgb(4624, 3468, 3_000_000 + padded(4624, 3468) * 2 * 3, false).peak() > DECODE_BUDGET);
        // A square 3000 × 3000 RGBA picture fits; turned a quarter, it needs two buffers of 34 MiB.
        let square = Need {
            width: 3000,
            height: 3000,
            bytes_per_pixel: 4,
            decoder: 0,
            output: (3000, 3000),
            turned: false,
        };
        assert!(square.peak() <= DECODE_BUDGET);
        assert!(Need { turned: true, ..square }.peak() > DECODE_BUDGET);
    }

    #[test]
    fn webp_overhead_by_kind() {
        let head = |chunk: &[u8; 4], flags: u8| {
            let mut h = b"RIFF\0\0\0\0WEBP".to_vec();
            h.extend_from_slice(chunk);
            h.extend_from_slice(&[0, 0, 0, 0, flags, 0, 0, 0]);
            h
        };
        assert_eq!(webp_overhead(&head(b"VP8 ", 0), 16, 16).ok(), Some(384));
        assert_eq!(webp_overhead(&head(b"VP8L", 0), 16, 16).ok(), Some(1024));
        assert_eq!(webp_overhead(&head(b"VP8X", 0x02), 16, 16).ok(), Some(2048));
        assert!(webp_overhead(&head(b"VP8Z", 0), 16, 16).is_err());
    }
}
