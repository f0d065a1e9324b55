//! One task: its plan and progress, a site check-in (photos, location, note, progress),
//! and the check-ins so far with their watermarked photos.

use std::rc::Rc;

use api::{CheckinRequest, CheckinView, NewComment, TaskStatus, TaskUpdate, TaskView};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::{header, input_value};
use crate::components::{PhotoPicker, Photos};
use crate::hooks::{empty, use_load, view_load};
use crate::pending::{self, Outcome};
use crate::{services, text, wecom};

/// Props: the task id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Task id.
    pub id: i64,
}

/// The task page.
#[function_component(TaskPage)]
pub fn task_page(props: &Props) -> Html {
    let task = use_load(services::tasks::get(props.id));
    let checkins = use_load(services::tasks::checkins(props.id));
    let changed = {
        let (a, b) = (task.reload.clone(), checkins.reload.clone());
        Callback::from(move |()| {
            a.emit(());
            b.emit(());
        })
    };
    let id = props.id;
    html! {
        <main class="page">
            { header("任务详情", true) }
            { view_load(&task, |t| html! {
                <>
                    <Overview task={Rc::clone(t)} changed={changed.clone()} />
                    { if t.milestone || t.status == TaskStatus::Done { html!{} } else {
                        html! { <Extension task={t.id} /> }
                    } }
                    <CheckinForm task={Rc::clone(t)} changed={changed.clone()} />
                </>
            }) }
            <Comments task={id} />
            <h2>{"打卡记录"}</h2>
            { view_load(&checkins, |list| {
                if list.is_empty() {
                    return empty("还没有打卡");
                }
                html! {
                    <ul class="list checkins" id="checkin-list">
                        { for list.iter().rev().map(|c| checkin(id, c)) }
                    </ul>
                }
            }) }
        </main>
    }
}

fn checkin(task: i64, c: &CheckinView) -> Html {
    html! {
        <li key={c.id} class="checkin">
            <p class="meta">{format!("{} · {}", text::time_of_ms(c.at_ms), c.userid)}
                { for c.progress.map(|p| format!(" · 进度 {p}%")) }</p>
            { for (!c.note.is_empty()).then(|| html!{ <p>{&c.note}</p> }) }
            { for (!c.address.is_empty()).then(|| html!{ <p class="meta">{format!("📍 {}", c.address)}</p> }) }
            <div class="thumbs">
                { for (0..c.photos.len()).map(|i| {
                    let src = services::tasks::checkin_photo_url(task, c.id, i);
                    html!{ <a href={src.clone()} target="_blank"><img src={src} loading="lazy" alt="现场照片" /></a> }
                }) }
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct TaskProps {
    task: Rc<TaskView>,
    changed: Callback<()>,
}

#[function_component(Overview)]
fn overview(props: &TaskProps) -> Html {
    let t = &props.task;
    let message = use_state(|| None::<String>);
    let set_status = |status: TaskStatus, label: &'static str| {
        let (id, changed, message) = (t.id, props.changed.clone(), message.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let (changed, message) = (changed.clone(), message.clone());
            let update = TaskUpdate {
                status: Some(status),
                ..TaskUpdate::default()
            };
            wasm_bindgen_futures::spawn_local(async move {
                let result = services::tasks::update(id, &update).await;
                match result {
                    Ok(_) => changed.emit(()),
                    Err(f) => message.set(Some(f.text())),
                }
            });
        });
        html! { <button class="btn" {onclick}>{label}</button> }
    };
    html! {
        <section class="card">
            <h2 id="task-title">{&t.title}</h2>
            <p class="meta">
                {format!("{} 至 {}（{} 天）· ", t.start, t.finish, t.days)}
                <span class="badge">{t.status.label()}</span>
                { for (t.overdue_days > 0).then(|| html!{ <span class="badge rejected">{format!(" 逾期 {} 天", t.overdue_days)}</span> }) }
            </p>
            <div class="progress" role="progressbar" aria-valuenow={t.progress.to_string()} aria-valuemin="0" aria-valuemax="100">
                <div style={format!("width:{}%", t.progress)}></div>
            </div>
            <p class="meta">{format!("进度 {}% · 负责人 {}", t.progress, t.owner.clone().unwrap_or_else(|| "未指定".into()))}</p>
            <div class="buttons">
                { match t.status {
                    TaskStatus::Todo | TaskStatus::Paused => set_status(TaskStatus::Doing, "开始"),
                    TaskStatus::Doing => html!{ <>{set_status(TaskStatus::Paused, "暂停")}{set_status(TaskStatus::Done, "完成")}</> },
                    TaskStatus::Done => html!{},
                } }
            </div>
            { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ExtensionProps {
    task: i64,
}

/// 申请延期: more days, and why; the PM decides it as an approval.
#[function_component(Extension)]
fn extension(props: &ExtensionProps) -> Html {
    let days = use_state(String::new);
    let reason = use_state(String::new);
    let message = use_state(|| None::<String>);
    let navigator = yew_router::prelude::use_navigator();
    let onsubmit = {
        let (days, reason, message, id) =
            (days.clone(), reason.clone(), message.clone(), props.task);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(days) = days.parse::<i32>().ok().filter(|d| (1..=365).contains(d)) else {
                message.set(Some("延长天数应在 1 到 365 天之间".into()));
                return;
            };
            let body = api::ExtensionRequest {
                days,
                reason: reason.trim().to_owned(),
            };
            let (message, navigator) = (message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match services::tasks::extend(id, &body).await {
                    Ok(created) => {
                        if let Some(nav) = navigator {
                            nav.push(&crate::app::Route::Approval { id: created.id });
                        }
                    }
                    Err(f) => message.set(Some(f.text())),
                }
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    html! {
        <details class="card">
            <summary>{"申请延期"}</summary>
            <form class="form" {onsubmit} novalidate=true>
                <div class="field"><label for="extension-days">{"延长天数"}</label>
                    <input id="extension-days" type="number" min="1" max="365" inputmode="numeric"
                        value={(*days).clone()} oninput={set(&days)} /></div>
                <div class="field"><label for="extension-reason">{"延期原因"}</label>
                    <textarea id="extension-reason" rows="2" maxlength={api::limits::COMMENT_CHARS.to_string()}
                        value={(*reason).clone()} oninput={set(&reason)} /></div>
                { for message.as_ref().map(|m| html!{ <p class="notice" role="alert">{m}</p> }) }
                <button id="submit-extension" type="submit" class="btn block">{"提交延期申请"}</button>
            </form>
        </details>
    }
}

/// A check-in being written; kept as a draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    note: String,
    address: String,
    progress: Option<u8>,
    location: Option<(f64, f64)>,
    photos: Photos,
}

#[function_component(CheckinForm)]
fn checkin_form(props: &TaskProps) -> Html {
    let draft_name = format!("checkin.{}", props.task.id);
    let draft = {
        let name = draft_name.clone();
        use_state(move || pending::draft::<Draft>(&name).unwrap_or_default())
    };
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let update = {
        let (draft, name) = (draft.clone(), draft_name.clone());
        Callback::from(move |next: Draft| {
            pending::keep_draft(&name, &next);
            draft.set(next);
        })
    };
    let on_note = {
        let (d, update) = (draft.clone(), update.clone());
        Callback::from(move |e: InputEvent| {
            update.emit(Draft {
                note: input_value(&e),
                ..(*d).clone()
            })
        })
    };
    let on_progress = {
        let (d, update) = (draft.clone(), update.clone());
        Callback::from(move |e: InputEvent| {
            let progress = input_value(&e).parse::<u8>().ok().map(|p| p.min(100));
            update.emit(Draft {
                progress,
                ..(*d).clone()
            });
        })
    };
    let on_photos = {
        let (d, update) = (draft.clone(), update.clone());
        Callback::from(move |photos: Photos| {
            update.emit(Draft {
                photos,
                ..(*d).clone()
            })
        })
    };
    let locate = {
        let (d, update, message) = (draft.clone(), update.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let (d, update, message) = (d.clone(), update.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wecom::locate().await {
                    Ok(at) => update.emit(Draft {
                        location: Some(at),
                        address: format!("{}, {}", text::fixed(at.0, 5), text::fixed(at.1, 5)),
                        ..(*d).clone()
                    }),
                    Err(e) => message.set(Some(e)),
                }
            });
        })
    };
    let submit = {
        let (d, message, busy, changed, name) = (
            draft.clone(),
            message.clone(),
            busy.clone(),
            props.changed.clone(),
            draft_name.clone(),
        );
        let (id, title) = (props.task.id, props.task.title.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let current = (*d).clone();
            if current.note.trim().is_empty()
                && current.photos.is_empty()
                && current.progress.is_none()
            {
                message.set(Some("请至少填写备注、进度或添加照片".to_owned()));
                return;
            }
            let request = CheckinRequest {
                location: current.location,
                address: current.address.clone(),
                note: current.note.clone(),
                media_ids: Vec::new(),
                uploads: current.photos.uploads.clone(),
                progress: current.progress,
            };
            let Ok(body) = serde_json::to_value(&request) else {
                return;
            };
            let (d, message, busy, changed, name, label) = (
                d.clone(),
                message.clone(),
                busy.clone(),
                changed.clone(),
                name.clone(),
                format!("打卡：{title}"),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = services::tasks::check_in(id, &label, body).await;
                busy.set(false);
                match outcome {
                    Outcome::Sent(_) => {
                        pending::drop_draft(&name);
                        d.set(Draft::default());
                        message.set(Some("打卡成功".to_owned()));
                        changed.emit(());
                    }
                    Outcome::Queued => {
                        pending::drop_draft(&name);
                        d.set(Draft::default());
                        message.set(Some(
                            "暂时无法提交（网络或服务不可用），打卡已保存，恢复后自动提交"
                                .to_owned(),
                        ));
                    }
                    Outcome::Refused(f) => message.set(Some(f.text())),
                }
            });
        })
    };
    html! {
        <form class="card form" onsubmit={submit}>
            <h3>{"现场打卡"}</h3>
            <div class="field">
                <label for="checkin-note">{"备注"}</label>
                <textarea id="checkin-note" rows="3" maxlength={api::limits::NOTE_CHARS.to_string()} placeholder="今天完成了什么、遇到什么问题"
                    value={draft.note.clone()} oninput={on_note} />
            </div>
            <div class="field">
                <label for="checkin-progress">{"进度 %"}</label>
                <input id="checkin-progress" type="number" inputmode="numeric" min="0" max="100"
                    value={draft.progress.map(|p| p.to_string()).unwrap_or_default()} oninput={on_progress} />
            </div>
            <div class="field">
                <label>{"位置"}</label>
                <div class="inline">
                    <button id="locate" type="button" class="btn" onclick={locate}>{"获取位置"}</button>
                    <span class="meta" id="checkin-location">{ if draft.address.is_empty() { "未定位".to_owned() } else { draft.address.clone() } }</span>
                </div>
            </div>
            <div class="field">
                <label>{"照片"}</label>
                <PhotoPicker photos={draft.photos.clone()} onchange={on_photos} />
            </div>
            { for message.as_ref().map(|m| html!{ <p class="notice" role="status" id="checkin-message">{m}</p> }) }
            <button id="submit-checkin" type="submit" class="btn primary block" disabled={*busy}>
                { if *busy { "提交中…" } else { "提交打卡" } }
            </button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct CommentsProps {
    task: i64,
}

/// The task's comment thread and a box to add to it (kept as a draft, queued offline).
#[function_component(Comments)]
fn comments(props: &CommentsProps) -> Html {
    let list = use_load(services::tasks::comments(props.task));
    let draft_name = format!("comment.{}", props.task);
    let text = {
        let name = draft_name.clone();
        use_state(move || pending::draft::<String>(&name).unwrap_or_default())
    };
    let photos = use_state(Photos::default);
    let message = use_state(|| None::<String>);
    let oninput = {
        let (text, name) = (text.clone(), draft_name.clone());
        Callback::from(move |e: InputEvent| {
            let typed = input_value(&e);
            pending::keep_draft(&name, &typed);
            text.set(typed);
        })
    };
    let on_photos = {
        let photos = photos.clone();
        Callback::from(move |p: Photos| photos.set(p))
    };
    let onsubmit = {
        let (text, photos, message, reload, name, task) = (
            text.clone(),
            photos.clone(),
            message.clone(),
            list.reload.clone(),
            draft_name.clone(),
            props.task,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if text.trim().is_empty() {
                message.set(Some("请填写评论".to_owned()));
                return;
            }
            let body = NewComment {
                text: (*text).clone(),
                uploads: photos.uploads.clone(),
            };
            let Ok(body) = serde_json::to_value(&body) else {
                return;
            };
            let (text, photos, message, reload, name) = (
                text.clone(),
                photos.clone(),
                message.clone(),
                reload.clone(),
                name.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match services::tasks::comment(task, body).await {
                    Outcome::Sent(_) => {
                        pending::drop_draft(&name);
                        text.set(String::new());
                        photos.set(Photos::default());
                        message.set(None);
                        reload.emit(());
                    }
                    Outcome::Queued => {
                        pending::drop_draft(&name);
                        text.set(String::new());
                        photos.set(Photos::default());
                        message.set(Some(
                            "暂时无法发送（网络或服务不可用），评论已保存，恢复后自动发送"
                                .to_owned(),
                        ));
                    }
                    Outcome::Refused(f) => message.set(Some(f.text())),
                }
            });
        })
    };
    html! {
        <section class="card">
            <h3>{"评论"}</h3>
            { view_load(&list, |all| {
                if all.is_empty() {
                    return empty("还没有评论");
                }
                html! {
                    <ul class="timeline" id="comment-list">
                        { for all.iter().map(|c| html! {
                            <li key={c.id}>
                                <span class="meta">{format!("{} · {}", text::time_of_ms(c.at_ms), c.name)}</span>
                                <p class="comment-text">{&c.text}</p>
                                <div class="thumbs">
                                    { for c.photos.iter().map(|key| {
                                        let src = services::tasks::comment_photo_url(props.task, key);
                                        html!{ <a href={src.clone()} target="_blank"><img src={src} loading="lazy" alt="评论照片" /></a> }
                                    }) }
                                </div>
                            </li>
                        }) }
                    </ul>
                }
            }) }
            <form class="form" {onsubmit}>
                <textarea id="comment-text" rows="2" maxlength={api::limits::NOTE_CHARS.to_string()} placeholder="写评论…" value={(*text).clone()} {oninput} />
                <PhotoPicker photos={(*photos).clone()} onchange={on_photos} input_id="comment-photo-input" />
                { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
                <button id="submit-comment" type="submit" class="btn block">{"发表评论"}</button>
            </form>
        </section>
    }
}
