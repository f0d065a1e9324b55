//! 管理 (admins): org sync with progress and "sync now", dead letters with replay, the
//! approval templates, the system roles and the way to the audit log.

use api::{QueueName, SystemRole};
use yew::prelude::*;

use super::header;
use yew_router::prelude::Link;

use crate::admin_app::AdminRoute as Route;
use crate::components::MemberPicker;
use crate::hooks::{empty, use_load, view_load};
use crate::{services, text};

/// The admin page (a plain function: it only lays out its cards).
pub fn admin() -> Html {
    html! {
        <main class="page">
            { header("管理", false) }
            <SyncCard />
            <DeadLetters queue={QueueName::Inbox} title="回调死信" />
            <DeadLetters queue={QueueName::Outbox} title="推送死信" />
            <Templates />
            <Roles />
            <section class="card">
                <h3>{"离职交接"}</h3>
                <p class="meta">{"离职人员未完成的任务、项目角色和待审批事项"}</p>
                <Link<Route> to={Route::Handover} classes="btn block">{"打开离职交接"}</Link<Route>>
            </section>
            <section class="card">
                <h3>{"审计日志"}</h3>
                <p class="meta">{"谁在何时改了什么：筛选、导出 Excel、校验是否被篡改"}</p>
                <Link<Route> to={Route::AuditLog} classes="btn block">{"打开审计日志"}</Link<Route>>
            </section>
        </main>
    }
}

#[function_component(SyncCard)]
fn sync_card() -> Html {
    let status = use_load(services::admin::sync());
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
                match services::admin::sync_now().await {
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
                        <p class="meta">{format!("{} · {}/{}", p.stage.label(), p.done, p.total)}</p>
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

#[derive(Properties, PartialEq)]
struct QueueProps {
    queue: QueueName,
    title: &'static str,
}

#[function_component(DeadLetters)]
fn dead_letters(props: &QueueProps) -> Html {
    let list = use_load(services::admin::dead_letters(props.queue));
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
                                    match services::admin::replay(queue, id).await {
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
    let list = use_load(services::approvals::templates());
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

#[function_component(Roles)]
fn roles() -> Html {
    let list = use_load(services::admin::roles());
    let role = use_state(|| SystemRole::Finance);
    let message = use_state(|| None::<String>);
    let change = {
        let (message, reload) = (message.clone(), list.reload.clone());
        Callback::from(move |(grant, userid, role): (bool, String, SystemRole)| {
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match services::admin::set_role(&userid, role, grant).await {
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
                change.emit((true, userid, *role));
            }
        })
    };
    let pick_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            if let Some(picked) = SystemRole::from_code(&super::input_value(&e)) {
                role.set(picked);
            }
        })
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
                            let (change, userid, code) = (change.clone(), r.userid.clone(), r.role);
                            let revoke = Callback::from(move |_: MouseEvent| {
                                change.emit((false, userid.clone(), code));
                            });
                            html! {
                                <li key={format!("{}:{}", r.userid, r.role.code())} class="row">
                                    <span class="title">{&r.userid}</span>
                                    <button class="btn" onclick={revoke}>{"撤销"}</button>
                                    <span class="meta">{format!("{} · 由 {} 授予", r.role.label(), r.granted_by)}</span>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }) }
            <h3>{"授予角色"}</h3>
            <select onchange={pick_role} aria-label="角色">
                { for [SystemRole::Finance, SystemRole::Admin].iter().map(|&r| html! {
                    <option value={r.code()} selected={*role == r}>{r.label()}</option>
                }) }
            </select>
            <MemberPicker single=true onpick={grant} />
            { for message.as_ref().map(|m| html!{ <p class="notice">{m}</p> }) }
        </section>
    }
}
