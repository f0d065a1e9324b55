//! Planning as its own wasm bundle: the Gantt (and the project manager's planning pages to
//! come) weighs several KB that a site worker checking in never needs on the first page.
//! Same session, same tab bar; moving between bundles is an ordinary page load.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{SessionProvider, TabBar};
use crate::pages;

/// The planning bundle's pages (`api::Bundle::Plan`: the server answers them with
/// `plan.html`).
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum PlanRoute {
    /// A project's Gantt chart.
    #[at("/projects/:id/gantt")]
    Gantt {
        /// Project id.
        id: i64,
    },
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
        PlanRoute::Gantt { id } => html! { <pages::project::GanttPage {id} /> },
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
    // Every tab is in another bundle: plain links.
    let in_app = Callback::from(|_: usize| None);
    html! { <TabBar {in_app} {path} /> }
}
