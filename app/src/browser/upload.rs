//! Browser-side helpers for uploading document scans (the KK and the KITAP).
//!
//! Without JavaScript the upload page is a plain multipart form and none of this runs. With the WASM app the page
//! can do better for citizens on low-end Android phones and slow links:
//!
//! - [`shrink_if_large`] redraws large photos on a canvas and re-encodes them as JPEG, so a 6 MB phone photo
//!   travels as less than 800 KB. [`upload_name`] gives the name to send the result under.
//! - [`send_with_progress`] posts the form with `XMLHttpRequest` and reports upload progress.
//! - [`preview_url`] / [`release_preview`] show the chosen (or shrunk) image before sending; [`chosen_file`] reads
//!   the `<input type=file>`.
//!
//! Pure `web-sys`: no image crate (the browser already has fast native decoders and encoders, and every byte of
//! WASM travels over the same slow links), no Leptos.
//!
//! Callbacks: wherever a browser API wants a one-shot callback (`toBlob`, `onload`, `onerror`) we hand it the
//! `resolve`/`reject` functions of a `js_sys::Promise` and await that promise, so no Rust closure is created, kept
//! alive or leaked. The only Rust closure is the upload progress handler, which is owned by the pending future and
//! unregistered before it is freed.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, File, FormData, HtmlCanvasElement, HtmlImageElement, HtmlInputElement, ImageBitmap,
    ImageBitmapOptions, ImageOrientation, ProgressEvent, Url, XmlHttpRequest, XmlHttpRequestUpload,
};

/// Files above this size that are JPEG/PNG/WebP images get shrunk before sending.
pub const SHRINK_ABOVE_BYTES: f64 = 1.5 * 1024.0 * 1024.0;
/// The longest side, in pixels, of a shrunk image: plenty to read every line of a KK or a KITAP.
pub const MAX_LONG_SIDE: u32 = 2000;

/// Above this size a shrunk image is encoded once more at [`SECOND_QUALITY`].
const TARGET_BYTES: f64 = 800.0 * 1024.0;
const FIRST_QUALITY: f64 = 0.85;
const SECOND_QUALITY: f64 = 0.7;
/// The types the browser can certainly decode onto a canvas. Others (HEIC, PDF…) are sent as they are.
const SHRINKABLE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
const JPEG: &str = "image/jpeg";

/// If `file` is an image (type image/jpeg, image/png or image/webp) larger than [`SHRINK_ABOVE_BYTES`], draws it on
/// a canvas scaled so the long side is at most [`MAX_LONG_SIDE`] and returns a JPEG Blob (quality 0.85; if the result
/// is still over 800 KB, quality 0.7); otherwise returns the file itself as a Blob.
///
/// Never panics: any failure (no `createImageBitmap`, undecodable image, out of memory for the canvas…) returns the
/// original file, as does a "shrunk" result that is not actually smaller. Send the result under
/// [`upload_name`]`(file, &result)`.
pub async fn shrink_if_large(file: &File) -> Blob {
    let original: Blob = file.clone().into();
    if file.size() <= SHRINK_ABOVE_BYTES || !SHRINKABLE_TYPES.contains(&file.type_().as_str()) {
        return original;
    }
    match shrink(file).await {
        Some(smaller) if smaller.size() < original.size() => smaller,
        _ => original,
    }
}

/// The name to send `sent` under: the original name when `sent` is the original file, otherwise (it was converted
/// by [`shrink_if_large`]) the same base name with a `.jpg` extension, so the server sees a name matching the bytes.
pub fn upload_name(original: &File, sent: &Blob) -> String {
    let name = original.name();
    let original_value: &JsValue = original.as_ref();
    let sent_value: &JsValue = sent.as_ref();
    if original_value == sent_value {
        return name;
    }
    let base = match name.rsplit_once('.') {
        Some((base, _)) if !base.is_empty() => base,
        _ => name.as_str(),
    };
    if base.is_empty() {
        "scan.jpg".to_owned()
    } else {
        format!("{base}.jpg")
    }
}

/// Sends `form` by POST to `url` and resolves to (HTTP status, response text) once the response has arrived, or
/// `Err(())` on a network error or an abort. Calls `on_progress` with the fraction sent so far (0.0..=1.0) on every
/// upload progress event. Sends the header `Accept: application/json` so the server answers in JSON rather than with
/// the HTML page meant for the no-JavaScript form.
///
/// Uses `XMLHttpRequest` rather than `fetch` because `fetch` reports no upload progress (streaming request bodies
/// would be needed, which Chrome allows only over HTTP/2 and Safari and Firefox not at all), and on a slow link a
/// bar that moves is what keeps people from reloading the page mid-upload.
///
/// No timeout is set: a 1 MB scan over a weak 2G signal may legitimately take minutes. Dropping the returned future
/// before it completes aborts the request.
pub async fn send_with_progress(
    url: &str,
    form: &FormData,
    on_progress: impl Fn(f64) + 'static,
) -> Result<(u16, String), ()> {
    let xhr = XmlHttpRequest::new().map_err(|_| ())?;
    xhr.open_with_async("POST", url, true).map_err(|_| ())?;
    xhr.set_request_header("Accept", "application/json").map_err(|_| ())?;

    // `load` fires once the whole response is in, whatever its status; `error`, `abort` and `timeout` mean there
    // is no response. The XHR calls the promise's own functions, so no Rust closure is needed for these.
    let finished = Promise::new(&mut |resolve: Function, reject: Function| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
    });

    // Progress is reported many times, so this one is a real closure. It lives in `in_flight`, i.e. in this future,
    // and `in_flight` unregisters it before freeing it, so it is neither leaked nor called after being freed.
    // (A listener on `xhr.upload` makes a cross-origin request non-simple; ours go to the same origin.)
    let upload = xhr.upload().map_err(|_| ())?;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            on_progress((event.loaded() / event.total()).clamp(0.0, 1.0));
        }
    });
    upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let in_flight = InFlight {
        xhr: xhr.clone(),
        upload,
        _progress: progress,
    };

    xhr.send_with_opt_form_data(Some(form)).map_err(|_| ())?;
    // Awaited only once `send` has succeeded: from then on the promise is certain to settle (even when this future
    // is dropped, since `in_flight` then aborts), which is what frees `JsFuture`'s own callbacks.
    let outcome = JsFuture::from(finished).await;
    drop(in_flight);
    outcome.map_err(|_| ())?;

    match xhr.status() {
        // Status 0 after `load` only happens for non-HTTP URLs; there is no response to speak of.
        Ok(0) | Err(_) => Err(()),
        Ok(status) => Ok((status, xhr.response_text().ok().flatten().unwrap_or_default())),
    }
}

/// An object URL for previewing a Blob (or File) in an `<img>`. Release it with [`release_preview`] once the image
/// is replaced or removed: until then the browser keeps the whole blob in memory.
pub fn preview_url(blob: &Blob) -> Option<String> {
    Url::create_object_url_with_blob(blob).ok()
}

/// Releases an object URL made by [`preview_url`].
pub fn release_preview(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// The file chosen in the `<input type=file>` element with this id, if any.
pub fn chosen_file(input_id: &str) -> Option<File> {
    web_sys::window()?
        .document()?
        .get_element_by_id(input_id)?
        .dyn_into::<HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

/// An upload under way: unregisters the progress closure before it is freed, and aborts the request if the
/// future awaiting it is dropped before the response arrived.
struct InFlight {
    xhr: XmlHttpRequest,
    upload: XmlHttpRequestUpload,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // Runs before the fields (and so the closure) are dropped.
        self.upload.set_onprogress(None);
        if self.xhr.ready_state() != XmlHttpRequest::DONE {
            let _ = self.xhr.abort();
        }
    }
}

/// Decodes `file`, draws it scaled on a canvas and encodes it as JPEG. `None` on any failure.
async fn shrink(file: &File) -> Option<Blob> {
    let source = match decode_with_bitmap(file).await {
        Some(bitmap) => Source::Bitmap(bitmap),
        None => decode_with_img(file).await?,
    };
    let (width, height) = source.size();
    let (width, height) = scaled_size(width, height)?;

    let canvas: HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let result = paint_and_encode(&canvas, source, width, height).await;
    // Safari on iOS keeps a detached canvas's pixels until garbage collection and caps the total canvas memory;
    // an empty canvas frees them now, before the next scan is shrunk.
    canvas.set_width(0);
    canvas.set_height(0);
    result
}

/// Draws `source` on white over the whole `canvas`, frees `source`, and encodes the canvas as JPEG: once at 0.85,
/// and again at 0.7 if that is still over 800 KB.
async fn paint_and_encode(canvas: &HtmlCanvasElement, source: Source, width: u32, height: u32) -> Option<Blob> {
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let (width, height) = (f64::from(width), f64::from(height));
    // JPEG has no transparency: transparent parts of a PNG or WebP would turn black, so lay a white page first.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, width, height);
    // Better downscaling for small text where supported; web-sys has no setter for it, and browsers without it
    // simply ignore the property.
    let _ = Reflect::set(&context, &"imageSmoothingQuality".into(), &"high".into());
    source.draw(&context, width, height).ok()?;
    // The decoded photo (tens of MB for a 12 MP camera) is no longer needed: free it before encoding.
    drop(source);

    let first = to_jpeg(canvas, FIRST_QUALITY).await?;
    if first.size() <= TARGET_BYTES {
        return Some(first);
    }
    match to_jpeg(canvas, SECOND_QUALITY).await {
        Some(second) if second.size() < first.size() => Some(second),
        _ => Some(first),
    }
}

/// The decoded image to draw: an `ImageBitmap`, or for browsers without `createImageBitmap` (Safari before 15) an
/// `<img>` showing the file through an object URL.
enum Source {
    Bitmap(ImageBitmap),
    /// `_url` is only held so the object URL is revoked when the image is dropped.
    Image {
        img: HtmlImageElement,
        _url: ObjectUrl,
    },
}

impl Source {
    /// Width and height as displayed, i.e. after any EXIF rotation.
    fn size(&self) -> (u32, u32) {
        match self {
            Source::Bitmap(bitmap) => (bitmap.width(), bitmap.height()),
            Source::Image { img, .. } => (img.natural_width(), img.natural_height()),
        }
    }

    fn draw(&self, context: &CanvasRenderingContext2d, width: f64, height: f64) -> Result<(), JsValue> {
        match self {
            Source::Bitmap(bitmap) => {
                context.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, width, height)
            }
            Source::Image { img, .. } => {
                context.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, width, height)
            }
        }
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        // A bitmap's pixels are freed at once by `close`, not whenever the garbage collector gets to it.
        // An `<img>`'s object URL is revoked by `ObjectUrl`'s own drop.
        if let Source::Bitmap(bitmap) = self {
            bitmap.close();
        }
    }
}

/// Decodes with `createImageBitmap`, applying the EXIF orientation (phone photos are usually stored sideways with
/// a rotation tag). `None` where `createImageBitmap`, its options or the image format are unsupported.
async fn decode_with_bitmap(file: &File) -> Option<ImageBitmap> {
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    // Where `createImageBitmap` is missing, calling it throws, which web-sys turns into `Err`.
    let promise = web_sys::window()?
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Decodes with an `<img>` loading an object URL of the file. Browsers apply the EXIF orientation to `<img>`
/// (and to drawing it on a canvas) by default since 2020.
async fn decode_with_img(file: &File) -> Option<Source> {
    let url = ObjectUrl(preview_url(file)?);
    let img = HtmlImageElement::new().ok()?;
    // `onload`/`onerror` are the promise's own resolve/reject: no Rust closure to keep alive. (`img.decode()`
    // would be simpler, but it is missing in some of the old browsers this fallback is for.)
    let loaded = Promise::new(&mut |resolve: Function, reject: Function| {
        img.set_onload(Some(&resolve));
        img.set_onerror(Some(&reject));
        img.set_src(&url.0);
    });
    let outcome = JsFuture::from(loaded).await;
    img.set_onload(None);
    img.set_onerror(None);
    outcome.ok()?;
    Some(Source::Image { img, _url: url })
}

/// Encodes the canvas as a JPEG Blob. `None` if the browser could not (it passes `null` to the callback) or
/// produced another type instead (browsers fall back to PNG for types they cannot encode).
async fn to_jpeg(canvas: &HtmlCanvasElement, quality: f64) -> Option<Blob> {
    let encoded = Promise::new(&mut |resolve: Function, reject: Function| {
        // `resolve` itself is the `toBlob` callback, called once with the Blob or null.
        if let Err(error) = canvas.to_blob_with_type_and_encoder_options(&resolve, JPEG, &JsValue::from_f64(quality)) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let blob: Blob = JsFuture::from(encoded).await.ok()?.dyn_into().ok()?;
    (blob.type_() == JPEG).then_some(blob)
}

/// Scales (width, height) so the long side is at most [`MAX_LONG_SIDE`], keeping the aspect ratio. `None` for an
/// empty image.
fn scaled_size(width: u32, height: u32) -> Option<(u32, u32)> {
    let long_side = width.max(height);
    if width == 0 || height == 0 {
        return None;
    }
    if long_side <= MAX_LONG_SIDE {
        return Some((width, height));
    }
    let scale = f64::from(MAX_LONG_SIDE) / f64::from(long_side);
    // Both results lie in 1..=MAX_LONG_SIDE, so the casts cannot truncate.
    let scaled = |side: u32| (f64::from(side) * scale).round().clamp(1.0, f64::from(MAX_LONG_SIDE)) as u32;
    Some((scaled(width), scaled(height)))
}

/// An object URL revoked when dropped, including when the future using it is dropped half-way.
struct ObjectUrl(String);

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        release_preview(&self.0);
    }
}
