//! 审批: four lists in tabs, newest first, with "load more".

use std::rc::Rc;

use api::{ApprovalList, ApprovalPage, ApprovalSummary};
use yew::prelude::*;
use yew_router::prelude::*;

use super::header;
use crate::app::Route;
use crate::hooks::{empty, use_load, view_load};
use crate::{services, text};

/// The tabs, in the order people use them.
const TABS: [ApprovalList; 4] = [
    ApprovalList::Pending,
    ApprovalList::Mine,
    ApprovalList::Done,
    ApprovalList::Cc,
];

/// The approval lists.
#[function_component(Approvals)]
pub fn approvals() -> Html {
    let tab = use_state(|| ApprovalList::Pending);
    let before = use_state(|| None::<i64>);
    let earlier = use_state(Vec::<ApprovalSummary>::new);
    let page = use_load(services::approvals::list(*tab, *before));
    let tabs = TABS.iter().map(|&code| {
        let label = code.label();
        let onclick = {
            let (tab, before, earlier) = (tab.clone(), before.clone(), earlier.clone());
            Callback::from(move |_: MouseEvent| {
                tab.set(code);
                before.set(None);
                earlier.set(Vec::new());
            })
        };
        let class = if *tab == code { "seg active" } else { "seg" };
        html! { <button {class} {onclick} role="tab" aria-selected={(*tab == code).to_string()}>{label}</button> }
    });
    html! {
        <main class="page">
            { header("审批", false) }
            <div class="segments" role="tablist">{ for tabs }</div>
            <Link<Route> to={Route::NewApprovalPicker} classes="btn primary block">{"发起审批"}</Link<Route>>
            // The planning bundle's page: a page load.
            <a href="/approvals/delegation" class="btn block" id="delegation-link">{"外出委托"}</a>
            { view_load(&page, |p: &Rc<ApprovalPage>| {
                let shown: Vec<&ApprovalSummary> = earlier.iter().chain(p.items.iter()).collect();
                if shown.is_empty() {
                    return empty("暂无审批");
                }
                let more = p.next_before.map(|next| {
                    let (before, earlier, items) = (before.clone(), earlier.clone(), p.items.clone());
                    let onclick = Callback::from(move |_: MouseEvent| {
                        let mut kept = (*earlier).clone();
                        kept.extend(items.iter().cloned());
                        earlier.set(kept);
                        before.set(Some(next));
                    });
                    html! { <button class="btn block" {onclick}>{"加载更多"}</button> }
                });
                html! {
                    <>
                        <ul class="list" id="approval-list">
                            { for shown.into_iter().map(row) }
                        </ul>
                        { for more }
                    </>
                }
            }) }
        </main>
    }
}

fn row(a: &ApprovalSummary) -> Html {
    html! {
        <li key={a.id}>
            <Link<Route> to={Route::Approval { id: a.id }} classes="row">
                <span class="title">{&a.title}</span>
                <span class={classes!("badge", a.status.code())}>{a.status.label()}</span>
                <span class="meta">{format!("{} · {}", a.initiator, text::time_of_ms(a.submitted_at_ms))}</span>
            </Link<Route>>
        </li>
    }
}
