//! One project: overview (schedule, lag, amounts when allowed), members, and the Gantt.

use api::{ProjectAction, TaskStatus};
use yew::prelude::*;

use super::header;
use crate::gantt::GanttChart;
use crate::hooks::{Load, use_load, view_load};
use crate::{services, text};

/// Props: the project id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Project id.
    pub id: i64,
}

/// The project overview.
#[function_component(ProjectPage)]
pub fn project_page(props: &Props) -> Html {
    let project = use_load(services::projects::get(props.id));
    let members = use_load(services::projects::members(props.id));
    let gantt = use_load(services::projects::gantt(props.id));
    let schedule = match &gantt.state {
        Load::Ready(g) => {
            let total = g.bars.iter().filter(|b| b.f & 4 == 0).count();
            let done = g
                .bars
                .iter()
                .filter(|b| b.f & 4 == 0 && b.st == TaskStatus::Done)
                .count();
            html! {
                <dl class="fields">
                    <dt>{"任务"}</dt><dd>{format!("{done} / {total} 已完成")}</dd>
                    <dt>{"计划完工"}</dt><dd>{g.finish.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{"预测完工"}</dt><dd>{g.forecast_finish.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{"进度滞后"}</dt>
                    <dd id="lag-days" class={if g.lag_days > 0 { "warn" } else { "" }}>{format!("{} 天", g.lag_days)}</dd>
                </dl>
            }
        }
        _ => html! {},
    };
    let id = props.id;
    html! {
        <main class="page">
            { header("项目详情", true) }
            { view_load(&project, |p| html! {
                <section class="card">
                    <h2 id="project-name">{&p.name}</h2>
                    <p class="meta">{format!("{} · {} · ", p.code, p.kind)}<span class="badge">{p.status.label()}</span></p>
                    <dl class="fields">
                        <dt>{"建设单位"}</dt><dd>{&p.client}</dd>
                        <dt>{"地址"}</dt><dd>{&p.address}</dd>
                        <dt>{"项目经理"}</dt><dd>{p.managers.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")}</dd>
                        <dt>{"计划工期"}</dt><dd>{format!("{} 至 {}", p.planned_start.as_deref().unwrap_or("—"), p.planned_finish.as_deref().unwrap_or("—"))}</dd>
                        { if p.amounts_visible { html! {
                            <>
                                <dt>{"合同金额"}</dt><dd>{p.contract_fen.map(text::yuan_short).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{"预算"}</dt><dd>{p.budget_fen.map(text::yuan_short).unwrap_or_else(|| "—".into())}</dd>
                            </>
                        } } else { html!{} } }
                    </dl>
                    { schedule.clone() }
                    // The Gantt and the PM's pages are the planning bundle's: page loads,
                    // not routes here; shown only to those the server says may use them.
                    <a href={format!("/projects/{id}/gantt")} class="btn primary block">{"查看甘特图"}</a>
                    <div class="buttons" id="project-actions">
                        if p.can.contains(&ProjectAction::Edit) {
                            <a class="btn" href={format!("/projects/{id}/edit")}>{"编辑"}</a>
                        }
                        if p.can.contains(&ProjectAction::ManageMembers) {
                            <a class="btn" href={format!("/projects/{id}/members")}>{"成员"}</a>
                            <a class="btn" href={format!("/projects/{id}/handover")}>{"离职交接"}</a>
                        }
                        if p.can.contains(&ProjectAction::Edit) {
                            <a class="btn" href={format!("/projects/{id}/schedule")}>{"进度设置"}</a>
                        }
                    </div>
                </section>
            }) }
            <h2>{"项目成员"}</h2>
            { view_load(&members, |list| html! {
                <ul class="list compact">
                    { for list.iter().map(|m| html! {
                        <li key={m.userid.clone()} class="row"><span class="title">{&m.name}</span><span class="meta">{m.role.label()}</span></li>
                    }) }
                </ul>
            }) }
        </main>
    }
}

/// The Gantt page.
#[function_component(GanttPage)]
pub fn gantt_page(props: &Props) -> Html {
    let gantt = use_load(services::projects::gantt(props.id));
    html! {
        <main class="page wide">
            { header("甘特图", true) }
            { view_load(&gantt, |g| {
                if g.bars.is_empty() {
                    return crate::hooks::empty("还没有计划任务");
                }
                html! {
                    <>
                        <p class="meta">{format!("{} 项任务 · 滞后 {} 天", g.bars.len(), g.lag_days)}</p>
                        <GanttChart gantt={g.clone()} />
                    </>
                }
            }) }
        </main>
    }
}
