//! 发起审批: pick a template, fill in the form its schema describes, submit. The form is
//! kept as a draft while typed, and a submission without network waits in the queue.
//! A request sent back to its initiator is fixed and resubmitted in the same form
//! ([`resubmit`]), filled with what was sent.

use std::collections::BTreeMap;

use std::rc::Rc;

use api::{ApprovalDetail, ApprovalForm, FieldType, FormField, SubmitApproval};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{header, input_value};
use crate::app::Route;
use crate::components::{DepartmentPicker, MemberPicker, PhotoPicker, Photos};
use crate::form::{self, Entry, entry_of, value_of};
use crate::hooks::{empty, use_load, view_load};
use crate::pending::{self, Outcome};
use crate::services;

/// The templates a member may start.
#[function_component(TemplatePicker)]
pub fn template_picker() -> Html {
    let forms = use_load(services::approvals::forms());
    html! {
        <main class="page">
            { header("发起审批", true) }
            { view_load(&forms, |list| {
                let enabled: Vec<_> = list.iter().collect();
                if enabled.is_empty() {
                    return empty("暂无可用的审批模板");
                }
                html! {
                    <ul class="list">
                        { for enabled.into_iter().map(|t| html! {
                            <li key={t.code.clone()}>
                                <Link<Route> to={Route::NewApproval { template: t.code.clone() }} classes="row">
                                    <span class="title">{&t.name}</span>
                                </Link<Route>>
                            </li>
                        }) }
                    </ul>
                }
            }) }
        </main>
    }
}

/// Props: the template code.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Template code.
    pub template: String,
}

/// The form of one template.
#[function_component(Submit)]
pub fn submit(props: &Props) -> Html {
    let forms = use_load(services::approvals::forms());
    let code = props.template.clone();
    html! {
        <main class="page">
            { view_load(&forms, |list| {
                match list.iter().find(|t| t.code == code) {
                    Some(t) => html! { <FormView form={Rc::new(t.clone())} /> },
                    None => empty("审批模板不存在或已停用"),
                }
            }) }
        </main>
    }
}

/// 修改后重新提交: a returned request's form, filled with what was sent and whom the
/// initiator picked, resubmitted as the same request; `done` once it is sent. A plain
/// function the detail page calls (it has the detail loaded already).
pub fn resubmit(d: &ApprovalDetail, done: Callback<()>) -> Html {
    let Some(form) = &d.resubmit_form else {
        return empty("该审批现在不能重新提交");
    };
    // Filled in with `insert` and `entry`, which the form uses anyway: collecting into a
    // map would add a sort to the field app's wasm.
    let mut entries = Entries::new();
    for f in &form.fields {
        if let Some(sent) = d.fields.iter().find(|v| v.key == f.key) {
            entries.insert(f.key.clone(), entry_of(f, &sent.value));
        }
    }
    // 自选 picks as the flow shows them (a step is named after its node).
    let mut chosen = Picks::new();
    for n in &form.chosen {
        if let Some(step) = d.steps.iter().find(|s| s.name == n.name) {
            let picked = chosen.entry(n.id.clone()).or_default();
            picked.extend(step.seats.iter().map(|s| s.userid.clone()));
        }
    }
    let prefill = Prefill {
        id: d.id,
        entries,
        chosen,
        done,
        // Why it came back: the latest word in the timeline (the rejection's reason).
        why: d.timeline.iter().rev().find_map(|e| e.comment.clone()),
    };
    html! { <FormView form={Rc::new(form.clone())} resubmit={prefill} /> }
}

type Entries = BTreeMap<String, Entry>;
type Picks = BTreeMap<String, Vec<String>>;

/// A returned request to resubmit: its id, what was sent, and who hears it went.
#[derive(Clone)]
struct Prefill {
    id: i64,
    entries: Entries,
    chosen: Picks,
    done: Callback<()>,
    why: Option<String>,
}

/// The same request is the same prefill: what was sent only seeds the form's state.
impl PartialEq for Prefill {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.done == other.done
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    form: Rc<ApprovalForm>,
    /// Resubmitting this returned request instead of starting a new one.
    #[prop_or_default]
    resubmit: Option<Prefill>,
}

#[function_component(FormView)]
fn form_view(props: &FormProps) -> Html {
    let again = props.resubmit.clone();
    let draft_name = match &again {
        Some(p) => format!("resubmit.{}", p.id),
        None => format!("approval.{}", props.form.code),
    };
    let entries = {
        let (draft_name, again) = (draft_name.clone(), again.clone());
        use_state(move || {
            pending::draft::<Entries>(&draft_name)
                .or_else(|| again.map(|p| p.entries))
                .unwrap_or_default()
        })
    };
    let chosen = {
        let picks = props.resubmit.as_ref().map(|p| p.chosen.clone());
        use_state(move || picks.unwrap_or_default())
    };
    let problem = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let navigator = use_navigator();
    let set = {
        let (entries, draft_name) = (entries.clone(), draft_name.clone());
        Callback::from(move |(key, entry): (String, Entry)| {
            let mut next = (*entries).clone();
            next.insert(key, entry);
            pending::keep_draft(&draft_name, &next);
            entries.set(next);
        })
    };
    let onsubmit = {
        let (entries, problem, busy, form_def) = (
            entries.clone(),
            problem.clone(),
            busy.clone(),
            props.form.clone(),
        );
        let chosen = chosen.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(node) = form_def
                .chosen
                .iter()
                .find(|n| chosen.get(&n.id).is_none_or(Vec::is_empty))
            {
                problem.set(Some(format!("请选择「{}」的审批人", node.name)));
                return;
            }
            let mut form = BTreeMap::new();
            for field in &form_def.fields {
                let entry = entries.get(&field.key).cloned().unwrap_or_default();
                match value_of(field, &entry) {
                    Ok(Some(value)) => {
                        form.insert(field.key.clone(), value);
                    }
                    Ok(None) => {}
                    Err(why) => {
                        problem.set(Some(why));
                        return;
                    }
                }
            }
            let body = SubmitApproval {
                template: form_def.code.clone(),
                form,
                chosen: (*chosen).clone(),
            };
            let Ok(mut body) = serde_json::to_value(&body) else {
                return;
            };
            let (again, name) = (again.clone(), &form_def.name);
            let label = match &again {
                // The same form and picks, as the resubmit action (`ApprovalAction`).
                Some(_) => {
                    if let Some(fields) = body.as_object_mut() {
                        fields.remove("template");
                    }
                    body["action"] = "resubmit".into();
                    format!("重新提交：{name}")
                }
                None => format!("发起审批：{name}"),
            };
            let (problem, busy, navigator, draft_name) = (
                problem.clone(),
                busy.clone(),
                navigator.clone(),
                draft_name.clone(),
            );
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome =
                    services::approvals::submit(&label, again.as_ref().map(|p| p.id), body).await;
                busy.set(false);
                match outcome {
                    Outcome::Sent(sent) => {
                        pending::drop_draft(&draft_name);
                        match (again, navigator, sent["id"].as_i64()) {
                            (Some(p), ..) => p.done.emit(()),
                            (None, Some(nav), Some(id)) => nav.replace(&Route::Approval { id }),
                            _ => {}
                        }
                    }
                    Outcome::Queued => {
                        pending::drop_draft(&draft_name);
                        problem.set(Some(
                            "暂时无法提交（网络或服务不可用），已保存，恢复后自动提交".to_owned(),
                        ));
                    }
                    Outcome::Refused(failure) => problem.set(Some(failure.text())),
                }
            });
        })
    };
    html! {
        <>
            { header(props.form.name.clone(), true) }
            { for props.resubmit.as_ref().and_then(|p| p.why.as_ref()).map(|why| html! {
                <p class="notice" id="returned-why">{format!("退回意见：{why}")}</p>
            }) }
            <form class="card form" {onsubmit} novalidate=true>
                { for props.form.fields.iter().map(|f| {
                    let entry = entries.get(&f.key).cloned().unwrap_or_default();
                    html! { <FieldInput key={f.key.clone()} field={f.clone()} {entry} onchange={set.clone()} /> }
                }) }
                { for props.form.chosen.iter().map(|n| {
                    let (id, node) = (&n.id, &n.name);
                    let picked = chosen.get(id).cloned().unwrap_or_default();
                    let (chosen, id2, max) = (chosen.clone(), id.clone(), usize::from(n.max));
                    let onpick = Callback::from(move |ids: Vec<String>| {
                        let mut next = (*chosen).clone();
                        let list = next.entry(id2.clone()).or_default();
                        for userid in ids {
                            if !list.contains(&userid) && list.len() < max {
                                list.push(userid);
                            }
                        }
                        chosen.set(next);
                    });
                    html! {
                        <div class="field" key={id.clone()}>
                            <label>{format!("{node}（自选审批人，最多 {} 人）", n.max)}<span class="req">{" *"}</span></label>
                            <p class="chosen">{ if picked.is_empty() { "未选择".to_owned() } else { picked.join("、") } }</p>
                            <MemberPicker {onpick} />
                        </div>
                    }
                }) }
                { for problem.as_ref().map(|p| html!{ <p class="notice" role="alert" id="form-problem">{p}</p> }) }
                <button id="submit-approval" class="btn primary block" type="submit" disabled={*busy}>
                    { match (*busy, props.resubmit.is_some()) {
                        (true, _) => "提交中…",
                        (false, true) => "重新提交",
                        (false, false) => "提交",
                    } }
                </button>
            </form>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    field: FormField,
    entry: Entry,
    onchange: Callback<(String, Entry)>,
}

#[function_component(FieldInput)]
fn field_input(props: &FieldProps) -> Html {
    let f = &props.field;
    let key = f.key.clone();
    let emit = {
        let (onchange, key) = (props.onchange.clone(), key.clone());
        move |entry: Entry| onchange.emit((key.clone(), entry))
    };
    let typed = {
        let (emit, entry) = (emit.clone(), props.entry.clone());
        Callback::from(move |e: InputEvent| {
            emit(Entry {
                text: input_value(&e),
                ..entry.clone()
            })
        })
    };
    let id = format!("field-{}", f.key);
    let label = html! {
        <label for={id.clone()}>{&f.label}{ if f.required { html!{<span class="req">{" *"}</span>} } else { html!{} } }</label>
    };
    let control = match f.kind {
        FieldType::Text if form::max_len(f) > 60 => html! {
            <textarea id={id.clone()} rows="3" value={props.entry.text.clone()} oninput={typed} />
        },
        FieldType::Text => {
            html! { <input id={id.clone()} value={props.entry.text.clone()} oninput={typed} /> }
        }
        FieldType::Number => html! {
            <input id={id.clone()} inputmode="decimal" value={props.entry.text.clone()} oninput={typed} />
        },
        FieldType::Money => html! {
            <div class="money"><input id={id.clone()} inputmode="decimal" placeholder="0.00" value={props.entry.text.clone()} oninput={typed} /><span>{"元"}</span></div>
        },
        FieldType::Date => {
            html! { <input id={id.clone()} type="date" value={props.entry.text.clone()} oninput={typed} /> }
        }
        FieldType::DateRange => {
            let (emit, entry) = (emit.clone(), props.entry.clone());
            let until = Callback::from(move |e: InputEvent| {
                emit(Entry {
                    until: input_value(&e),
                    ..entry.clone()
                })
            });
            html! {
                <div class="range">
                    <input id={id.clone()} type="date" value={props.entry.text.clone()} oninput={typed} />
                    <span>{"至"}</span>
                    <input type="date" value={props.entry.until.clone()} oninput={until} />
                </div>
            }
        }
        FieldType::Select => {
            let (emit, entry) = (emit.clone(), props.entry.clone());
            let changed = Callback::from(move |e: Event| {
                emit(Entry {
                    text: input_value(&e),
                    ..entry.clone()
                })
            });
            html! {
                <select id={id.clone()} onchange={changed}>
                    <option value="" selected={props.entry.text.is_empty()}>{"请选择"}</option>
                    { for form::options(f).iter().map(|o| html!{ <option value={o.clone()} selected={props.entry.text == *o}>{o}</option> }) }
                </select>
            }
        }
        FieldType::MultiSelect => html! {
            <div class="checks">
                { for form::options(f).iter().map(|o| {
                    let on = props.entry.items.contains(o);
                    let (emit, entry, o2) = (emit.clone(), props.entry.clone(), o.clone());
                    let toggle = Callback::from(move |_: Event| {
                        let mut items = entry.items.clone();
                        if items.contains(&o2) { items.retain(|i| *i != o2) } else { items.push(o2.clone()) }
                        emit(Entry { items, ..entry.clone() });
                    });
                    html!{ <label class="check"><input type="checkbox" checked={on} onchange={toggle} />{o}</label> }
                }) }
            </div>
        },
        FieldType::Members => {
            let (emit, entry) = (emit.clone(), props.entry.clone());
            let multiple = f.multiple.unwrap_or(false);
            let picked = Callback::from(move |ids: Vec<String>| {
                let mut items = if multiple {
                    entry.items.clone()
                } else {
                    Vec::new()
                };
                for id in ids {
                    if !items.contains(&id) {
                        items.push(id)
                    }
                }
                emit(Entry {
                    items,
                    ..entry.clone()
                });
            });
            html! {
                <div>
                    <p class="chosen">{ if props.entry.items.is_empty() { "未选择".to_owned() } else { props.entry.items.join("、") } }</p>
                    <MemberPicker single={!multiple} onpick={picked} />
                </div>
            }
        }
        FieldType::Departments => {
            let (emit, entry) = (emit.clone(), props.entry.clone());
            let changed = Callback::from(move |items: Vec<String>| {
                emit(Entry {
                    items,
                    ..entry.clone()
                })
            });
            html! { <DepartmentPicker chosen={props.entry.items.clone()} multiple={f.multiple.unwrap_or(false)} onchange={changed} /> }
        }
        FieldType::Project => {
            html! { <ProjectSelect id={id.clone()} value={props.entry.text.clone()} onchange={{
                let (emit, entry) = (emit.clone(), props.entry.clone());
                Callback::from(move |v: String| emit(Entry { text: v, ..entry.clone() }))
            }} /> }
        }
        FieldType::Attachments => {
            let photos = Photos {
                uploads: props.entry.items.clone(),
            };
            let (emit, entry) = (emit.clone(), props.entry.clone());
            let changed = Callback::from(move |p: Photos| {
                emit(Entry {
                    items: p.uploads,
                    ..entry.clone()
                });
            });
            html! { <PhotoPicker {photos} max={form::max_files(f)} onchange={changed} /> }
        }
        FieldType::Total => html! { <p class="meta">{"提交后自动计算"}</p> },
    };
    html! { <div class="field">{label}{control}</div> }
}

#[derive(Properties, PartialEq)]
struct ProjectSelectProps {
    id: String,
    value: String,
    onchange: Callback<String>,
}

#[function_component(ProjectSelect)]
fn project_select(props: &ProjectSelectProps) -> Html {
    let projects = use_load(services::projects::mine(100));
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| cb.emit(input_value(&e)))
    };
    view_load(&projects, |page| {
        html! {
            <select id={props.id.clone()} {onchange}>
                <option value="" selected={props.value.is_empty()}>{"请选择项目"}</option>
                { for page.items.iter().map(|p| {
                    let v = p.id.to_string();
                    html!{ <option value={v.clone()} selected={props.value == v}>{format!("{} {}", p.code, p.name)}</option> }
                }) }
            </select>
        }
    })
}
