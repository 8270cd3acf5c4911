//! The address's four lists (province → regency → district → village), narrowed in the browser on the page the
//! server rendered: choosing one level empties the levels under it and fills the next with the areas under the
//! choice, read from the server (`list_areas`). The lists keep the server's markup; only their options change.

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, HtmlOptionElement, HtmlSelectElement};

/// The lists, top to bottom, by their ids.
pub const LEVELS: [&str; 4] = ["province", "regency", "district", "village_code"];

/// Watches the four lists. `url` gives the address that lists the areas under a code; `choose` is the text of
/// each list's empty first option.
pub fn watch(url: fn(&str) -> String, choose: String) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lists: Vec<HtmlSelectElement> = LEVELS
        .iter()
        .filter_map(|id| document.get_element_by_id(id)?.dyn_into().ok())
        .collect();
    if lists.len() != LEVELS.len() {
        return;
    }
    let picker = std::rc::Rc::new(Picker {
        document,
        lists,
        url,
        choose,
    });
    for level in 0..LEVELS.len() - 1 {
        let on_change = picker.clone();
        let changed = Closure::<dyn FnMut()>::new(move || on_change.chosen(level));
        let _ = picker.lists[level].add_event_listener_with_callback("change", changed.as_ref().unchecked_ref());
        // The listeners live as long as the page.
        changed.forget();
    }
    // A list changed before the WebAssembly arrived: its value is no longer the one the server marked selected,
    // and the lists under it still hold the server's options. The highest such list narrows the rest now.
    if let Some(level) = (0..LEVELS.len() - 1).find(|&level| {
        let list = &picker.lists[level];
        let marked = (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<HtmlOptionElement>().ok())
            .find(|option| option.default_selected())
            .map(|option| option.value())
            .unwrap_or_default();
        list.value() != marked
    }) {
        picker.chosen(level);
    }
}

struct Picker {
    document: Document,
    lists: Vec<HtmlSelectElement>,
    url: fn(&str) -> String,
    choose: String,
}

impl Picker {
    /// The list `level` was chosen: the ones under it are emptied and the next one filled.
    fn chosen(&self, level: usize) {
        for below in &self.lists[level + 1..] {
            self.fill(below, &[]);
        }
        let parent = self.lists[level].value();
        if parent.is_empty() {
            return;
        }
        let (next, url) = (self.lists[level + 1].clone(), (self.url)(&parent));
        let (current, document, choose) = (self.lists[level].clone(), self.document.clone(), self.choose.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let areas = super::fetch::get_json::<Vec<Area>>(&url).await;
            // An answer for a choice already changed again is dropped: a slow answer must not overwrite a newer one.
            if let Some(areas) = areas.filter(|_| current.value() == parent) {
                let options: Vec<(String, String)> = areas.into_iter().map(|a| (a.code, a.name)).collect();
                Picker::fill_list(&document, &choose, &next, &options);
            }
        });
    }

    fn fill(&self, list: &HtmlSelectElement, options: &[(String, String)]) {
        Picker::fill_list(&self.document, &self.choose, list, options);
    }

    /// Replaces the options of `list` with the empty first choice and `options` (code, name).
    fn fill_list(document: &Document, choose: &str, list: &HtmlSelectElement, options: &[(String, String)]) {
        list.set_length(0);
        let add = |value: &str, text: &str| {
            if let Ok(option) = document.create_element("option") {
                option.set_text_content(Some(text));
                let _ = option.set_attribute("value", value);
                let _ = list.append_child(&option);
            }
        };
        add("", choose);
        for (value, text) in options {
            add(value, text);
        }
    }
}

/// One area as `list_areas` answers it.
#[derive(serde::Deserialize)]
struct Area {
    code: String,
    name: String,
}
