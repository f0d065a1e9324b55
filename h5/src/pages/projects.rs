//! 项目: the ledger, searchable by code, name or client, filtered by status; 新建项目 and 导入
//! for those who may create projects, and the export of what is listed.

use api::ProjectStatus;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{header, input_value};
use crate::hooks::{empty, use_load, view_load};
use crate::plan_app::PlanRoute;
use crate::services;

/// The project list.
#[function_component(Projects)]
pub fn projects() -> Html {
    let query = use_state(String::new);
    let status = use_state(|| None::<ProjectStatus>);
    let page = use_load(services::projects::search(&query, *status));
    let export = services::projects::export_url(&query, *status);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_value(&e)))
    };
    let onchange = {
        let status = status.clone();
        Callback::from(move |e: Event| status.set(ProjectStatus::from_code(&input_value(&e))))
    };
    html! {
        <main class="page">
            { header("项目", false) }
            <div class="filters">
                <input class="search" type="search" placeholder="搜索编号、名称、建设单位" {oninput} value={(*query).clone()} />
                <select {onchange} aria-label="状态">
                    <option value="">{"全部状态"}</option>
                    { for ProjectStatus::ALL.iter().map(|&s| html! {
                        <option value={s.code()} selected={*status == Some(s)}>{s.label()}</option>
                    }) }
                </select>
            </div>
            { view_load(&page, |p| {
                if p.items.is_empty() {
                    return html! { <>{ actions(p.can_create, &export) }{ empty("没有符合条件的项目") }</> };
                }
                html! {
                    <>
                        <p class="meta">{format!("共 {} 个项目", p.total)}</p>
                        { actions(p.can_create, &export) }
                        <ul class="list" id="project-list">
                            { for p.items.iter().map(|p| html! {
                                <li key={p.id}>
                                    <Link<PlanRoute> to={PlanRoute::Project { id: p.id }} classes="row">
                                        <span class="title">{&p.name}</span>
                                        <span class="badge">{p.status.label()}</span>
                                        <span class="meta">{format!("{} · {} · {}", p.code, p.client, p.department)}</span>
                                    </Link<PlanRoute>>
                                </li>
                            }) }
                        </ul>
                    </>
                }
            }) }
        </main>
    }
}

/// 新建项目 and 导入 (planning pages, page loads) for those who may create projects; the
/// export of what is listed for everyone.
fn actions(can_create: bool, export: &str) -> Html {
    html! {
        <div class="buttons" id="project-list-actions">
            if can_create {
                <a class="btn primary" href="/projects/new">{"新建项目"}</a>
                <a class="btn" href="/projects/import">{"导入"}</a>
            }
            <a class="btn" href={export.to_owned()}>{"导出"}</a>
        </div>
    }
}
