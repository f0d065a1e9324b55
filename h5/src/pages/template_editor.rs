//! 审批模板编辑: the typed definition's fields and nodes, edited with buttons and drawn as
//! a flow top to bottom, branches with their arms' conditions and nodes included
//! ([`flow`]); anything else the editor does not draw (timeouts, unknown conditions) is
//! edited in the JSON view, which reads back into the typed definition. The server checks
//! the whole template on save; its message shows beside the node it names.

mod flow;

use api::{FieldType, SelfApproval, TemplateDefinition};
use yew::prelude::*;

use super::{header, input_value};
use crate::hooks::{Load, use_load};
use crate::services;
use crate::template_edit::{self as edit, Part};

/// An edit of the template.
type Edit = Box<dyn Fn(&mut TemplateDefinition)>;

/// Props: the template code (`new` for a new one).
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Template code.
    pub code: String,
}

/// The editor page.
#[function_component(TemplateEditor)]
pub fn template_editor(props: &Props) -> Html {
    let list = use_load(services::approvals::templates());
    let creating = props.code == "new";
    let body = match &list.state {
        Load::Ready(all) => {
            let found = all.iter().find(|t| t.code == props.code);
            match (found, creating) {
                (Some(t), _) => html! { <Editor initial={t.definition.clone()} creating=false /> },
                (None, true) => {
                    html! { <Editor initial={edit::blank("", "新审批")} creating=true /> }
                }
                (None, false) => crate::hooks::empty("模板不存在"),
            }
        }
        Load::Loading => html! { <div class="state loading">{"加载中…"}</div> },
        Load::Failed(f) => html! { <div class="state error">{f.text()}</div> },
    };
    html! {
        <main class="page">
            { header(if creating { "新建审批模板" } else { "编辑审批模板" }, true) }
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    initial: TemplateDefinition,
    creating: bool,
}

#[function_component(Editor)]
fn editor(props: &EditorProps) -> Html {
    let template = {
        let initial = props.initial.clone();
        use_state(move || initial)
    };
    let raw = use_state(|| None::<String>);
    let message = use_state(|| None::<String>);
    // The node the server's last refusal named, and its message.
    let fault = use_state(|| None::<(String, String)>);
    let change = {
        let template = template.clone();
        Callback::from(move |f: Edit| {
            let mut next = (*template).clone();
            f(&mut next);
            template.set(next);
        })
    };
    let t = &*template;
    let text_input = |value: String, apply: flow::TextEdit| flow::text_input(&change, value, apply);
    let button = |label: &'static str, f: Edit| flow::button(&change, label, f);
    let field_rows = t.form.fields.iter().enumerate().map(|(i, f)| {
        let kind = f.kind;
        let on_type = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                if let Some(kind) = FieldType::from_code(&input_value(&e)) {
                    change.emit(Box::new(move |t: &mut TemplateDefinition| edit::set_field_type(t, i, kind)));
                }
            })
        };
        let on_required = {
            let change = change.clone();
            let now = f.required;
            Callback::from(move |_: Event| {
                change.emit(Box::new(move |t: &mut TemplateDefinition| {
                    if let Some(f) = edit::field_mut(t, i) {
                        f.required = !now;
                    }
                }));
            })
        };
        let options = f.options.as_ref().map(|o| {
            let shown = o.join("，");
            html! { <label>{"选项（逗号分隔）"}{ text_input(shown, Box::new(move |t, v| {
                if let Some(f) = edit::field_mut(t, i) {
                    f.options = Some(edit::options_of(&v));
                }
            })) }</label> }
        });
        html! {
            <li class="edit-row" key={i}>
                <div class="inline">
                    { text_input(f.label.clone(), Box::new(move |t, v| {
                        if let Some(f) = edit::field_mut(t, i) {
                            f.label = v;
                        }
                    })) }
                    <select onchange={on_type} aria-label="类型">
                        { for FieldType::ALL.iter().map(|&k| html!{ <option value={k.code()} selected={kind == k}>{k.label()}</option> }) }
                    </select>
                </div>
                <div class="inline">
                    <label class="check"><input type="checkbox" checked={f.required} onchange={on_required} />{"必填"}</label>
                    <span class="meta">{format!("键 {}", f.key)}</span>
                    { button("上移", Box::new(move |t| edit::shift(t, &Part::Fields, i, true))) }
                    { button("下移", Box::new(move |t| edit::shift(t, &Part::Fields, i, false))) }
                    { button("删除", Box::new(move |t| edit::remove(t, &Part::Fields, i))) }
                </div>
                { for options }
            </li>
        }
    });
    let ctx = flow::Ctx {
        change: change.clone(),
        fields: std::rc::Rc::new(t.form.fields.clone()),
        fault: (*fault).clone(),
    };
    let save = {
        let (template, message, raw) = (template.clone(), message.clone(), raw.clone());
        let fault = fault.clone();
        Callback::from(move |_: MouseEvent| {
            let body = match raw.as_deref() {
                Some(text) => match edit::from_json(text) {
                    Ok(v) => v,
                    Err(why) => {
                        message.set(Some(why));
                        return;
                    }
                },
                None => (*template).clone(),
            };
            let code = body.code.clone();
            if code.is_empty() {
                message.set(Some("请填写模板编码".to_owned()));
                return;
            }
            let (message, template, raw) = (message.clone(), template.clone(), raw.clone());
            let fault = fault.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match services::approvals::put_template(&code, &body).await {
                    Ok(_) => {
                        template.set(body);
                        raw.set(None);
                        fault.set(None);
                        message.set(Some("已保存".to_owned()));
                    }
                    Err(f) => {
                        let text = f.text();
                        fault.set(edit::fault_node(&body, &text).map(|id| (id, text.clone())));
                        message.set(Some(text));
                    }
                }
            });
        })
    };
    let toggle_raw = {
        let (raw, template, message) = (raw.clone(), template.clone(), message.clone());
        Callback::from(move |_: MouseEvent| match &*raw {
            Some(text) => match edit::from_json(text) {
                Ok(v) => {
                    template.set(v);
                    raw.set(None);
                    message.set(None);
                }
                // Stay in the JSON view: leaving would drop what was typed.
                Err(why) => message.set(Some(why)),
            },
            None => raw.set(Some(edit::to_json(&template))),
        })
    };
    let on_self_approval = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            if let Some(rule) = SelfApproval::from_code(&input_value(&e)) {
                change.emit(Box::new(move |t: &mut TemplateDefinition| {
                    t.self_approval = rule
                }));
            }
        })
    };
    let on_raw = {
        let raw = raw.clone();
        Callback::from(move |e: InputEvent| raw.set(Some(input_value(&e))))
    };
    html! {
        <section class="card form template-editor">
            <div class="field"><label>{"名称"}</label>
                { text_input(t.name.clone(), Box::new(|t, v| t.name = v)) }</div>
            { if props.creating { html! {
                <div class="field"><label>{"编码（字母、数字）"}</label>
                    { text_input(t.code.clone(), Box::new(|t, v| t.code = v)) }</div>
            } } else { html! { <p class="meta">{format!("编码 {}", t.code)}</p> } } }
            { if let Some(text) = &*raw { html! {
                <textarea id="template-json" rows="24" value={text.clone()} oninput={on_raw} />
            } } else { html! {
                <>
                    <h3>{"表单字段"}</h3>
                    <ul class="list edit-list">{ for field_rows }</ul>
                    { button("添加字段", Box::new(edit::add_field)) }
                    <h3>{"审批流程"}</h3>
                    <ol class="flow">
                        <li class="flow-node start">{"发起人提交"}</li>
                        { flow::nodes(&ctx, &t.flow, &edit::At::default()) }
                        <li class="flow-node end">{"结束"}</li>
                    </ol>
                    { flow::add_buttons(&ctx, &edit::At::default(), true) }
                </>
            } } }
            <div class="field"><label>{"审批人是发起人自己时"}</label>
                <select id="self-approval" onchange={on_self_approval}>
                    { for SelfApproval::ALL.iter().map(|&r| html!{ <option value={r.code()} selected={t.self_approval == r}>{r.label()}</option> }) }
                </select></div>
            { for message.as_ref().map(|m| html!{ <p class="notice" role="status" id="template-message">{m}</p> }) }
            <div class="buttons">
                <button class="btn" type="button" onclick={toggle_raw}>{ if raw.is_some() { "返回可视编辑" } else { "JSON 编辑" } }</button>
                <button id="save-template" class="btn primary" type="button" onclick={save}>{"保存"}</button>
            </div>
        </section>
    }
}
