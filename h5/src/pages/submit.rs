//! 发起审批: pick a template, fill in the form its schema describes, submit. The form is
//! kept as a draft while typed, and a submission without network waits in the queue.

use std::collections::BTreeMap;

use api::{ChosenNode, FieldType, FormField, SubmitApproval};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{header, input_value};
use crate::app::Route;
use crate::components::{DepartmentPicker, MemberPicker, PhotoPicker, Photos};
use crate::form::{self, Entry, value_of};
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
                    Some(t) => html! {
                        <FormView code={t.code.clone()} name={t.name.clone()} fields={t.fields.clone()}
                            chosen_nodes={t.chosen.clone()} />
                    },
                    None => empty("审批模板不存在或已停用"),
                }
            }) }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    code: String,
    name: String,
    fields: Vec<FormField>,
    /// Nodes whose approvers the initiator picks.
    chosen_nodes: Vec<ChosenNode>,
}

type Entries = BTreeMap<String, Entry>;

#[function_component(FormView)]
fn form_view(props: &FormProps) -> Html {
    let draft_name = format!("approval.{}", props.code);
    let entries = {
        let draft_name = draft_name.clone();
        use_state(move || pending::draft::<Entries>(&draft_name).unwrap_or_default())
    };
    let chosen = use_state(BTreeMap::<String, Vec<String>>::new);
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
        let (entries, problem, busy, fields, code) = (
            entries.clone(),
            problem.clone(),
            busy.clone(),
            props.fields.clone(),
            props.code.clone(),
        );
        let name = props.name.clone();
        let (chosen, chosen_nodes) = (chosen.clone(), props.chosen_nodes.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(node) = chosen_nodes
                .iter()
                .find(|n| chosen.get(&n.id).is_none_or(Vec::is_empty))
            {
                problem.set(Some(format!("请选择「{}」的审批人", node.name)));
                return;
            }
            let mut form = BTreeMap::new();
            for field in &fields {
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
                template: code.clone(),
                form,
                chosen: (*chosen).clone(),
            };
            let Ok(body) = serde_json::to_value(&body) else {
                return;
            };
            let (problem, busy, navigator, draft_name, label) = (
                problem.clone(),
                busy.clone(),
                navigator.clone(),
                draft_name.clone(),
                format!("发起审批：{name}"),
            );
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = services::approvals::submit(&label, body).await;
                busy.set(false);
                match outcome {
                    Outcome::Sent(created) => {
                        pending::drop_draft(&draft_name);
                        if let Some(nav) = navigator {
                            nav.replace(&Route::Approval { id: created.id });
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
            { header(props.name.clone(), true) }
            <form class="card form" {onsubmit} novalidate=true>
                { for props.fields.iter().map(|f| {
                    let entry = entries.get(&f.key).cloned().unwrap_or_default();
                    html! { <FieldInput key={f.key.clone()} field={f.clone()} {entry} onchange={set.clone()} /> }
                }) }
                { for props.chosen_nodes.iter().map(|n| {
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
                    { if *busy { "提交中…" } else { "提交" } }
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
