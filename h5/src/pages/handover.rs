//! 离职交接: the open work of members who left (tasks, project roles, approval seats),
//! each with who should take it (the server suggests the leaver's leader; another can be
//! picked) and a button that hands it over and marks it done. The project manager's page
//! lists one project's (planning bundle), the admins' every project's (管理).

use api::{ProjectRole, ReassignmentKind as Kind, ReassignmentView, TaskUpdate};
use yew::prelude::*;

use super::header;
use crate::components::MemberPicker;
use crate::hooks::{empty, use_load, view_load};
use crate::http::Failure;
use crate::{services, text};

/// Props: whose work, one project's or (none) every project's.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The project; every project for admins when absent.
    #[prop_or_default]
    pub project: Option<i64>,
}

/// The hand-over list.
#[function_component(Handover)]
pub fn handover(props: &Props) -> Html {
    let open = use_load(services::handover::open(props.project));
    let done = open.reload.clone();
    html! {
        <main class="page">
            { header("离职交接", true) }
            <p class="meta">{"离职人员未完成的任务、项目角色和待审批事项，逐项指定接手人。"}</p>
            { view_load(&open, |list| {
                if list.is_empty() {
                    return empty("没有待交接的工作");
                }
                html! {
                    <ul class="list" id="handover-list">
                        { for list.iter().map(|r| html! {
                            <Item key={r.id} item={r.clone()} project={props.project} done={done.clone()} />
                        }) }
                    </ul>
                }
            }) }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    item: ReassignmentView,
    project: Option<i64>,
    done: Callback<()>,
}

/// Hands `r` to `to` through the route that owns it, then marks it done; with no `to`,
/// only marks it done.
async fn hand_over(
    project: Option<i64>,
    r: &ReassignmentView,
    to: Option<String>,
) -> Result<(), Failure> {
    let bad = || Failure::Api(api::ApiError::new(api::ErrorCode::BadRequest));
    let seat = match (r.kind, to) {
        (Kind::Task, Some(owner)) => {
            let task = r.item.parse().map_err(|_| bad())?;
            let update = TaskUpdate {
                owner: Some(owner),
                ..TaskUpdate::default()
            };
            services::tasks::update(task, &update).await?;
            None
        }
        (Kind::ProjectRole, Some(userid)) => {
            // The item is `{project}:{role}`.
            let (id, role) = r.item.split_once(':').ok_or_else(bad)?;
            let role = ProjectRole::from_code(role).ok_or_else(bad)?;
            services::projects::add_member(id.parse().map_err(|_| bad())?, &userid, role).await?;
            None
        }
        (_, to) => to,
    };
    services::handover::resolve(project, r.id, seat).await?;
    Ok(())
}

#[function_component(Item)]
fn item(props: &ItemProps) -> Html {
    let r = &props.item;
    let to = use_state(|| r.suggested.clone().map(|p| (p.userid, p.name)));
    let picking = use_state(|| false);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let act = |give: bool| {
        let (to, message, busy, done) = (
            to.clone(),
            message.clone(),
            busy.clone(),
            props.done.clone(),
        );
        let (project, r) = (props.project, r.clone());
        Callback::from(move |_: MouseEvent| {
            let to = if give {
                to.as_ref().map(|(userid, _)| userid.clone())
            } else {
                None
            };
            let (message, busy, done, r) = (message.clone(), busy.clone(), done.clone(), r.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = hand_over(project, &r, to).await;
                busy.set(false);
                match result {
                    Ok(()) => done.emit(()),
                    Err(f) => message.set(Some(f.text())),
                }
            });
        })
    };
    let onpick = {
        let (to, picking) = (to.clone(), picking.clone());
        Callback::from(move |ids: Vec<String>| {
            if let Some(id) = ids.into_iter().next() {
                to.set(Some((id.clone(), id)));
                picking.set(false);
            }
        })
    };
    let toggle = {
        let picking = picking.clone();
        Callback::from(move |_: MouseEvent| picking.set(!*picking))
    };
    let taker = to.as_ref().map_or("未选择", |(_, name)| name.as_str());
    html! {
        <li class="edit-row handover" data-kind={r.kind.code()}>
            <p><b>{&r.detail}</b>{" "}<span class="badge">{r.kind.label()}</span></p>
            <p class="meta">{format!("离职：{} · {}", r.leaver.name, text::time_of_ms(r.flagged_at_ms))}</p>
            <div class="inline">
                <span>{"接手人："}<b class="taker">{taker}</b></span>
                <button type="button" class="btn small pick-taker" onclick={toggle}>{ if *picking { "收起" } else { "更换" } }</button>
            </div>
            if *picking { <MemberPicker single=true {onpick} /> }
            <div class="buttons">
                <button type="button" class="btn primary hand-over" disabled={*busy || to.is_none()} onclick={act(true)}>{"交接"}</button>
                <button type="button" class="btn mark-done" disabled={*busy} onclick={act(false)}>{"仅标记已交接"}</button>
            </div>
            { for message.as_ref().map(|m| html! { <p class="notice" role="alert">{m}</p> }) }
        </li>
    }
}
