//! 项目成员 (planning bundle): add a member with a role, change a role, remove one. Who
//! may is the server's call; its refusal (say, removing the last 项目经理) is shown as
//! it words it.

use std::future::Future;
use std::pin::Pin;

use api::{ProjectAction, ProjectMemberView, ProjectRole};
use yew::prelude::*;

use super::{header, input_value};
use crate::components::MemberPicker;
use crate::hooks::{Load, empty, use_load, view_load};
use crate::http::Failure;
use crate::ledger::role_change;
use crate::services;

/// One change to send: what to say when it worked, and the requests.
type Change = (String, Pin<Box<dyn Future<Output = Result<(), Failure>>>>);

/// Props: the project id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Project id.
    pub id: i64,
}

/// What the last change did, for the line under the list.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Done(String),
    Refused(String),
}

/// The members page.
#[function_component(ProjectMembers)]
pub fn project_members(props: &Props) -> Html {
    let id = props.id;
    let project = use_load(services::projects::get(id));
    let members = use_load(services::projects::members(id));
    let said = use_state(|| None::<Said>);
    let busy = use_state(|| false);
    let picked = use_state(|| None::<String>);
    let new_role = use_state(|| ProjectRole::Engineer);
    // Bumped after every change: the rows are drawn afresh, so a select whose change was
    // refused shows the role actually held again.
    let round = use_state(|| 0u32);

    // Runs one change, then reloads the list and says how it went.
    let run = {
        let (said, busy, round) = (said.clone(), busy.clone(), round.clone());
        let reload = members.reload.clone();
        Callback::from(move |(done, change): Change| {
            let (said, busy, reload, round) =
                (said.clone(), busy.clone(), reload.clone(), round.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = change.await;
                busy.set(false);
                said.set(Some(match outcome {
                    Ok(()) => Said::Done(done),
                    Err(failure) => Said::Refused(failure.text()),
                }));
                round.set(round.wrapping_add(1));
                reload.emit(());
            });
        })
    };

    let add = {
        let (run, picked, new_role) = (run.clone(), picked.clone(), new_role.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(userid) = (*picked).clone() else {
                return;
            };
            let role = *new_role;
            picked.set(None);
            run.emit((
                format!("已添加 {userid}（{}）", role.label()),
                Box::pin(async move { services::projects::add_member(id, &userid, role).await }),
            ));
        })
    };
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |ids: Vec<String>| picked.set(ids.into_iter().next()))
    };
    let on_new_role = {
        let new_role = new_role.clone();
        Callback::from(move |e: Event| {
            if let Some(role) = ProjectRole::from_code(&input_value(&e)) {
                new_role.set(role);
            }
        })
    };

    // What the server says the viewer may do (it refuses anything else anyway).
    let allowed = match &project.state {
        Load::Ready(p) => p.can.contains(&ProjectAction::ManageMembers),
        _ => false,
    };
    let list = view_load(&members, |list| {
        if list.is_empty() {
            return empty("还没有成员");
        }
        html! {
            <ul class="list" id="member-list">
                { for list.iter().map(|m| member_row(id, m, list, &run, *busy, *round, allowed)) }
            </ul>
        }
    });
    html! {
        <main class="page">
            { header("项目成员", true) }
            { view_load(&project, |p| html! { <p class="meta">{format!("{} · {}", p.code, p.name)}</p> }) }
            { list }
            { for said.as_ref().map(|s| match s {
                Said::Done(text) => html! { <p class="meta" id="members-message" role="status">{text}</p> },
                Said::Refused(text) => html! { <p class="notice" id="members-message" role="alert">{text}</p> },
            }) }
            if allowed {
                <section class="card form" id="add-member-form">
                    <h2>{"添加成员"}</h2>
                    <div class="field">
                        <label for="new-role">{"角色"}</label>
                        <select id="new-role" onchange={on_new_role}>
                            { for ProjectRole::ALL.iter().map(|&r| html! {
                                <option value={r.code()} selected={*new_role == r}>{r.label()}</option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label>{"成员"}</label>
                        <p class="chosen" id="new-member">{ (*picked).clone().unwrap_or_else(|| "未选择".to_owned()) }</p>
                        <MemberPicker single=true onpick={on_pick} />
                    </div>
                    <button id="add-member" class="btn primary block" disabled={picked.is_none() || *busy} onclick={add}>{"添加"}</button>
                </section>
            } else if matches!(project.state, Load::Ready(_)) {
                <p class="meta">{"只有项目经理和管理员可以调整成员"}</p>
            }
        </main>
    }
}

/// One member's role: a select that changes it and a button that removes it.
fn member_row(
    id: i64,
    m: &ProjectMemberView,
    all: &[ProjectMemberView],
    run: &Callback<Change>,
    busy: bool,
    round: u32,
    allowed: bool,
) -> Html {
    let held: Vec<ProjectRole> = all
        .iter()
        .filter(|o| o.userid == m.userid)
        .map(|o| o.role)
        .collect();
    let (from, userid, name) = (m.role, m.userid.clone(), m.name.clone());
    let change = {
        let (run, userid, name) = (run.clone(), userid.clone(), name.clone());
        Callback::from(move |e: Event| {
            let Some(to) = ProjectRole::from_code(&input_value(&e)) else {
                return;
            };
            let plan = role_change(&held, from, to);
            if !plan.remove {
                return;
            }
            let userid = userid.clone();
            run.emit((
                format!("{name} 的角色已改为{}", to.label()),
                Box::pin(async move {
                    if plan.add {
                        services::projects::add_member(id, &userid, to).await?;
                    }
                    let removed = services::projects::remove_member(id, &userid, from).await;
                    if removed.is_err() && plan.add {
                        // Refused (the last 项目经理): back to what they held.
                        let _ = services::projects::remove_member(id, &userid, to).await;
                    }
                    removed
                }),
            ));
        })
    };
    let remove = {
        let (run, userid, name) = (run.clone(), userid.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            let userid = userid.clone();
            run.emit((
                format!("已移除 {name}（{}）", from.label()),
                Box::pin(async move { services::projects::remove_member(id, &userid, from).await }),
            ));
        })
    };
    let key = format!("{}/{}", m.userid, m.role.code());
    let left = if m.left { " （已离职）" } else { "" };
    if !allowed {
        return html! {
            <li key={key.clone()} class="row" data-member={key}>
                <span class="title">{&m.name}{left}</span>
                <span class="meta">{m.role.label()}</span>
            </li>
        };
    }
    html! {
        <li key={format!("{key}#{round}")} class="row edit-row" data-member={key}>
            <span class="title">{&m.name}{left}</span>
            <div class="inline">
                <select class="role" aria-label="角色" disabled={busy} onchange={change}>
                    { for ProjectRole::ALL.iter().map(|&r| html! {
                        <option value={r.code()} selected={r == m.role}>{r.label()}</option>
                    }) }
                </select>
                <button type="button" class="btn small danger remove" disabled={busy} onclick={remove}>{"移除"}</button>
            </div>
        </li>
    }
}
