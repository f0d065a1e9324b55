//! Pickers that use the WeCom client where there is one and the web platform elsewhere.

use api::DirectoryEntry;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::pages::input_value;
use crate::{services, wecom};

/// Props of [`MemberPicker`].
#[derive(Properties, PartialEq)]
pub struct MemberPickerProps {
    /// Called with the chosen UserIDs.
    pub onpick: Callback<Vec<String>>,
    /// Pick one member only.
    #[prop_or_default]
    pub single: bool,
}

/// Picks members: WeCom's contact picker inside WeCom, a searchable list elsewhere.
#[function_component(MemberPicker)]
pub fn member_picker(props: &MemberPickerProps) -> Html {
    let query = use_state(String::new);
    let found = use_state(Vec::<DirectoryEntry>::new);
    let error = use_state(|| None::<String>);
    {
        let (found, error) = (found.clone(), error.clone());
        use_effect_with((*query).clone(), move |q| {
            let q = q.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match services::directory::members(&q).await {
                    Ok(list) => {
                        found.set(list);
                        error.set(None);
                    }
                    Err(f) => error.set(Some(f.text())),
                }
            });
        });
    }
    let native = wecom::in_wecom().then(|| {
        let (onpick, error) = (props.onpick.clone(), error.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let (onpick, error) = (onpick.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wecom::pick_members().await {
                    Ok(ids) if !ids.is_empty() => onpick.emit(ids),
                    Ok(_) => {}
                    Err(e) => error.set(Some(e)),
                }
            });
        });
        html! { <button type="button" class="btn block" {onclick}>{"从通讯录选择"}</button> }
    });
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_value(&e)))
    };
    html! {
        <div class="picker">
            { for native }
            <input class="search" type="search" placeholder="搜索姓名或账号" {oninput} value={(*query).clone()} />
            { for error.as_ref().map(|e| html!{ <p class="notice">{e}</p> }) }
            <ul class="list compact">
                { for found.iter().map(|m| {
                    let (onpick, userid) = (props.onpick.clone(), m.userid.clone());
                    let onclick = Callback::from(move |_: MouseEvent| onpick.emit(vec![userid.clone()]));
                    html! {
                        <li key={m.userid.clone()}>
                            <button type="button" class="row pick" data-userid={m.userid.clone()} {onclick}>
                                <span class="title">{&m.name}</span>
                                <span class="meta">{m.position.clone().unwrap_or_default()}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// Photos attached to a form, by their keys in the server's photo store (taken with the
/// JS-SDK and fetched from WeCom at once, or uploaded from a browser).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Photos {
    /// Upload keys.
    pub uploads: Vec<String>,
}

impl Photos {
    /// How many.
    pub fn len(&self) -> usize {
        self.uploads.len()
    }

    /// None yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Props of [`PhotoPicker`].
#[derive(Properties, PartialEq)]
pub struct PhotoPickerProps {
    /// The photos so far.
    pub photos: Photos,
    /// Called with the new set.
    pub onchange: Callback<Photos>,
    /// Most photos.
    #[prop_or(9)]
    pub max: usize,
    /// The file input's id (unique on the page).
    #[prop_or(AttrValue::Static("photo-input"))]
    pub input_id: AttrValue,
}

/// Takes photos with the WeCom camera, or picks files in a browser and uploads them.
#[function_component(PhotoPicker)]
pub fn photo_picker(props: &PhotoPickerProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let room = props.max.saturating_sub(props.photos.len());
    let take = {
        let (photos, onchange, busy, error) = (
            props.photos.clone(),
            props.onchange.clone(),
            busy.clone(),
            error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (mut photos, onchange, busy, error) = (
                photos.clone(),
                onchange.clone(),
                busy.clone(),
                error.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match wecom::take_photos(room as u32).await {
                    Ok(ids) => {
                        // Kept by the server now: a WeCom media id expires in three days.
                        for media_id in ids {
                            match services::uploads::from_wecom(&media_id).await {
                                Ok(kept) => photos.uploads.push(kept.key),
                                Err(f) => {
                                    error.set(Some(f.text()));
                                    break;
                                }
                            }
                        }
                        onchange.emit(photos);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let chosen = {
        let (photos, onchange, busy, error) = (
            props.photos.clone(),
            props.onchange.clone(),
            busy.clone(),
            error.clone(),
        );
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..files.length())
                .filter_map(|i| files.get(i))
                .take(room)
                .collect();
            input.set_value("");
            let (mut photos, onchange, busy, error) = (
                photos.clone(),
                onchange.clone(),
                busy.clone(),
                error.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                for file in files {
                    match upload(&file).await {
                        Ok(key) => photos.uploads.push(key),
                        Err(e) => {
                            error.set(Some(e));
                            break;
                        }
                    }
                }
                onchange.emit(photos);
                busy.set(false);
            });
        })
    };
    let control = if wecom::in_wecom() {
        html! { <button type="button" class="btn" disabled={*busy || room == 0} onclick={take}>{"拍照"}</button> }
    } else {
        html! {
            <label class="btn file">
                {"添加照片"}
                <input id={props.input_id.clone()} type="file" accept="image/jpeg,image/png" multiple=true
                    disabled={*busy || room == 0} onchange={chosen} />
            </label>
        }
    };
    html! {
        <div class="photos">
            { control }
            <span class="meta" id="photo-count">
                { if *busy { "上传中…".to_owned() } else { format!("已添加 {} 张", props.photos.len()) } }
            </span>
            { for error.as_ref().map(|e| html!{ <p class="notice">{e}</p> }) }
        </div>
    }
}

async fn upload(file: &web_sys::File) -> Result<String, String> {
    let (content_type, bytes) = crate::downsize::for_upload(file).await?;
    let bytes = js_sys::Uint8Array::from(bytes.as_slice());
    services::uploads::upload(&content_type, bytes)
        .await
        .map(|u| u.key)
        .map_err(|f| f.text())
}

/// Props of [`DepartmentPicker`].
#[derive(Properties, PartialEq)]
pub struct DepartmentPickerProps {
    /// Department ids chosen so far.
    pub chosen: Vec<String>,
    /// Called with the new choice.
    pub onchange: Callback<Vec<String>>,
    /// More than one allowed.
    #[prop_or_default]
    pub multiple: bool,
}

/// Picks departments from the synced tree, searchable by name.
#[function_component(DepartmentPicker)]
pub fn department_picker(props: &DepartmentPickerProps) -> Html {
    let all = crate::hooks::use_load(services::directory::departments());
    let query = use_state(String::new);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_value(&e)))
    };
    crate::hooks::view_load(&all, |list| {
        let names: std::collections::HashMap<String, &str> = list
            .iter()
            .map(|d| (d.id.to_string(), d.name.as_str()))
            .collect();
        let chosen: Vec<&str> = props
            .chosen
            .iter()
            .map(|id| names.get(id).copied().unwrap_or(id.as_str()))
            .collect();
        let shown = list
            .iter()
            .filter(|d| query.is_empty() || d.name.contains(query.as_str()))
            .take(30);
        html! {
            <div class="picker">
                <p class="chosen">{ if chosen.is_empty() { "未选择".to_owned() } else { chosen.join("、") } }</p>
                <input class="search" type="search" placeholder="搜索部门" oninput={oninput.clone()} value={(*query).clone()} />
                <ul class="list compact">
                    { for shown.map(|d| {
                        let id = d.id.to_string();
                        let on = props.chosen.contains(&id);
                        let (onchange, chosen, multiple) = (props.onchange.clone(), props.chosen.clone(), props.multiple);
                        let onclick = Callback::from(move |_: MouseEvent| {
                            let mut next = if multiple { chosen.clone() } else { Vec::new() };
                            if on { next.retain(|c| *c != id) } else { next.push(id.clone()) }
                            onchange.emit(next);
                        });
                        html! {
                            <li key={d.id}>
                                <button type="button" class={classes!("row", "pick", on.then_some("on"))} {onclick}>
                                    <span class="title">{ if on { format!("✓ {}", d.name) } else { d.name.clone() } }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </div>
        }
    })
}

/// Props of [`CodeScanner`].
#[derive(Properties, PartialEq)]
pub struct CodeScannerProps {
    /// Called with the code's text.
    pub onscan: Callback<String>,
    /// What the code is for ("任务码").
    pub label: AttrValue,
}

/// Scans a QR code with the WeCom camera, or takes the code typed in a browser.
#[function_component(CodeScanner)]
pub fn code_scanner(props: &CodeScannerProps) -> Html {
    let typed = use_state(String::new);
    let error = use_state(|| None::<String>);
    if wecom::in_wecom() {
        let (onscan, error2) = (props.onscan.clone(), error.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let (onscan, error) = (onscan.clone(), error2.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wecom::scan_qr().await {
                    Ok(text) => onscan.emit(text),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
        return html! {
            <div class="inline">
                <button type="button" class="btn" {onclick}>{format!("扫{}", props.label)}</button>
                { for error.as_ref().map(|e| html!{ <span class="notice">{e}</span> }) }
            </div>
        };
    }
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(input_value(&e)))
    };
    let onsubmit = {
        let (typed, onscan) = (typed.clone(), props.onscan.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !typed.trim().is_empty() {
                onscan.emit(typed.trim().to_owned());
            }
        })
    };
    html! {
        <form class="inline" {onsubmit}>
            <input id="code-input" placeholder={format!("输入{}", props.label)} value={(*typed).clone()} {oninput} />
            <button class="btn" type="submit">{"打开"}</button>
        </form>
    }
}

/// The task a scanned or typed code names: a bare id, `task:<id>`, or a link to
/// `/tasks/<id>`.
pub fn task_of_code(code: &str) -> Option<i64> {
    let code = code.trim();
    let tail = code
        .strip_prefix("task:")
        .or_else(|| code.rsplit_once("/tasks/").map(|(_, t)| t))
        .unwrap_or(code);
    let digits: &str = tail.split(['?', '#', '/']).next().unwrap_or_default();
    digits.parse().ok().filter(|id: &i64| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::task_of_code;

    #[test]
    fn task_codes_are_read_in_every_printed_form() {
        assert_eq!(task_of_code("42"), Some(42));
        assert_eq!(task_of_code(" task:7 "), Some(7));
        assert_eq!(
            task_of_code("https://gantry.example.com/tasks/19?from=qr"),
            Some(19)
        );
        assert_eq!(task_of_code("https://gantry.example.com/projects/3"), None);
        assert_eq!(task_of_code("0"), None);
        assert_eq!(task_of_code("hello"), None);
    }
}
