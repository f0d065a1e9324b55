//! 审批模板编辑: the form's fields and the flow's nodes, edited with buttons and drawn as a
//! flow top to bottom; branches and anything else the editor does not draw are edited in the
//! JSON view. The server checks the whole template on save and says what is wrong.

use api::{FieldType, NodeType, RuleType, SignMode};
use serde_json::{Value, json};
use yew::prelude::*;

use super::{header, input_value};
use crate::hooks::{Load, use_load};
use crate::services;
use crate::template_edit::{self as edit, Part};

/// An edit of the template by what a text box holds.
type TextEdit = Box<dyn Fn(&mut Value, String)>;

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
    initial: Value,
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
    let change = {
        let template = template.clone();
        Callback::from(move |f: Box<dyn Fn(&mut Value)>| {
            let mut next = (*template).clone();
            f(&mut next);
            template.set(next);
        })
    };
    let t = &*template;
    let text_input = |value: String, apply: TextEdit| {
        let change = change.clone();
        let apply = std::rc::Rc::new(apply);
        let oninput = Callback::from(move |e: InputEvent| {
            let (typed, apply) = (input_value(&e), apply.clone());
            change.emit(Box::new(move |t: &mut Value| apply(t, typed.clone())));
        });
        html! { <input {value} {oninput} /> }
    };
    let button = |label: &'static str, f: Box<dyn Fn(&mut Value)>| {
        let change = change.clone();
        let f = std::rc::Rc::new(f);
        let onclick = Callback::from(move |_: MouseEvent| {
            let f = f.clone();
            change.emit(Box::new(move |t: &mut Value| f(t)));
        });
        html! { <button class="btn small" type="button" {onclick}>{label}</button> }
    };
    let fields = t["form"]["fields"].as_array().cloned().unwrap_or_default();
    let field_rows = fields.iter().enumerate().map(|(i, f)| {
        let kind = edit::field_type(f);
        let on_type = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                if let Some(kind) = FieldType::from_code(&input_value(&e)) {
                    change.emit(Box::new(move |t: &mut Value| edit::set_field_type(t, i, kind)));
                }
            })
        };
        let on_required = {
            let change = change.clone();
            let now = f["required"].as_bool().unwrap_or(false);
            Callback::from(move |_: Event| {
                change.emit(Box::new(move |t: &mut Value| edit::set(t, Part::Fields, i, "required", json!(!now))));
            })
        };
        let options = f["options"].as_array().map(|o| {
            let shown = o.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("，");
            html! { <label>{"选项（逗号分隔）"}{ text_input(shown, Box::new(move |t, v| edit::set(t, Part::Fields, i, "options", edit::options_of(&v)))) }</label> }
        });
        html! {
            <li class="edit-row" key={i}>
                <div class="inline">
                    { text_input(f["label"].as_str().unwrap_or_default().to_owned(), Box::new(move |t, v| edit::set(t, Part::Fields, i, "label", json!(v)))) }
                    <select onchange={on_type} aria-label="类型">
                        { for FieldType::ALL.iter().map(|&k| html!{ <option value={k.code()} selected={kind == Some(k)}>{k.label()}</option> }) }
                    </select>
                </div>
                <div class="inline">
                    <label class="check"><input type="checkbox" checked={f["required"].as_bool().unwrap_or(false)} onchange={on_required} />{"必填"}</label>
                    <span class="meta">{format!("键 {}", f["key"].as_str().unwrap_or_default())}</span>
                    { button("上移", Box::new(move |t| edit::shift(t, Part::Fields, i, true))) }
                    { button("下移", Box::new(move |t| edit::shift(t, Part::Fields, i, false))) }
                    { button("删除", Box::new(move |t| edit::remove(t, Part::Fields, i))) }
                </div>
                { for options }
            </li>
        }
    });
    let nodes = t["flow"].as_array().cloned().unwrap_or_default();
    let node_cards = nodes.iter().enumerate().map(|(i, n)| {
        let kind = edit::node_type(n);
        let editable = matches!(kind, Some(NodeType::Approve | NodeType::Cc));
        let rule_kind = edit::rule_type(&n["rule"]);
        let on_rule = {
            let (change, setting) = (change.clone(), edit::rule_setting(&n["rule"]));
            Callback::from(move |e: Event| {
                let Some(kind) = RuleType::from_code(&input_value(&e)) else {
                    return;
                };
                let setting = setting.clone();
                change.emit(Box::new(move |t: &mut Value| edit::set_rule(t, i, kind, &setting)));
            })
        };
        let on_mode = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                let mode = input_value(&e);
                change.emit(Box::new(move |t: &mut Value| edit::set(t, Part::Nodes, i, "mode", json!(mode))));
            })
        };
        let details = editable.then(|| {

            html! {
                <>
                    <div class="inline">
                        { text_input(n["name"].as_str().unwrap_or_default().to_owned(), Box::new(move |t, v| edit::set(t, Part::Nodes, i, "name", json!(v)))) }
                        <select onchange={on_rule} aria-label="审批人">
                            { for RuleType::ALL.iter().map(|&r| html!{ <option value={r.code()} selected={rule_kind == Some(r)}>{r.label()}</option> }) }
                        </select>
                    </div>
                    <div class="inline">
                        { if matches!(rule_kind, Some(RuleType::Chosen | RuleType::Finance) | None) { html!{} } else {
                            text_input(edit::rule_setting(&n["rule"]), Box::new(move |t, v| {
                                if let Some(kind) = edit::rule_type(&t["flow"][i]["rule"]) {
                                    edit::set_rule(t, i, kind, &v);
                                }
                            }))
                        } }
                        { if kind == Some(NodeType::Approve) { html! {
                            <select onchange={on_mode} aria-label="方式">
                                { for SignMode::ALL.iter().map(|&m| {
                                    html!{ <option value={m.code()} selected={n["mode"] == json!(m.code())}>{m.label()}</option> }
                                }) }
                            </select>
                        } } else { html!{} } }
                    </div>
                </>
            }
        });
        html! {
            <li class="flow-node" key={i}>
                <p><b>{edit::describe(n)}</b></p>
                { for details }
                <div class="inline">
                    { button("上移", Box::new(move |t| edit::shift(t, Part::Nodes, i, true))) }
                    { button("下移", Box::new(move |t| edit::shift(t, Part::Nodes, i, false))) }
                    { button("删除", Box::new(move |t| edit::remove(t, Part::Nodes, i))) }
                </div>
            </li>
        }
    });
    let save = {
        let (template, message, raw) = (template.clone(), message.clone(), raw.clone());
        Callback::from(move |_: MouseEvent| {
            let body = match raw.as_deref() {
                Some(text) => match serde_json::from_str::<Value>(text) {
                    Ok(v) => v,
                    Err(e) => {
                        message.set(Some(format!("JSON 格式不正确：{e}")));
                        return;
                    }
                },
                None => (*template).clone(),
            };
            let code = body["code"].as_str().unwrap_or_default().to_owned();
            if code.is_empty() {
                message.set(Some("请填写模板编码".to_owned()));
                return;
            }
            let (message, template, raw) = (message.clone(), template.clone(), raw.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match services::approvals::put_template(&code, &body).await {
                    Ok(_) => {
                        template.set(body);
                        raw.set(None);
                        message.set(Some("已保存".to_owned()));
                    }
                    Err(f) => message.set(Some(f.text())),
                }
            });
        })
    };
    let toggle_raw = {
        let (raw, template) = (raw.clone(), template.clone());
        Callback::from(move |_: MouseEvent| match &*raw {
            Some(text) => {
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    template.set(v);
                }
                raw.set(None);
            }
            None => raw.set(serde_json::to_string_pretty(&*template).ok()),
        })
    };
    let on_raw = {
        let raw = raw.clone();
        Callback::from(move |e: InputEvent| raw.set(Some(input_value(&e))))
    };
    html! {
        <section class="card form template-editor">
            <div class="field"><label>{"名称"}</label>
                { text_input(t["name"].as_str().unwrap_or_default().to_owned(), Box::new(|t, v| t["name"] = json!(v))) }</div>
            { if props.creating { html! {
                <div class="field"><label>{"编码（字母、数字）"}</label>
                    { text_input(t["code"].as_str().unwrap_or_default().to_owned(), Box::new(|t, v| t["code"] = json!(v))) }</div>
            } } else { html! { <p class="meta">{format!("编码 {}", t["code"].as_str().unwrap_or_default())}</p> } } }
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
                        { for node_cards }
                        <li class="flow-node end">{"结束"}</li>
                    </ol>
                    <div class="inline">
                        { button("添加审批节点", Box::new(|t| edit::add_node(t, false))) }
                        { button("添加抄送节点", Box::new(|t| edit::add_node(t, true))) }
                    </div>
                </>
            } } }
            { for message.as_ref().map(|m| html!{ <p class="notice" role="status" id="template-message">{m}</p> }) }
            <div class="buttons">
                <button class="btn" type="button" onclick={toggle_raw}>{ if raw.is_some() { "返回可视编辑" } else { "JSON 编辑" } }</button>
                <button id="save-template" class="btn primary" type="button" onclick={save}>{"保存"}</button>
            </div>
        </section>
    }
}
