//! 管理 as its own wasm bundle: admins are few, and the editor and queues they use would
//! otherwise weigh on every site worker's first page. Same session, same tab bar; moving
//! between the two bundles is an ordinary page load.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{SessionProvider, TabBar};
use crate::pages;

/// The admin bundle's pages.
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum AdminRoute {
    /// 管理.
    #[at("/admin")]
    Admin,
    /// 审计日志.
    #[at("/admin/audit")]
    AuditLog,
    /// An approval template's editor (`new` for a new one).
    #[at("/admin/templates/:code")]
    TemplateEditor {
        /// Template code.
        code: String,
    },
    /// 离职交接: every project's leavers' work.
    #[at("/admin/handover")]
    Handover,
    /// Anything else under /admin.
    #[not_found]
    #[at("/admin/404")]
    NotFound,
}

/// The admin app.
#[function_component(AdminApp)]
pub fn admin_app() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Switch<AdminRoute> render={switch} />
                <AdminTabs />
            </SessionProvider>
        </BrowserRouter>
    }
}

fn switch(route: AdminRoute) -> Html {
    match route {
        AdminRoute::Admin => pages::admin::admin(),
        AdminRoute::AuditLog => html! { <pages::audit_log::AuditLog /> },
        AdminRoute::TemplateEditor { code } => {
            html! { <pages::template_editor::TemplateEditor {code} /> }
        }
        AdminRoute::Handover => html! { <pages::handover::Handover /> },
        AdminRoute::NotFound => html! {
            <main class="page"><div class="state empty">{"页面不存在"}</div></main>
        },
    }
}

#[function_component(AdminTabs)]
fn admin_tabs() -> Html {
    let path = use_location()
        .map(|l| l.path().to_owned())
        .unwrap_or_default();
    let in_app = Callback::from(move |i: usize| {
        (i == 4).then(|| html! { <Link<AdminRoute> to={AdminRoute::Admin} classes="tab active">{"管理"}</Link<AdminRoute>> })
    });
    html! { <TabBar {in_app} {path} /> }
}
