//! The live check of a text field, done on the page the server rendered: as the person leaves the field, the
//! field's error appears (or goes) exactly as the server would have written it (`components::form::TextField`'s
//! markup): the error paragraph before the input, `field--error` on the field, `aria-invalid` and
//! `aria-describedby` on the input. No view is rendered in the browser, so the island costs little more than the
//! check itself.

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, Element, HtmlInputElement};

// Also used by the scan forms (`browser::scan_form`) for an upload's refusal: one way to show a field's error.

/// Watches the input `#name`: `check` gives the error for a value, in words, or `None` when it is right.
/// Leaving the field with a value shows its error or clears it; typing clears it as soon as the value is right, so
/// the form does not shift under the finger about to press the button. `prefix` is read out before the error.
pub fn watch(name: &str, prefix: &'static str, check: impl Fn(&str) -> Option<String> + 'static) {
    let Some(field) = Field::find(name, prefix) else { return };
    let input = field.input.clone();
    let check = std::rc::Rc::new(check);
    let (on_change, on_input) = (field.clone(), field);
    let checking = check.clone();
    let change = Closure::<dyn FnMut()>::new(move || {
        let value = on_change.input.value();
        if !value.trim().is_empty() {
            match checking(&value) {
                Some(message) => on_change.show(&message),
                None => on_change.clear(),
            }
        }
    });
    let input_listener = Closure::<dyn FnMut()>::new(move || {
        let value = on_input.input.value();
        if !value.trim().is_empty() && check(&value).is_none() {
            on_input.clear();
        }
    });
    let _ = input.add_event_listener_with_callback("change", change.as_ref().unchecked_ref());
    let _ = input.add_event_listener_with_callback("input", input_listener.as_ref().unchecked_ref());
    // The listeners live as long as the page.
    change.forget();
    input_listener.forget();
}

/// Shows `message` as the error of the field whose input is `#name`, as the server would have written it.
pub fn show_error(name: &str, prefix: &'static str, message: &str) {
    if let Some(field) = Field::find(name, prefix) {
        field.show(message);
    }
}

/// Removes the error of the field whose input is `#name`.
pub fn clear_error(name: &str) {
    if let Some(field) = Field::find(name, "") {
        field.clear();
    }
}

#[derive(Clone)]
struct Field {
    document: Document,
    input: HtmlInputElement,
    name: String,
    prefix: &'static str,
}

impl Field {
    fn find(name: &str, prefix: &'static str) -> Option<Field> {
        let document = web_sys::window()?.document()?;
        let input = document.get_element_by_id(name)?.dyn_into::<HtmlInputElement>().ok()?;
        Some(Field {
            document,
            input,
            name: name.to_owned(),
            prefix,
        })
    }

    fn error_id(&self) -> String {
        format!("{}-error", self.name)
    }

    fn hint_id(&self) -> Option<String> {
        let id = format!("{}-hint", self.name);
        self.document.get_element_by_id(&id).map(|_| id)
    }

    fn show(&self, message: &str) {
        let Some(error) = self.error_element() else { return };
        error.set_inner_html("");
        if let Ok(prefix) = self.document.create_element("span") {
            prefix.set_class_name("visually-hidden");
            prefix.set_text_content(Some(self.prefix));
            let _ = error.append_child(&prefix);
        }
        let _ = error.append_child(&self.document.create_text_node(message));
        self.mark(true);
    }

    fn clear(&self) {
        if let Some(error) = self.document.get_element_by_id(&self.error_id()) {
            error.remove();
        }
        self.mark(false);
    }

    /// The field's error paragraph, made before the input if the page has none yet.
    fn error_element(&self) -> Option<Element> {
        if let Some(found) = self.document.get_element_by_id(&self.error_id()) {
            return Some(found);
        }
        let error = self.document.create_element("p").ok()?;
        error.set_class_name("field__error");
        error.set_id(&self.error_id());
        self.input
            .parent_element()?
            .insert_before(&error, Some(&self.input))
            .ok()?;
        Some(error)
    }

    fn mark(&self, wrong: bool) {
        if let Some(field) = self.input.parent_element() {
            field.set_class_name(if wrong { "field field--error" } else { "field" });
        }
        let mut described = self.hint_id().into_iter().collect::<Vec<_>>();
        if wrong {
            let _ = self.input.set_attribute("aria-invalid", "true");
            described.push(self.error_id());
        } else {
            let _ = self.input.remove_attribute("aria-invalid");
        }
        if described.is_empty() {
            let _ = self.input.remove_attribute("aria-describedby");
        } else {
            let _ = self.input.set_attribute("aria-describedby", &described.join(" "));
        }
    }
}
