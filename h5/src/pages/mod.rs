//! One module per page.

pub mod admin;
pub mod approval;
pub mod approvals;
pub mod audit_log;
pub mod daily_report;
pub mod delegation;
pub mod handover;
pub mod home;
pub mod project;
pub mod project_edit;
pub mod project_import;
pub mod project_members;
pub mod project_settings;
pub mod projects;
pub mod submit;
pub mod task;
pub mod tasks;
pub mod template_editor;

use yew::prelude::*;

/// The page header: a title and, on inner pages, a way back. A plain function, not a
/// component: it keeps no state, and each component costs ~4 KB of wasm.
pub fn header(title: impl Into<AttrValue>, back: bool) -> Html {
    let on_back = Callback::from(|_: MouseEvent| {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.back();
        }
    });
    html! {
        <header class="topbar">
            if back {
                <button class="back" aria-label="返回" onclick={on_back}>{"‹"}</button>
            }
            <h1>{title.into()}</h1>
        </header>
    }
}

/// Marks a moment on the page's performance timeline (read by `cargo xtask bench h5`).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Today in China time, `"YYYY-MM-DD"`.
pub fn today() -> String {
    crate::text::day_of_ms(js_sys::Date::now() as i64)
}

/// The value of an input, select or textarea that fired `event`.
pub fn input_value(event: &Event) -> String {
    use wasm_bindgen::JsCast;
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        input.value()
    } else if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}
