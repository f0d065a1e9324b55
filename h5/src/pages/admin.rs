//! 管理 (admins): org sync with progress and "sync now", dead letters with replay, the
//! approval templates and the system roles.

use api::{DeadLetter, RoleGrant, SyncStatus, TemplateView};
use serde_json::Value;
use yew::prelude::*;

use super::header;
use yew_router::prelude::Link;

use crate::admin_app::AdminRoute as Route;
use crate::components::MemberPicker;
use crate::hooks::{empty, use_load, view_load};
use crate::http::{self, Method};
use crate::text;

/// The admin page (a plain function: it only lays out its cards).
pub fn admin() -> Html {
    html! {
        <main class="page">
            { header("管理", false) }
            <SyncCard />
            <DeadLetters queue="inbox" title="回调死信" />
            <DeadLetters queue="outbox" title="推送死信" />
            <Templates />
            <Roles />
        </main>
    }
}

#[function_component(SyncCard)]
fn sync_card() -> Html {
    let status = use_load::<SyncStatus>("/admin/sync".to_owned());
    let message = use_state(|| None::<String>);
    {
        // While a sync runs, look again every two seconds.
        let running = matches!(&status.state, crate::hooks::Load::Ready(s) if s.running);
        let reload = status.reload.clone();
        use_effect_with(running, move |running| {
            let timer = running
                .then(|| gloo::timers::callback::Timeout::new(2_000, move || reload.emit(())));
            move || drop(timer)
        });
    }
    let sync_now = {
        let (message, reload) = (message.clone(), status.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match http::call::<Value>(Method::Post, "/admin/sync").await {
                    Ok(_) => message.set(Some("已开始同步".to_owned())),
                    Err(f) => message.set(Some(f.text())),
                }
                reload.emit(());
            });
        })
    };
    html! {
        <section class="card">
            <h3>{"通讯录同步"}</h3>
            { view_load(&status, |s| {
                let progress = s.progress.as_ref().filter(|_| s.running).map(|p| html! {
                    <>
                        <div class="progress" role="progressbar" aria-valuenow={p.percent.to_string()}><div style={format!("width:{}%", p.percent)}></div></div>
                        <p class="meta">{format!("{} · {}/{}", stage(&p.stage), p.done, p.total)}</p>
                    </>
                });
                let last = s.last.as_ref().map(|l| {
                    let outcome = match (&l.error, &l.report) {
                        (Some(e), _) => format!("失败：{e}"),
                        (None, Some(r)) => format!(
                            "成功：部门 {}，成员 {}，标签 {}",
                            r["departments"], r["members"], r["tags"]
                        ),
                        _ => "完成".to_owned(),
                    };
                    html! { <p class="meta" id="last-sync">{format!("上次：{}，用时 {} 秒，{outcome}", text::time_of_ms(l.started_at_ms), text::fixed(l.duration_ms as f64 / 1000.0, 1))}</p> }
                });
                html! {
                    <>
                        { for progress }
                        { last.unwrap_or_else(|| html!{ <p class="meta">{"尚未同步"}</p> }) }
                        <button id="sync-now" class="btn primary" disabled={s.running} onclick={sync_now.clone()}>
                            { if s.running { "同步中…" } else { "立即同步" } }
                        </button>
                    </>
                }
            }) }
            { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
        </section>
    }
}

fn stage(code: &str) -> &'static str {
    match code {
        "departments" => "同步部门",
        "members" => "同步成员",
        "tags" => "同步标签",
        "leavers" => "处理离职",
        "done" => "完成",
        "failed" => "失败",
        _ => "进行中",
    }
}

#[derive(Properties, PartialEq)]
struct QueueProps {
    queue: &'static str,
    title: &'static str,
}

#[function_component(DeadLetters)]
fn dead_letters(props: &QueueProps) -> Html {
    let list = use_load::<Vec<DeadLetter>>(format!("/admin/dead-letters?queue={}", props.queue));
    let message = use_state(|| None::<String>);
    let queue = props.queue;
    html! {
        <section class="card">
            <h3>{props.title}</h3>
            { view_load(&list, |items| {
                if items.is_empty() {
                    return empty("没有死信");
                }
                html! {
                    <ul class="list compact">
                        { for items.iter().map(|d| {
                            let (message, reload, id) = (message.clone(), list.reload.clone(), d.id);
                            let replay = Callback::from(move |_: MouseEvent| {
                                let (message, reload) = (message.clone(), reload.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    let path = format!("/admin/dead-letters/{queue}/{id}/replay");
                                    match http::call::<Value>(Method::Post, &path).await {
                                        Ok(_) => message.set(Some("已重新投递".to_owned())),
                                        Err(f) => message.set(Some(f.text())),
                                    }
                                    reload.emit(());
                                });
                            });
                            html! {
                                <li key={d.id} class="row">
                                    <span class="title">{format!("{} · {}", d.kind, d.key)}</span>
                                    <span class="meta">{format!("尝试 {} 次 · {}", d.attempts, d.last_error.clone().unwrap_or_default())}</span>
                                    <button class="btn" onclick={replay}>{"重放"}</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }) }
            { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
        </section>
    }
}

#[function_component(Templates)]
fn templates() -> Html {
    let list = use_load::<Vec<TemplateView>>("/approval-templates".to_owned());
    html! {
        <section class="card">
            <h3>{"审批模板"}</h3>
            { view_load(&list, |items| html! {
                <>
                    <ul class="list compact" id="template-list">
                        { for items.iter().map(|t| html! {
                            <li key={t.code.clone()}>
                                <Link<Route> to={Route::TemplateEditor { code: t.code.clone() }} classes="row">
                                    <span class="title">{&t.name}</span>
                                    <span class="meta">{format!("{} · v{} · {}", t.code, t.version, if t.enabled { "启用" } else { "停用" })}</span>
                                </Link<Route>>
                            </li>
                        }) }
                    </ul>
                    <Link<Route> to={Route::TemplateEditor { code: "new".to_owned() }} classes="btn block">{"新建模板"}</Link<Route>>
                </>
            }) }
        </section>
    }
}

fn role_name(code: &str) -> &'static str {
    match code {
        "admin" => "系统管理员",
        "finance" => "财务",
        _ => "其他",
    }
}

#[function_component(Roles)]
fn roles() -> Html {
    let list = use_load::<Vec<RoleGrant>>("/admin/roles".to_owned());
    let role = use_state(|| "finance".to_owned());
    let message = use_state(|| None::<String>);
    let change = {
        let (message, reload) = (message.clone(), list.reload.clone());
        Callback::from(move |(method, userid, role): (Method, String, String)| {
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/admin/roles/{userid}/{role}");
                match http::call::<Value>(method, &path).await {
                    Ok(_) => message.set(None),
                    Err(f) => message.set(Some(f.text())),
                }
                reload.emit(());
            });
        })
    };
    let grant = {
        let (change, role) = (change.clone(), role.clone());
        Callback::from(move |userids: Vec<String>| {
            for userid in userids {
                change.emit((Method::Put, userid, (*role).clone()));
            }
        })
    };
    let pick_role = {
        let role = role.clone();
        Callback::from(move |e: Event| role.set(super::input_value(&e)))
    };
    html! {
        <section class="card">
            <h3>{"系统角色"}</h3>
            { view_load(&list, |items| {
                if items.is_empty() {
                    return empty("尚未授予角色");
                }
                html! {
                    <ul class="list compact" id="role-list">
                        { for items.iter().map(|r| {
                            let (change, userid, code) = (change.clone(), r.userid.clone(), r.role.clone());
                            let revoke = Callback::from(move |_: MouseEvent| {
                                change.emit((Method::Delete, userid.clone(), code.clone()));
                            });
                            html! {
                                <li key={format!("{}:{}", r.userid, r.role)} class="row">
                                    <span class="title">{&r.userid}</span>
                                    <button class="btn" onclick={revoke}>{"撤销"}</button>
                                    <span class="meta">{format!("{} · 由 {} 授予", role_name(&r.role), r.granted_by)}</span>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }) }
            <h3>{"授予角色"}</h3>
            <select onchange={pick_role} aria-label="角色">
                <option value="finance" selected={*role == "finance"}>{"财务"}</option>
                <option value="admin" selected={*role == "admin"}>{"系统管理员"}</option>
            </select>
            <MemberPicker single=true onpick={grant} />
            { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
        </section>
    }
}
