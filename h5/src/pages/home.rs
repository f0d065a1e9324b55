//! 工作台: what needs the member today, at a glance.

use yew::prelude::*;
use yew_router::prelude::*;

use super::{header, today};
use crate::app::{Route, Session};
use crate::hooks::{Load, use_load, view_load};
use crate::services;

/// 工作台.
#[function_component(Home)]
pub fn home() -> Html {
    let me = use_context::<Option<Session>>().flatten();
    let counts = use_load(services::approvals::counts());
    let tasks = use_load(services::tasks::mine());
    let projects = use_load(services::projects::mine(20));
    use_effect_with((), |_| super::mark("gantry:workbench"));
    let today = today();
    let pending = match &counts.state {
        Load::Ready(c) => c.pending.to_string(),
        Load::Loading => "…".to_owned(),
        Load::Failed(_) => "—".to_owned(),
    };
    let (mine, overdue, due_today) = match &tasks.state {
        Load::Ready(list) => (
            list.len().to_string(),
            list.iter()
                .filter(|t| t.overdue_days > 0)
                .count()
                .to_string(),
            list.iter().filter(|t| t.due_on(&today)).count().to_string(),
        ),
        Load::Loading => ("…".into(), "…".into(), "…".into()),
        Load::Failed(_) => ("—".into(), "—".into(), "—".into()),
    };
    let greeting = me.map(|m| format!("{}，你好", m.name)).unwrap_or_default();
    html! {
        <main class="page">
            { header("工作台", false) }
            <p class="greeting">{greeting}</p>
            <section class="stats" aria-label="待办概览">
                <Link<Route> to={Route::Approvals} classes="stat">
                    <b id="stat-pending">{pending}</b><span>{"待我审批"}</span>
                </Link<Route>>
                <Link<Route> to={Route::Tasks} classes="stat">
                    <b id="stat-mine">{mine}</b><span>{"我的任务"}</span>
                </Link<Route>>
                <Link<Route> to={Route::Tasks} classes="stat warn">
                    <b id="stat-overdue">{overdue}</b><span>{"已逾期"}</span>
                </Link<Route>>
                <Link<Route> to={Route::Tasks} classes="stat">
                    <b id="stat-today">{due_today}</b><span>{"今日到期"}</span>
                </Link<Route>>
            </section>
            <section class="shortcuts" aria-label="快捷入口">
                <Link<Route> to={Route::NewApprovalPicker} classes="shortcut">{"发起审批"}</Link<Route>>
                <Link<Route> to={Route::Tasks} classes="shortcut">{"现场打卡"}</Link<Route>>
                <a href="/projects" class="shortcut">{"项目台账"}</a>
            </section>
            <h2>{"我的项目"}</h2>
            { view_load(&projects, |page| {
                if page.items.is_empty() {
                    return crate::hooks::empty("暂无参与的项目");
                }
                html! {
                    <ul class="list">
                        { for page.items.iter().map(|p| html! {
                            <li key={p.id}>
                                // 项目 is the planning bundle's: a page load.
                                <a href={format!("/projects/{}", p.id)} class="row">
                                    <span class="title">{&p.name}</span>
                                    <span class="meta">{format!("{} · {}", p.code, p.status.label())}</span>
                                </a>
                            </li>
                        }) }
                    </ul>
                }
            }) }
        </main>
    }
}
