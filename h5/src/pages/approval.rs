//! One approval: the form, the flow with each seat's state, the timeline, and the actions
//! the viewer may take (the server says which, in `can`).

use std::rc::Rc;

use api::{
    ApprovalAction, ApprovalActionKind as Can, ApprovalDetail, ApprovalStatus, FieldType,
    FieldValue,
};
use serde_json::Value;
use yew::prelude::*;

use super::{header, input_value};
use crate::components::MemberPicker;
use crate::hooks::{use_load, view_load};
use crate::{services, text};

/// Props: the instance id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Instance id.
    pub id: i64,
}

/// The approval detail page.
#[function_component(ApprovalPage)]
pub fn approval_page(props: &Props) -> Html {
    let detail = use_load(services::approvals::detail(props.id));
    let reload = detail.reload.clone();
    // A returned request is fixed in place: the submit form, filled with what was sent.
    let fixing = use_state(|| false);
    let (fix, sent) = {
        let (fixing, again) = (fixing.clone(), fixing.clone());
        let reload = reload.clone();
        (
            Callback::from(move |_: MouseEvent| fixing.set(true)),
            Callback::from(move |()| {
                again.set(false);
                reload.emit(());
            }),
        )
    };
    html! {
        <main class="page">
            { view_load(&detail, |d| if *fixing {
                super::submit::resubmit(d, sent.clone())
            } else {
                html! {
                    <>
                        { header("审批详情", true) }
                        { summary(d) }
                        if d.resubmit_form.is_some() {
                            <button id="resubmit" class="btn primary block" onclick={fix.clone()}>{"修改后重新提交"}</button>
                        }
                        <Actions detail={Rc::clone(d)} done={reload.clone()} />
                    </>
                }
            }) }
        </main>
    }
}

/// The form, the flow and the timeline (no state of its own, so a plain function).
fn summary(d: &ApprovalDetail) -> Html {
    html! {
        <>
            <section class="card">
                <h2>{&d.title}</h2>
                <p class="meta">
                    {format!("{} · ", d.template_name)}
                    <span id="approval-status" class={classes!("badge", d.status.code())}>{d.status.label()}</span>
                </p>
                <dl class="fields">
                    { for d.fields.iter().map(|f| field(d.id, f)) }
                </dl>
            </section>
            <section class="card">
                <h3>{"审批流程"}</h3>
                <ol class="steps">
                    { for d.steps.iter().enumerate().map(|(i, s)| {
                        let class = if i == d.current && d.status == ApprovalStatus::Pending { "step current" } else { "step" };
                        html! {
                            <li {class}>
                                <b>{&s.name}</b>
                                { for s.mode.map(|m| html!{ <span class="meta">{format!(" {}", m.label())}</span> }) }
                                <ul>
                                    { for s.seats.iter().map(|seat| html! {
                                        <li>{format!("{} · {}", seat.name, seat.state.label())}</li>
                                    }) }
                                </ul>
                            </li>
                        }
                    }) }
                </ol>
            </section>
            <section class="card">
                <h3>{"流转记录"}</h3>
                <ul class="timeline">
                    { for d.timeline.iter().map(|e| html! {
                        <li>
                            <span class="meta">{text::time_of_ms(e.at_ms)}</span>
                            {format!(" {} {}", e.actor_name, e.kind.label())}
                            { for e.comment.as_ref().map(|c| html!{ <p class="comment">{c}</p> }) }
                        </li>
                    }) }
                </ul>
            </section>
        </>
    }
}

fn field(approval: i64, f: &FieldValue) -> Html {
    match (f.kind, &f.value) {
        (FieldType::Project, Value::Number(n)) => {
            if let Some(id) = n.as_i64() {
                return html! { <><dt>{&f.label}</dt><dd><ProjectName {id} /></dd></> };
            }
        }
        (FieldType::Attachments, Value::Array(items)) => {
            let thumbs = items.iter().filter_map(Value::as_str).map(|key| {
                if key.starts_with("sha256:") {
                    let src = services::approvals::attachment_url(approval, key);
                    html! { <a href={src.clone()} target="_blank"><img src={src} loading="lazy" alt="附件照片" /></a> }
                } else {
                    html! { <span class="meta">{"企业微信附件"}</span> }
                }
            });
            return html! { <><dt>{&f.label}</dt><dd class="thumbs">{ for thumbs }</dd></> };
        }
        _ => {}
    }
    let shown = match (f.kind, &f.value) {
        (FieldType::Money | FieldType::Total, Value::Number(n)) => n
            .as_i64()
            .map(|fen| format!("{} 元", text::yuan(fen)))
            .unwrap_or_default(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => "—".to_owned(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect::<Vec<_>>()
            .join("、"),
        (_, other) => other.to_string(),
    };
    html! { <><dt>{&f.label}</dt><dd>{shown}</dd></> }
}

#[derive(Properties, PartialEq)]
struct ProjectNameProps {
    id: i64,
}

/// A project field shown by code and name rather than its id.
#[function_component(ProjectName)]
fn project_name(props: &ProjectNameProps) -> Html {
    let project = use_load(services::projects::get(props.id));
    match &project.state {
        crate::hooks::Load::Ready(p) => html! { <>{format!("{} {}", p.code, p.name)}</> },
        _ => html! { <>{format!("项目 #{}", props.id)}</> },
    }
}

#[derive(Properties, PartialEq)]
struct ActionProps {
    detail: Rc<ApprovalDetail>,
    done: Callback<()>,
}

/// Which form is open below the buttons.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    None,
    Reject,
    Transfer,
    AddSigner,
}

#[function_component(Actions)]
fn actions(props: &ActionProps) -> Html {
    let comment = use_state(String::new);
    let open = use_state(|| Open::None);
    let busy = use_state(|| false);
    let message = use_state(|| None::<String>);
    let can = |a: Can| props.detail.can.contains(&a);
    let act = {
        let (busy, message, done, id) = (
            busy.clone(),
            message.clone(),
            props.done.clone(),
            props.detail.id,
        );
        Callback::from(move |action: ApprovalAction| {
            let (busy, message, done) = (busy.clone(), message.clone(), done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = services::approvals::act(id, &action).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        message.set(Some("已提交".to_owned()));
                        done.emit(());
                    }
                    Err(failure) => message.set(Some(failure.text())),
                }
            });
        })
    };
    let text_of = |s: &UseStateHandle<String>| {
        let t = s.trim().to_owned();
        (!t.is_empty()).then_some(t)
    };
    let button = |which: Can, class: &'static str, onclick: Callback<MouseEvent>| {
        html! { <button id={format!("act-{}", which.code())} class={classes!("btn", class)} disabled={*busy} {onclick}>{which.label()}</button> }
    };
    let on_comment = {
        let comment = comment.clone();
        Callback::from(move |e: InputEvent| comment.set(input_value(&e)))
    };
    let mut buttons = Vec::new();
    if can(Can::Approve) {
        let (act, c) = (act.clone(), text_of(&comment));
        buttons.push(button(
            Can::Approve,
            "primary",
            Callback::from(move |_| act.emit(ApprovalAction::Approve { comment: c.clone() })),
        ));
    }
    let toggle = |which: Open| {
        let open = open.clone();
        Callback::from(move |_| open.set(if *open == which { Open::None } else { which }))
    };
    if can(Can::Reject) {
        buttons.push(button(Can::Reject, "danger", toggle(Open::Reject)));
    }
    if can(Can::Transfer) {
        buttons.push(button(Can::Transfer, "", toggle(Open::Transfer)));
    }
    if can(Can::AddSigner) {
        buttons.push(button(Can::AddSigner, "", toggle(Open::AddSigner)));
    }
    if can(Can::Withdraw) {
        let act = act.clone();
        buttons.push(button(
            Can::Withdraw,
            "",
            Callback::from(move |_| act.emit(ApprovalAction::Withdraw)),
        ));
    }
    if can(Can::Remind) {
        let act = act.clone();
        buttons.push(button(
            Can::Remind,
            "",
            Callback::from(move |_| act.emit(ApprovalAction::Remind)),
        ));
    }
    if can(Can::Comment) {
        let (act, c) = (act.clone(), text_of(&comment));
        buttons.push(button(
            Can::Comment,
            "",
            Callback::from(move |_| {
                if let Some(text) = c.clone() {
                    act.emit(ApprovalAction::Comment {
                        text,
                        attachments: Vec::new(),
                    });
                }
            }),
        ));
    }
    if buttons.is_empty() {
        return html! {};
    }
    let panel = match *open {
        Open::None => html! {},
        Open::Reject => {
            let (act, reason) = (act.clone(), text_of(&comment));
            let confirm = Callback::from(move |_: MouseEvent| {
                act.emit(ApprovalAction::Reject {
                    reason: reason.clone(),
                    to_step: None,
                    end: false,
                });
            });
            html! {
                <div class="panel">
                    <p class="meta">{"驳回后退回发起人修改；理由写在上方意见框中。"}</p>
                    <button id="confirm-reject" class="btn danger block" disabled={*busy || text_of(&comment).is_none()} onclick={confirm}>{"确认驳回"}</button>
                </div>
            }
        }
        Open::Transfer | Open::AddSigner => {
            let which = *open;
            let (act, c) = (act.clone(), text_of(&comment));
            let chosen = Callback::from(move |userids: Vec<String>| {
                let Some(who) = userids.into_iter().next() else {
                    return;
                };
                act.emit(match which {
                    Open::Transfer => ApprovalAction::Transfer {
                        to: who,
                        comment: c.clone(),
                    },
                    _ => ApprovalAction::AddSigner {
                        who,
                        before: false,
                        comment: c.clone(),
                    },
                });
            });
            html! { <div class="panel"><MemberPicker single=true onpick={chosen} /></div> }
        }
    };
    html! {
        <section class="card actions">
            <textarea id="approval-comment" maxlength={api::limits::COMMENT_CHARS.to_string()} placeholder="审批意见（驳回时必填）" rows="2"
                value={(*comment).clone()} oninput={on_comment} />
            <div class="buttons">{ for buttons }</div>
            { panel }
            { for message.as_ref().map(|m| html!{ <p class="notice" role="status">{m}</p> }) }
        </section>
    }
}
