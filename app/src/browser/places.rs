//! The places left at each time of a day, read again while the booking page is open: every 30 seconds and when
//! the applicant comes back to the page. The time form keeps the server's markup; each time's radio button is
//! disabled (and un-chosen) once full, and its count of places changes in place.

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::HtmlInputElement;

/// One time of the day as the booking page's data gives it (minutes since midnight).
#[derive(serde::Deserialize)]
struct Slot {
    time: u16,
    places: u32,
}

#[derive(serde::Deserialize)]
struct Day {
    times: Vec<Slot>,
}

/// Reads the places from `url` every `every_secs` and when the page is shown again. `full` is the words for a full
/// time; `left` the words for `{n}` places left.
pub fn refresh(url: String, every_secs: i32, full: String, left: String) {
    let Some(window) = web_sys::window() else { return };
    let texts = std::rc::Rc::new((url, full, left));
    let read = move || {
        let texts = texts.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // A refresh that fails (the link dropped) keeps what is shown; the server checks again at booking.
            if let Some(day) = super::fetch::get_json::<Day>(&texts.0).await {
                for slot in day.times {
                    show(&slot, &texts.1, &texts.2);
                }
            }
        });
    };
    let again = read.clone();
    let tick = Closure::<dyn FnMut()>::new(again);
    let _ =
        window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), every_secs * 1000);
    let back = Closure::<dyn FnMut()>::new(move || {
        if web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden())
        {
            read();
        }
    });
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", back.as_ref().unchecked_ref());
    }
    // Both live as long as the page.
    tick.forget();
    back.forget();
}

/// The id of a time's radio button: `time-0830` (the same as the server's).
pub fn time_id(minutes: u16) -> String {
    format!("time-{:02}{:02}", minutes / 60, minutes % 60)
}

fn show(slot: &Slot, full: &str, left: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let id = time_id(slot.time);
    if let Some(radio) = document
        .get_element_by_id(&id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        let is_full = slot.places == 0;
        radio.set_disabled(is_full);
        if is_full {
            radio.set_checked(false);
        }
    }
    if let Some(count) = document.get_element_by_id(&format!("{id}-places")) {
        let words = if slot.places == 0 {
            full.to_owned()
        } else {
            left.replace("{n}", &slot.places.to_string())
        };
        count.set_text_content(Some(&words));
    }
}
