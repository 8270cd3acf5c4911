//! A scan's form with JavaScript, on the page the server rendered (`pages::application::documents`): the chosen
//! file is shrunk if it is a large photo ([`super::upload`]), previewed, and sent with a progress bar; the answer
//! changes the form in place. Without a chosen file the form is sent as it is, and the server says what is missing.

use super::upload::{chosen_file, preview_url, release_preview, send_with_progress, shrink_if_large, upload_name};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, HtmlElement, HtmlFormElement};

/// The words the form shows as it works, in the page's language.
pub struct Words {
    pub shrinking: String,
    pub uploading: String,
    pub uploaded: String,
    pub replace: String,
    pub preview_alt: String,
    pub prefix: &'static str,
    /// Said when the words of a refusal cannot be read.
    pub unavailable: String,
}

/// Takes over the submission of the form `#{name}-form`, which posts to `action`.
pub fn enhance(name: &'static str, action: String, words: Words) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(form) = document
        .get_element_by_id(&format!("{name}-form"))
        .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let words = std::rc::Rc::new(words);
    let submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let Some(file) = chosen_file(name) else { return };
        event.prevent_default();
        let (document, action, words) = (document.clone(), action.clone(), words.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let part = |suffix: &str| {
                document
                    .get_element_by_id(&format!("{name}-{suffix}"))
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            };
            let (busy, progress, preview) = (part("busy"), part("progress"), part("preview"));
            let say = |text: &str| {
                if let Some(busy) = &busy {
                    busy.set_text_content(Some(text));
                }
            };
            say(&words.shrinking);
            let blob = shrink_if_large(&file).await;
            show_preview(&document, name, &words.preview_alt, preview, &blob, busy.as_ref());
            let Ok(data) = web_sys::FormData::new() else { return };
            let _ = data.append_with_blob_and_filename(name, &blob, &upload_name(&file, &blob));
            say(&words.uploading);
            if let Some(progress) = &progress {
                show_percent(progress, 0);
                progress.set_hidden(false);
            }
            let shown = progress.clone();
            let result = send_with_progress(&action, &data, move |sent| {
                if let Some(progress) = &shown {
                    show_percent(progress, (sent * 100.0).round() as u32);
                }
            })
            .await;
            if let Some(progress) = &progress {
                progress.set_hidden(true);
            }
            say("");
            match result {
                Ok((200, _)) => {
                    super::live_check::clear_error(name);
                    stored(&document, name, &words);
                }
                Ok((_, body)) => refused(name, &words, Some(&body)).await,
                Err(()) => refused(name, &words, None).await,
            }
        });
    });
    let _ = form.add_event_listener_with_callback("submit", submit.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    submit.forget();
}

/// Shows the image about to be sent above the form's status line (made the first time), or hides it for a PDF.
fn show_preview(
    document: &Document,
    name: &str,
    alt: &str,
    preview: Option<HtmlElement>,
    blob: &web_sys::Blob,
    before: Option<&HtmlElement>,
) {
    if let Some(old) = preview.as_ref().and_then(|p| p.get_attribute("src")) {
        release_preview(&old);
    }
    let Some(url) = preview_url(blob).filter(|_| blob.type_().starts_with("image/")) else {
        if let Some(preview) = preview {
            preview.set_hidden(true);
        }
        return;
    };
    let preview = preview.or_else(|| {
        let image = document.create_element("img").ok()?.dyn_into::<HtmlElement>().ok()?;
        image.set_class_name("document__preview");
        image.set_id(&format!("{name}-preview"));
        let _ = image.set_attribute("alt", alt);
        let before = before?;
        before.parent_node()?.insert_before(&image, Some(before)).ok()?;
        Some(image)
    });
    if let Some(preview) = preview {
        let _ = preview.set_attribute("src", &url);
        preview.set_hidden(false);
    }
}

/// Says why the upload was refused (`body`: what the upload route answered; `None`: the connection was lost), in the
/// words the server uses for the scan's field.
async fn refused(name: &str, words: &Words, body: Option<&str>) {
    use crate::api::error::{Problem, Refusal, UPLOAD_REFUSALS};
    let problem = match body {
        None => Some(Problem::Upload(Refusal::Incomplete)),
        Some(body) => refusal(body),
    };
    let url = super::fetch::with_query(
        <crate::api::words::IslandWords as leptos::server_fn::ServerFn>::url(),
        &[("field", name)],
    );
    let said = super::fetch::get_json::<Vec<String>>(&url).await.and_then(|found| {
        // Anything the page does not know is "not available now", the last of the list.
        let i = problem.and_then(|p| UPLOAD_REFUSALS.iter().position(|known| *known == p));
        i.and_then(|i| found.get(i)).or(found.last()).cloned()
    });
    super::live_check::show_error(name, words.prefix, said.as_deref().unwrap_or(&words.unavailable));
}

/// The problem the upload route names when it refuses a scan (`{"Invalid":[{"field":…,"problem":{"Upload":…}}]}`,
/// or a limit), read without the decoding of every error the portal has; `None` for any other answer.
fn refusal(body: &str) -> Option<crate::api::error::Problem> {
    use crate::api::error::{Limit, Problem, Refusal};
    #[derive(serde::Deserialize)]
    enum Answer {
        Invalid(Vec<Found>),
    }
    #[derive(serde::Deserialize)]
    struct Found {
        problem: Said,
    }
    #[derive(serde::Deserialize)]
    enum Said {
        Upload(Refusal),
        Limit(Limit),
    }
    let Answer::Invalid(found) = serde_json::from_str(body).ok()?;
    found.into_iter().next().map(|f| match f.problem {
        Said::Upload(refusal) => Problem::Upload(refusal),
        Said::Limit(limit) => Problem::Limit(limit),
    })
}

/// The `<progress>` at `percent`, its text saying the same for browsers that show no bar.
fn show_percent(progress: &HtmlElement, percent: u32) {
    let _ = progress.set_attribute("value", &percent.to_string());
    progress.set_text_content(Some(&format!("{percent}%")));
}

/// The form as the server renders it for a stored scan: the tag says so, the link to the scan shows, and the
/// buttons offer to replace it.
fn stored(document: &Document, name: &str, words: &Words) {
    let part = |suffix: &str| document.get_element_by_id(&format!("{name}-{suffix}"));
    if let Some(tag) = part("status") {
        tag.set_text_content(Some(&words.uploaded));
        tag.set_class_name("tag tag--done");
    }
    if let Some(link) = part("view").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        link.set_hidden(false);
    }
    for verb in ["verb", "button"] {
        if let Some(element) = part(verb) {
            element.set_text_content(Some(&words.replace));
        }
    }
}
