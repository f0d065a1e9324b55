//! The flow as the editor draws it: approval and CC nodes with their approver rule, and
//! branches with an arm per condition, each arm's nodes drawn the same way inside it
//! (branches nest), then 其他情况. Conditions are edited as a tree: a comparison on a form
//! field, the initiator's department, the project, or all/any/not of others. Plain
//! functions over the editor's state; every button sends an [`Edit`] to the editor.

use std::rc::Rc;

use api::{FieldType, FlowNode, FormField, NodeType, RuleType, SignMode, TemplateDefinition};
use yew::prelude::*;

use super::Edit;
use crate::components::DepartmentPicker;
use crate::pages::input_value;
use crate::template_edit::condition::{self as cond, Cond};
use crate::template_edit::{self as edit, At, Part, Slot};

// Inline, not in style.css: that is inlined into every bundle's page, the field app's too.
const ARM: &str = "border-left:3px solid var(--brand);padding-left:8px;margin:0 0 12px";
const NESTED: &str = "list-style:none;padding-left:10px;margin:4px 0";
const FAULT: &str = "border-color:var(--danger)";

/// An edit of the template by what a text box holds.
pub type TextEdit = Box<dyn Fn(&mut TemplateDefinition, String)>;

/// What every part of the flow needs.
#[derive(Clone)]
pub struct Ctx {
    /// Applies an edit.
    pub change: Callback<Edit>,
    /// The form's fields (what conditions compare).
    pub fields: Rc<Vec<FormField>>,
    /// The node the server's last refusal named, and its message.
    pub fault: Option<(String, String)>,
}

/// A text box whose typing applies `apply`.
pub fn text_input(change: &Callback<Edit>, value: String, apply: TextEdit) -> Html {
    let change = change.clone();
    let apply = Rc::new(apply);
    let oninput = Callback::from(move |e: InputEvent| {
        let (typed, apply) = (input_value(&e), apply.clone());
        change.emit(Box::new(move |t: &mut TemplateDefinition| {
            apply(t, typed.clone())
        }));
    });
    html! { <input {value} {oninput} /> }
}

/// A small button applying `f`.
pub fn button(change: &Callback<Edit>, label: &'static str, f: Edit) -> Html {
    let change = change.clone();
    let f = Rc::new(f);
    let onclick = Callback::from(move |_: MouseEvent| {
        let f = f.clone();
        change.emit(Box::new(move |t: &mut TemplateDefinition| f(t)));
    });
    html! { <button class="btn small" type="button" {onclick}>{label}</button> }
}

/// A select whose choice (an option's value) applies `apply`.
fn select<'a>(
    ctx: &Ctx,
    label: &'static str,
    options: impl Iterator<Item = (&'a str, &'a str)>,
    chosen: &str,
    apply: TextEdit,
) -> Html {
    let change = ctx.change.clone();
    let apply = Rc::new(apply);
    let onchange = Callback::from(move |e: Event| {
        let (picked, apply) = (input_value(&e), apply.clone());
        change.emit(Box::new(move |t: &mut TemplateDefinition| {
            apply(t, picked.clone())
        }));
    });
    html! {
        <select aria-label={label} {onchange}>
            { for options.map(|(value, text)| html! {
                <option value={value.to_owned()} selected={value == chosen}>{text.to_owned()}</option>
            }) }
        </select>
    }
}

/// 添加审批节点 / 添加抄送节点 (and, where asked, 添加条件分支) at the end of the list at `at`.
pub fn add_buttons(ctx: &Ctx, at: &At, branch: bool) -> Html {
    let adder = |label, kind| {
        let at = at.clone();
        button(
            &ctx.change,
            label,
            Box::new(move |t| edit::add_node(t, &at, kind)),
        )
    };
    html! {
        <div class="inline">
            { adder("添加审批节点", NodeType::Approve) }
            { adder("添加抄送节点", NodeType::Cc) }
            if branch { { adder("添加条件分支", NodeType::Branch) } }
        </div>
    }
}

/// The nodes of the list at `at`, as `<li>`s of a `.flow`.
pub fn nodes(ctx: &Ctx, list: &[FlowNode], at: &At) -> Html {
    html! { { for list.iter().enumerate().map(|(i, n)| node(ctx, n, at, i)) } }
}

fn node(ctx: &Ctx, n: &FlowNode, at: &At, i: usize) -> Html {
    let fault = ctx.fault.as_ref().filter(|(id, _)| *id == n.id);
    let details = match n.kind {
        NodeType::Branch => branch(ctx, n, at, i),
        NodeType::Approve | NodeType::Cc => approver(ctx, n, at, i),
    };
    let part = Part::Nodes(at.clone());
    let mover = |label, f: fn(&mut TemplateDefinition, &Part, usize)| {
        let part = part.clone();
        button(&ctx.change, label, Box::new(move |t| f(t, &part, i)))
    };
    html! {
        <li class={classes!("flow-node", fault.map(|_| "fault"))} style={fault.map(|_| FAULT)}
            key={n.id.clone()} data-node={n.id.clone()}>
            <p><b>{edit::describe(n)}</b></p>
            { details }
            <div class="inline">
                { mover("上移", |t, p, i| edit::shift(t, p, i, true)) }
                { mover("下移", |t, p, i| edit::shift(t, p, i, false)) }
                { mover("删除", edit::remove) }
            </div>
            { for fault.map(|(_, m)| html! { <p class="notice" role="alert">{m}</p> }) }
        </li>
    }
}

/// An approval or CC node's name, approver rule with its setting, and sign mode.
fn approver(ctx: &Ctx, n: &FlowNode, at: &At, i: usize) -> Html {
    let rule_kind = n.rule.as_ref().map(|r| r.kind);
    let setting = n.rule.as_ref().map(edit::rule_setting).unwrap_or_default();
    let on_rule = {
        let (at, setting) = (at.clone(), setting.clone());
        Box::new(move |t: &mut TemplateDefinition, code: String| {
            if let Some(kind) = RuleType::from_code(&code) {
                edit::set_rule(t, &at, i, kind, &setting);
            }
        })
    };
    let on_mode = {
        let at = at.clone();
        Box::new(move |t: &mut TemplateDefinition, code: String| {
            if let (Some(mode), Some(n)) = (SignMode::from_code(&code), edit::node_mut(t, &at, i)) {
                n.mode = Some(mode);
            }
        })
    };
    let on_name = {
        let at = at.clone();
        Box::new(move |t: &mut TemplateDefinition, v: String| {
            if let Some(n) = edit::node_mut(t, &at, i) {
                n.name = Some(v);
            }
        })
    };
    let on_setting = {
        let at = at.clone();
        Box::new(move |t: &mut TemplateDefinition, v: String| {
            let kind = edit::node_mut(t, &at, i)
                .and_then(|n| n.rule.as_ref())
                .map(|r| r.kind);
            if let Some(kind) = kind {
                edit::set_rule(t, &at, i, kind, &v);
            }
        })
    };
    let rules = RuleType::ALL.iter().map(|r| (r.code(), r.label()));
    let modes = SignMode::ALL.iter().map(|m| (m.code(), m.label()));
    html! {
        <>
            <div class="inline">
                { text_input(&ctx.change, n.name.clone().unwrap_or_default(), on_name) }
                { select(ctx, "审批人", rules, rule_kind.map_or("", RuleType::code), on_rule) }
            </div>
            <div class="inline">
                if !matches!(rule_kind, Some(RuleType::Finance) | None) {
                    { text_input(&ctx.change, setting, on_setting) }
                }
                if n.kind == NodeType::Approve {
                    { select(ctx, "方式", modes, n.mode.map_or("", SignMode::code), on_mode) }
                }
            </div>
        </>
    }
}

/// A branch's arms, each with its condition and nodes, then 其他情况.
fn branch(ctx: &Ctx, n: &FlowNode, at: &At, i: usize) -> Html {
    let arms = n.arms.as_deref().unwrap_or_default();
    let arm_views = arms.iter().enumerate().map(|(k, arm)| {
        let inside = at.inside(i, Slot::Arm(k));
        let when = Cond::read(&arm.when);
        let remove = {
            let at = at.clone();
            button(&ctx.change, "删除此分支", Box::new(move |t| edit::remove_arm(t, &at, i, k)))
        };
        html! {
            <li class="arm" style={ARM} key={k}>
                <p class="meta">{format!("分支 {}：{}", k + 1, cond::describe(&when, &ctx.fields))}</p>
                { condition(ctx, &when, &Where { at: at.clone(), node: i, arm: k }, Vec::new()) }
                <ol class="flow">{ nodes(ctx, &arm.nodes, &inside) }</ol>
                <div class="inline">{ add_buttons(ctx, &inside, true) }{ remove }</div>
            </li>
        }
    });
    let otherwise = at.inside(i, Slot::Otherwise);
    let add_arm = {
        let at = at.clone();
        button(
            &ctx.change,
            "添加分支",
            Box::new(move |t| edit::add_arm(t, &at, i)),
        )
    };
    html! {
        <>
            <ol class="flow arms">
                { for arm_views }
                <li class="arm" style={ARM} key="otherwise">
                    <p class="meta">{"其他情况"}</p>
                    <ol class="flow">{ nodes(ctx, &n.otherwise, &otherwise) }</ol>
                    { add_buttons(ctx, &otherwise, true) }
                </li>
            </ol>
            <div class="inline">{ add_arm }</div>
        </>
    }
}

/// Which arm's condition.
#[derive(Clone)]
struct Where {
    at: At,
    node: usize,
    arm: usize,
}

impl Where {
    /// An edit of the condition tree at `path`.
    fn edit(
        &self,
        path: &[usize],
        f: impl Fn(&mut Cond, &[usize], &[FormField]) + 'static,
    ) -> Edit {
        let (w, path) = (self.clone(), path.to_vec());
        Box::new(move |t| {
            edit::change_when(t, &w.at, w.node, w.arm, |c, fields| f(c, &path, fields))
        })
    }

    /// An edit of the leaf at `path` by what was typed or picked.
    fn typed(
        &self,
        path: &[usize],
        f: impl Fn(&mut Cond, &str, &[FormField]) + 'static,
    ) -> TextEdit {
        let (w, path, f) = (self.clone(), path.to_vec(), Rc::new(f));
        Box::new(move |t, typed| {
            let f = f.clone();
            edit::change_when(t, &w.at, w.node, w.arm, |c, fields| {
                if let Some(here) = c.at_mut(&path) {
                    f(here, &typed, fields);
                }
            });
        })
    }
}

/// One condition of an arm's tree (at `path`), with a select for its kind and what that
/// kind takes; groups list theirs below it.
fn condition(ctx: &Ctx, c: &Cond, w: &Where, path: Vec<usize>) -> Html {
    let kind = select(
        ctx,
        "条件类型",
        cond::KINDS.iter().copied(),
        c.kind(),
        w.typed(&[], {
            let path = path.clone();
            move |root, code, fields| cond::set_kind(root, &path, code, fields)
        }),
    );
    let body = match c {
        Cond::Field { key, op, value } => {
            let field_kind = ctx.fields.iter().find(|f| f.key == *key).map(|f| f.kind);
            let fields = ctx.fields.iter().filter(|f| cond::comparable(f.kind));
            let on_key = w.typed(&path, |here, typed, fields| {
                if let Cond::Field { key, value, .. } = here {
                    let numeric = |k: &str| {
                        fields.iter().find(|f| f.key == k).is_some_and(|f| {
                            matches!(
                                f.kind,
                                FieldType::Number | FieldType::Money | FieldType::Total
                            )
                        })
                    };
                    if numeric(key) != numeric(typed) {
                        *value = if numeric(typed) { 0.into() } else { "".into() };
                    }
                    *key = typed.to_owned();
                }
            });
            let on_op = w.typed(&path, |here, typed, _| {
                if let Cond::Field { op, .. } = here {
                    *op = typed.to_owned();
                }
            });
            let on_value = w.typed(&path, move |here, typed, _| {
                if let (Cond::Field { value, .. }, Ok(v)) =
                    (here, cond::value_of_text(field_kind, typed))
                {
                    *value = v;
                }
            });
            let unit =
                matches!(field_kind, Some(FieldType::Money | FieldType::Total)).then_some("元");
            html! {
                <div class="inline">
                    { select(ctx, "字段", fields.map(|f| (f.key.as_str(), f.label.as_str())), key, on_key) }
                    { select(ctx, "比较", cond::OPS.iter().copied(), op, on_op) }
                    <input class="cond-value" aria-label="值" value={cond::value_text(field_kind, value)}
                        onchange={change_of(ctx, on_value)} />
                    { unit.unwrap_or_default() }
                </div>
            }
        }
        Cond::InitiatorIn(ids) => {
            let chosen: Vec<String> = ids.iter().map(i64::to_string).collect();
            let apply = w.typed(&path, |here, typed, _| {
                *here = Cond::InitiatorIn(cond::ids_of(typed))
            });
            let change = ctx.change.clone();
            let apply = Rc::new(apply);
            let onchange = Callback::from(move |picked: Vec<String>| {
                let (typed, apply) = (picked.join(","), apply.clone());
                change.emit(Box::new(move |t: &mut TemplateDefinition| {
                    apply(t, typed.clone())
                }));
            });
            html! { <DepartmentPicker {chosen} multiple=true {onchange} /> }
        }
        Cond::ProjectIn(ids) => {
            let shown = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join("，");
            let apply = w.typed(&path, |here, typed, _| {
                *here = Cond::ProjectIn(cond::ids_of(typed))
            });
            html! {
                <input aria-label="项目编号" placeholder="项目 ID，逗号分隔" value={shown}
                    onchange={change_of(ctx, apply)} />
            }
        }
        Cond::All(of) | Cond::Any(of) => {
            let children = of.iter().enumerate().map(|(k, child)| {
                let mut inner = path.clone();
                inner.push(k);
                let remove = button(
                    &ctx.change,
                    "删除条件",
                    w.edit(&inner, |root, p, _| cond::remove(root, p)),
                );
                html! { <li>{ condition(ctx, child, w, inner) }{ remove }</li> }
            });
            let add = button(&ctx.change, "添加条件", w.edit(&path, cond::add_child));
            html! { <><ul class="conds" style={NESTED}>{ for children }</ul>{ add }</> }
        }
        Cond::Not(of) => {
            let mut inner = path.clone();
            inner.push(0);
            html! { <div class="conds" style={NESTED}>{ condition(ctx, of, w, inner) }</div> }
        }
        Cond::Other(_) => html! { <p class="meta">{"其他条件（在 JSON 中编辑）"}</p> },
    };
    html! { <div class="cond">{ kind }{ body }</div> }
}

/// A `change` handler (typing done) applying `apply` with the input's value.
fn change_of(ctx: &Ctx, apply: TextEdit) -> Callback<Event> {
    let change = ctx.change.clone();
    let apply = Rc::new(apply);
    Callback::from(move |e: Event| {
        let (typed, apply) = (input_value(&e), apply.clone());
        change.emit(Box::new(move |t: &mut TemplateDefinition| {
            apply(t, typed.clone())
        }));
    })
}
