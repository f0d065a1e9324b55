//! The shell: who is signed in, the routes, and the tab bar every page sits above.

use std::rc::Rc;

use api::Me;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::hooks::{Load, use_load};
use crate::pages;

/// Every page's address.
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    /// 工作台.
    #[at("/")]
    Home,
    /// 审批 lists.
    #[at("/approvals")]
    Approvals,
    /// 发起审批: pick a template.
    #[at("/approvals/new")]
    NewApprovalPicker,
    /// 发起审批 with a template's form.
    #[at("/approvals/new/:template")]
    NewApproval {
        /// Template code.
        template: String,
    },
    /// One approval.
    #[at("/approvals/:id")]
    Approval {
        /// Instance id.
        id: i64,
    },
    /// 我的任务.
    #[at("/tasks")]
    Tasks,
    /// One task: detail, check-in, progress.
    #[at("/tasks/:id")]
    Task {
        /// Task id.
        id: i64,
    },
    /// 项目 list.
    #[at("/projects")]
    Projects,
    /// One project: overview and members.
    #[at("/projects/:id")]
    Project {
        /// Project id.
        id: i64,
    },
    /// A project's Gantt.
    #[at("/projects/:id/gantt")]
    Gantt {
        /// Project id.
        id: i64,
    },
    /// 管理.
    #[at("/admin")]
    Admin,
    /// An approval template's editor (`new` for a new one).
    #[at("/admin/templates/:code")]
    TemplateEditor {
        /// Template code.
        code: String,
    },
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The signed-in member, shared with every page.
pub type Session = Rc<Me>;

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <SessionGate />
        </BrowserRouter>
    }
}

/// Pages render at once; who is signed in arrives alongside their own data (one round
/// trip saved on a slow network). A lapsed session sends the browser through login.
#[function_component(SessionGate)]
fn session_gate() -> Html {
    // Fixed before any navigation: iOS signs this URL for the whole visit.
    use_state(entry_url);
    let me = use_load::<Me>("/me".to_owned());
    let session: Option<Session> = match &me.state {
        Load::Ready(me) => Some(Rc::clone(me)),
        _ => None,
    };
    use_effect_with(session.clone(), |ready| {
        if let Some(me) = ready {
            crate::http::set_csrf(&me.csrf_token);
            crate::wecom::configure(&me.corp_id, me.agent_id, &entry_url());
            crate::pending::start();
        }
    });
    let failed = match &me.state {
        Load::Failed(failure) => Some(failure.text()),
        _ => None,
    };
    html! {
        <ContextProvider<Option<Session>> context={session}>
            { for failed.map(|text| html! { <div class="state error" role="alert">{text}</div> }) }
            <Switch<Route> render={switch} />
            <TabBar />
        </ContextProvider<Option<Session>>>
    }
}

/// The URL the app was entered on (iOS signs this one for the whole visit).
fn entry_url() -> String {
    thread_local! {
        static ENTRY: String = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
    }
    ENTRY.with(Clone::clone)
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::home::Home /> },
        Route::Approvals => html! { <pages::approvals::Approvals /> },
        Route::NewApprovalPicker => html! { <pages::submit::TemplatePicker /> },
        Route::NewApproval { template } => html! { <pages::submit::Submit {template} /> },
        Route::Approval { id } => html! { <pages::approval::ApprovalPage {id} /> },
        Route::Tasks => html! { <pages::tasks::Tasks /> },
        Route::Task { id } => html! { <pages::task::TaskPage {id} /> },
        Route::Projects => html! { <pages::projects::Projects /> },
        Route::Project { id } => html! { <pages::project::ProjectPage {id} /> },
        Route::Gantt { id } => html! { <pages::project::GanttPage {id} /> },
        Route::Admin => pages::admin::admin(),
        Route::TemplateEditor { code } => {
            html! { <pages::template_editor::TemplateEditor {code} /> }
        }
        Route::NotFound => html! {
            <main class="page"><div class="state empty">{"页面不存在"}</div></main>
        },
    }
}

#[function_component(TabBar)]
fn tab_bar() -> Html {
    let me = use_context::<Option<Session>>().flatten();
    let route = use_route::<Route>().unwrap_or(Route::Home);
    let section = |r: &Route| match r {
        Route::Home | Route::NotFound => 0,
        Route::Approvals
        | Route::Approval { .. }
        | Route::NewApproval { .. }
        | Route::NewApprovalPicker => 1,
        Route::Tasks | Route::Task { .. } => 2,
        Route::Projects | Route::Project { .. } | Route::Gantt { .. } => 3,
        Route::Admin | Route::TemplateEditor { .. } => 4,
    };
    let current = section(&route);
    let mut tabs = vec![
        (Route::Home, "工作台"),
        (Route::Approvals, "审批"),
        (Route::Tasks, "任务"),
        (Route::Projects, "项目"),
    ];
    if me.is_some_and(|m| m.is_admin) {
        tabs.push((Route::Admin, "管理"));
    }
    html! {
        <nav class="tabbar" aria-label="主导航">
            { for tabs.into_iter().map(|(to, label)| {
                let class = if section(&to) == current { "tab active" } else { "tab" };
                html! { <Link<Route> {to} classes={classes!(class)}>{label}</Link<Route>> }
            }) }
        </nav>
    }
}
