//! Pickers that use the WeCom client where there is one and the web platform elsewhere.

use api::{DirectoryEntry, Uploaded};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::http;
use crate::pages::input_value;
use crate::wecom;

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
            let path = format!("/directory/members?q={}", js_sys::encode_uri_component(q));
            wasm_bindgen_futures::spawn_local(async move {
                match http::get::<Vec<DirectoryEntry>>(&path).await {
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
        html! { <button class="btn block" {onclick}>{"从通讯录选择"}</button> }
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
                            <button class="row pick" data-userid={m.userid.clone()} {onclick}>
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

/// Photos attached to a form: WeCom `media_id`s (inside WeCom) and upload keys (elsewhere).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Photos {
    /// Taken with the JS-SDK.
    pub media_ids: Vec<String>,
    /// Uploaded from a browser.
    pub uploads: Vec<String>,
}

impl Photos {
    /// How many.
    pub fn len(&self) -> usize {
        self.media_ids.len() + self.uploads.len()
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
                        photos.media_ids.extend(ids);
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
        html! { <button class="btn" disabled={*busy || room == 0} onclick={take}>{"拍照"}</button> }
    } else {
        html! {
            <label class="btn file">
                {"添加照片"}
                <input id="photo-input" type="file" accept="image/jpeg,image/png" multiple=true
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
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "读取照片失败".to_owned())?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let content_type = if file.type_().is_empty() {
        "image/jpeg".to_owned()
    } else {
        file.type_()
    };
    http::upload::<Uploaded>("/uploads", &content_type, bytes)
        .await
        .map(|u| u.key)
        .map_err(|f| f.text())
}
