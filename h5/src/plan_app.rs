//! Planning as its own wasm bundle: the Gantt and the pages a project manager runs a
//! project with (create and edit the ledger entry, members, schedule settings, the
//! spreadsheet import) weigh many KB that a site worker checking in never needs on the
//! first page. Same session, same tab bar; moving between bundles is an ordinary page load.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{SessionProvider, TabBar};
use crate::pages;

/// The planning bundle's pages (`api::Bundle::Plan`: the server answers them with
/// `plan.html`).
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum PlanRoute {
    /// 项目台账.
    #[at("/projects")]
    Projects,
    /// One project.
    #[at("/projects/:id")]
    Project {
        /// Project id.
        id: i64,
    },
    /// 新建项目.
    #[at("/projects/new")]
    NewProject,
    /// 导入项目 from a spreadsheet.
    #[at("/projects/import")]
    Import,
    /// 编辑项目.
    #[at("/projects/:id/edit")]
    Edit {
        /// Project id.
        id: i64,
    },
    /// 项目成员.
    #[at("/projects/:id/members")]
    Members {
        /// Project id.
        id: i64,
    },
    /// 进度设置.
    #[at("/projects/:id/schedule")]
    Schedule {
        /// Project id.
        id: i64,
    },
    /// A project's 施工日志 for a day.
    #[at("/projects/:id/daily")]
    DailyReport {
        /// Project id.
        id: i64,
    },
    /// A project's Gantt chart.
    #[at("/projects/:id/gantt")]
    Gantt {
        /// Project id.
        id: i64,
    },
    /// 离职交接: a project's leavers' work, for its managers.
    #[at("/projects/:id/handover")]
    Handover {
        /// Project id.
        id: i64,
    },
    /// 外出委托: one's out-of-office delegation.
    #[at("/approvals/delegation")]
    Delegation,
    /// Anything else.
    #[not_found]
    #[at("/projects/404/gantt/404")]
    NotFound,
}

/// The planning app.
#[function_component(PlanApp)]
pub fn plan_app() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Switch<PlanRoute> render={switch} />
                <PlanTabs />
            </SessionProvider>
        </BrowserRouter>
    }
}

fn switch(route: PlanRoute) -> Html {
    match route {
        PlanRoute::Projects => html! { <pages::projects::Projects /> },
        PlanRoute::Project { id } => html! { <pages::project::ProjectPage {id} /> },
        PlanRoute::NewProject => html! { <pages::project_edit::NewProject /> },
        PlanRoute::Import => html! { <pages::project_import::ImportProjects /> },
        PlanRoute::Edit { id } => html! { <pages::project_edit::EditProject {id} /> },
        PlanRoute::Members { id } => html! { <pages::project_members::ProjectMembers {id} /> },
        PlanRoute::Schedule { id } => html! { <pages::project_settings::ScheduleSettings {id} /> },
        PlanRoute::Gantt { id } => html! { <pages::project::GanttPage {id} /> },
        PlanRoute::DailyReport { id } => html! { <pages::daily_report::DailyReportPage {id} /> },
        PlanRoute::Handover { id } => html! { <pages::handover::Handover project={id} /> },
        PlanRoute::Delegation => html! { <pages::delegation::DelegationPage /> },
        PlanRoute::NotFound => html! {
            <main class="page"><div class="state empty">{"页面不存在"}</div></main>
        },
    }
}

#[function_component(PlanTabs)]
fn plan_tabs() -> Html {
    let path = use_location()
        .map(|l| l.path().to_owned())
        .unwrap_or_default();
    // 项目 is this bundle's; the other tabs load theirs.
    let current = crate::app::section_of(&path);
    let in_app = Callback::from(move |i: usize| {
        (i == 3).then(|| {
            let class = if current == 3 { "tab active" } else { "tab" };
            html! { <Link<PlanRoute> to={PlanRoute::Projects} classes={classes!(class)}>{"项目"}</Link<PlanRoute>> }
        })
    });
    html! { <TabBar {in_app} {path} /> }
}
