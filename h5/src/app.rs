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
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The signed-in member, shared with every page.
pub type Session = Rc<Me>;

/// The field app: everything but 管理, which is its own bundle (see [`crate::admin_app`]).
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Switch<Route> render={switch} />
                <MainTabs />
            </SessionProvider>
        </BrowserRouter>
    }
}

/// Props of [`SessionProvider`].
#[derive(Properties, PartialEq)]
pub struct SessionProps {
    /// The pages.
    pub children: Html,
}

/// Pages render at once; who is signed in arrives alongside their own data (one round
/// trip saved on a slow network). A lapsed session sends the browser through login.
#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProps) -> Html {
    // Fixed before any navigation: iOS signs this URL for the whole visit.
    use_state(entry_url);
    let me = use_load(crate::services::me::me());
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
        Load::Failed(failure) => Some(failure.clone()),
        _ => None,
    };
    {
        // A dropped network at start must not leave the app without a session (no CSRF
        // token, no queue flushing): ask again every few seconds until it answers.
        let reload = me.reload.clone();
        let retry = failed.as_ref().is_some_and(crate::http::Failure::retryable);
        use_effect_with(retry, move |retry| {
            let timer =
                retry.then(|| gloo::timers::callback::Timeout::new(3_000, move || reload.emit(())));
            move || drop(timer)
        });
    }
    let refused = use_state(crate::pending::refused);
    let dismiss = {
        let refused = refused.clone();
        Callback::from(move |_: MouseEvent| {
            crate::pending::clear_refused();
            refused.set(Vec::new());
        })
    };
    html! {
        <ContextProvider<Option<Session>> context={session}>
            { for failed.map(|f| html! { <div class="state error" role="alert">{f.text()}</div> }) }
            if !refused.is_empty() {
                <div class="card notice" role="alert">
                    <p>{format!("{} 条离线提交未被接受：", refused.len())}</p>
                    <ul>{ for refused.iter().map(|r| html! { <li>{format!("{}：{}", r.label, r.reason)}</li> }) }</ul>
                    <button class="btn" onclick={dismiss}>{"知道了"}</button>
                </div>
            }
            { props.children.clone() }
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
        Route::NotFound => html! {
            <main class="page"><div class="state empty">{"页面不存在"}</div></main>
        },
    }
}

/// The tab bar's sections: (path, label).
const SECTIONS: [(&str, &str); 5] = [
    ("/", "工作台"),
    ("/approvals", "审批"),
    ("/tasks", "任务"),
    ("/projects", "项目"),
    ("/admin", "管理"),
];

/// The section a path belongs to.
pub fn section_of(path: &str) -> usize {
    SECTIONS
        .iter()
        .rposition(|(p, _)| *p != "/" && (path == *p || path.starts_with(&format!("{p}/"))))
        .unwrap_or(0)
}

/// Props of [`TabBar`].
#[derive(Properties, PartialEq)]
pub struct TabBarProps {
    /// Tabs that switch pages without reloading (the rest load their own bundle).
    pub in_app: Callback<usize, Option<Html>>,
    /// The current path.
    pub path: String,
}

/// The tab bar; 管理 only for admins.
#[function_component(TabBar)]
pub fn tab_bar(props: &TabBarProps) -> Html {
    let me = use_context::<Option<Session>>().flatten();
    let admin = me.is_some_and(|m| m.is_admin);
    let current = section_of(&props.path);
    html! {
        <nav class="tabbar" aria-label="主导航">
            { for SECTIONS.iter().enumerate().filter(|(i, _)| *i < 4 || admin).map(|(i, (path, label))| {
                let class = if i == current { "tab active" } else { "tab" };
                props.in_app.emit(i).unwrap_or_else(|| html! { <a {class} href={*path}>{*label}</a> })
            }) }
        </nav>
    }
}

#[function_component(MainTabs)]
fn main_tabs() -> Html {
    let path = use_location()
        .map(|l| l.path().to_owned())
        .unwrap_or_default();
    let current = section_of(&path);
    let in_app = Callback::from(move |i: usize| {
        let to = match i {
            0 => Route::Home,
            1 => Route::Approvals,
            2 => Route::Tasks,
            _ => return None,
        };
        let class = if i == current { "tab active" } else { "tab" };
        Some(html! { <Link<Route> {to} classes={classes!(class)}>{SECTIONS[i].1}</Link<Route>> })
    });
    html! { <TabBar {in_app} {path} /> }
}

#[cfg(test)]
mod tests {
    use super::section_of;

    #[test]
    fn paths_light_up_their_tab() {
        assert_eq!(section_of("/"), 0);
        assert_eq!(section_of("/approvals/12"), 1);
        assert_eq!(section_of("/approvals/new/purchase"), 1);
        assert_eq!(section_of("/tasks"), 2);
        assert_eq!(section_of("/projects/3/gantt"), 3);
        assert_eq!(section_of("/admin/templates/leave"), 4);
        assert_eq!(section_of("/administrator"), 0);
        assert_eq!(section_of("/nowhere"), 0);
    }
}
