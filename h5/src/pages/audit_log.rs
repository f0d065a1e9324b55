//! 管理 → 审计日志: who changed what, when, on which project; filtered, paged newest
//! first, exported to Excel, and the hash chain checked against its anchor (校验).

use api::{AuditRow, AuditVerdict, AuditVerification};
use yew::prelude::*;

use super::{header, input_value};
use crate::hooks::{empty, use_load, view_load};
use crate::services::audit::Filters;
use crate::{services, text};

/// The audit log page.
#[function_component(AuditLog)]
pub fn audit_log() -> Html {
    // What the list shows, and what the form holds until 查询.
    let applied = use_state(Filters::default);
    let draft = use_state(Filters::default);
    let before = use_state(|| None::<i64>);
    let page = use_load(services::audit::page(&applied, *before));
    let search = {
        let (applied, draft, before) = (applied.clone(), draft.clone(), before.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set((*draft).clone());
            before.set(None);
        })
    };
    let reset = {
        let (applied, draft, before) = (applied.clone(), draft.clone(), before.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(Filters::default());
            applied.set(Filters::default());
            before.set(None);
        })
    };
    let older = page_to(
        &before,
        match &page.state {
            crate::hooks::Load::Ready(p) => p.next_before,
            _ => None,
        },
    );
    let newest = page_to(&before, None);
    html! {
        <main class="page">
            { header("审计日志", true) }
            <FilterForm draft={draft.clone()} onsubmit={search} onreset={reset} />
            <Tools filters={(*applied).clone()} />
            { view_load(&page, |p| {
                if p.items.is_empty() {
                    return empty("没有符合条件的记录");
                }
                html! {
                    <ul class="list compact" id="audit-list">
                        { for p.items.iter().map(row) }
                    </ul>
                }
            }) }
            <div class="buttons">
                if before.is_some() {
                    <button class="btn" onclick={newest}>{"回到最新"}</button>
                }
                if matches!(&page.state, crate::hooks::Load::Ready(p) if p.next_before.is_some()) {
                    <button class="btn" id="audit-older" onclick={older}>{"更早的记录"}</button>
                }
            </div>
        </main>
    }
}

/// A click that shows the page before `cursor` (the newest page for `None`).
fn page_to(before: &UseStateHandle<Option<i64>>, cursor: Option<i64>) -> Callback<MouseEvent> {
    let before = before.clone();
    Callback::from(move |_: MouseEvent| {
        before.set(cursor);
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    })
}

/// One record: what, when, who, on what, and its snapshots folded away.
fn row(r: &AuditRow) -> Html {
    let who = match &r.actor_name {
        Some(name) => format!("{name}（{}）", r.actor),
        None if r.actor == "system" => "系统".to_owned(),
        None => r.actor.clone(),
    };
    let target = format!(
        "{} {}",
        api::audit_target_label(&r.target_type),
        r.target_id
    );
    let project = match (&r.project_name, r.project_id) {
        (Some(name), _) => format!(" · {name}"),
        (None, Some(id)) => format!(" · 项目 {id}"),
        _ => String::new(),
    };
    let snapshot = |title: &str, json: &Option<String>| {
        json.as_ref().map(|j| html! {
            <>
                <p class="meta">{title.to_owned()}</p>
                <pre style="white-space:pre-wrap;word-break:break-all;font-size:12px;margin:2px 0">{j}</pre>
            </>
        })
    };
    let details = (r.before.is_some() || r.after.is_some()).then(|| {
        html! {
            <details class="meta" style="grid-column:1/-1">
                <summary>{"变更内容"}</summary>
                { for snapshot("变更前", &r.before) }
                { for snapshot("变更后", &r.after) }
            </details>
        }
    });
    html! {
        <li key={r.seq} class="row">
            <span class="title">{api::audit_action_label(&r.action)}</span>
            <span class="meta">{text::time_of_ms(r.at_ms)}</span>
            <span class="meta">{format!("#{} · {who} · {target}{project}", r.seq)}</span>
            { for details }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct FilterProps {
    draft: UseStateHandle<Filters>,
    onsubmit: Callback<SubmitEvent>,
    onreset: Callback<MouseEvent>,
}

/// 操作人, 操作, 项目 and a date range.
#[function_component(FilterForm)]
fn filter_form(props: &FilterProps) -> Html {
    let projects = use_load(services::projects::search("", None));
    let draft = props.draft.clone();
    let edit = |change: fn(&mut Filters, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut next = (*draft).clone();
            change(&mut next, input_value(&e));
            draft.set(next);
        })
    };
    let who = edit(|f, v| f.who = (!v.trim().is_empty()).then_some(v));
    let what = edit(|f, v| f.what = (!v.is_empty()).then_some(v));
    let project = edit(|f, v| f.project = v.parse().ok());
    let from = edit(|f, v| f.from_day = (!v.is_empty()).then_some(v));
    let to = edit(|f, v| f.to_day = (!v.is_empty()).then_some(v));
    let chosen = |code: &str| draft.what.as_deref() == Some(code);
    html! {
        <form class="card form" onsubmit={props.onsubmit.clone()} id="audit-filters">
            <div class="field">
                <label for="audit-who">{"操作人账号"}</label>
                <input id="audit-who" type="search" placeholder="企业微信账号（UserID），system 为系统"
                    value={draft.who.clone().unwrap_or_default()} onchange={who} />
            </div>
            <div class="field">
                <label for="audit-what">{"操作"}</label>
                <select id="audit-what" onchange={what}>
                    <option value="" selected={draft.what.is_none()}>{"全部操作"}</option>
                    <optgroup label="按类别">
                        { for api::AUDIT_ACTION_GROUPS.iter().map(|(code, label)| html! {
                            <option value={*code} selected={chosen(code)}>{format!("{label}（全部）")}</option>
                        }) }
                    </optgroup>
                    <optgroup label="具体操作">
                        { for api::AUDIT_ACTIONS.iter().map(|(code, label)| html! {
                            <option value={*code} selected={chosen(code)}>{*label}</option>
                        }) }
                    </optgroup>
                </select>
            </div>
            <div class="field">
                <label for="audit-project">{"项目"}</label>
                <select id="audit-project" onchange={project}>
                    <option value="" selected={draft.project.is_none()}>{"全部项目"}</option>
                    { match &projects.state {
                        crate::hooks::Load::Ready(page) => html! {
                            { for page.items.iter().map(|p| html! {
                                <option value={p.id.to_string()} selected={draft.project == Some(p.id)}>
                                    {format!("{} {}", p.code, p.name)}
                                </option>
                            }) }
                        },
                        _ => html! {},
                    } }
                </select>
            </div>
            <div class="field">
                <label>{"日期"}</label>
                <div class="range">
                    <input id="audit-from" type="date" aria-label="开始日期"
                        value={draft.from_day.clone().unwrap_or_default()} onchange={from} />
                    <span>{"至"}</span>
                    <input id="audit-to" type="date" aria-label="结束日期"
                        value={draft.to_day.clone().unwrap_or_default()} onchange={to} />
                </div>
            </div>
            <div class="buttons">
                <button class="btn primary" type="submit">{"查询"}</button>
                <button class="btn" type="button" onclick={props.onreset.clone()}>{"重置"}</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ToolsProps {
    filters: Filters,
}

/// 导出 Excel (what the list shows) and 校验 (the whole chain).
#[function_component(Tools)]
fn tools(props: &ToolsProps) -> Html {
    let result = use_state(|| None::<Result<AuditVerification, String>>);
    let busy = use_state(|| false);
    let verify = {
        let (result, busy) = (result.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (result, busy) = (result.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(services::audit::verify().await.map_err(|f| f.text())));
                busy.set(false);
            });
        })
    };
    let outcome = result.as_ref().map(|r| match r {
        Ok(v) => {
            let style = if v.verdict == AuditVerdict::Intact {
                "color:var(--ok)"
            } else {
                "color:var(--danger)"
            };
            html! {
                <p id="audit-verdict" role="status" {style}>
                    <b>{v.verdict.label()}</b>{"："}{&v.message}
                </p>
            }
        }
        Err(e) => html! { <p id="audit-verdict" class="notice" role="alert">{e}</p> },
    });
    html! {
        <section class="card">
            <div class="buttons" style="margin-top:0">
                <a class="btn" id="audit-export" href={services::audit::export_url(&props.filters)} download="">
                    {"导出 Excel"}
                </a>
                <button class="btn" id="audit-verify" disabled={*busy} onclick={verify}>
                    { if *busy { "校验中…" } else { "校验" } }
                </button>
            </div>
            <p class="meta">{"导出按当前筛选条件，最多 50000 条；校验检查全部记录是否被篡改、删除或截断。"}</p>
            { for outcome }
        </section>
    }
}
