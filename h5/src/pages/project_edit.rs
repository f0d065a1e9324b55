//! 新建项目 and 编辑项目 (planning bundle): the ledger form, every problem shown under its
//! field (the form's own checks first, then the server's), the department and the PM
//! picked from the directory (WeCom's contact picker inside WeCom), the site located by
//! the phone or typed, and the status moved on up to 归档 after a yes.

use std::rc::Rc;

use api::{ContractStatus, ErrorCode, ProjectAction, ProjectStatus, ProjectView, limits};
use yew::prelude::*;

use super::{header, input_value};
use crate::components::{DepartmentPicker, MemberPicker};
use crate::hooks::{use_load, view_load};
use crate::http::Failure;
use crate::ledger::{self, Draft, Field, Problems};
use crate::{services, wecom};

/// 新建项目.
#[function_component(NewProject)]
pub fn new_project() -> Html {
    html! {
        <main class="page">
            { header("新建项目", true) }
            <LedgerForm before={None::<Rc<ProjectView>>} />
        </main>
    }
}

/// Props: the project id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Project id.
    pub id: i64,
}

/// 编辑项目.
#[function_component(EditProject)]
pub fn edit_project(props: &Props) -> Html {
    let project = use_load(services::projects::get(props.id));
    html! {
        <main class="page">
            { header("编辑项目", true) }
            { view_load(&project, |p| {
                if p.can.contains(&ProjectAction::Edit) {
                    html! { <LedgerForm before={Some(Rc::clone(p))} /> }
                } else {
                    html! { <div class="state empty">{"只有项目经理和管理员可以编辑项目"}</div> }
                }
            }) }
        </main>
    }
}

/// Where the browser goes after a save: the project's page in the field app.
pub fn open_project(id: i64) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(&format!("/projects/{id}"));
    }
}

/// The draft, changed by one edit at a time (each applied to the newest draft).
#[derive(Debug, PartialEq)]
struct Form(Draft);

type Edit = Box<dyn FnOnce(&mut Draft)>;

impl Reducible for Form {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut draft = self.0.clone();
        edit(&mut draft);
        Rc::new(Form(draft))
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    /// The stored project, when editing.
    before: Option<Rc<ProjectView>>,
}

#[function_component(LedgerForm)]
fn ledger_form(props: &FormProps) -> Html {
    let before = props.before.clone();
    let form = {
        let before = before.clone();
        use_reducer(move || Form(before.as_deref().map(Draft::of).unwrap_or_default()))
    };
    let problems = use_state(Problems::new);
    let general = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let amounts = before.as_ref().is_none_or(|b| b.amounts_visible);
    let draft = &form.0;

    // One callback per text input: `apply` writes the typed value into the draft.
    let typed = |apply: fn(&mut Draft, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let value = input_value(&e);
            form.dispatch(Box::new(move |d: &mut Draft| apply(d, value)));
        })
    };
    let chose = |apply: fn(&mut Draft, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = input_value(&e);
            form.dispatch(Box::new(move |d: &mut Draft| apply(d, value)));
        })
    };
    let problem = |field: Field| -> Html {
        match problems.get(&field) {
            Some(p) => html! { <p class="err" id={format!("err-{}", field.id())}>{p}</p> },
            None => html! {},
        }
    };
    let text = |field: Field,
                label: &str,
                value: &str,
                max: usize,
                oninput: Callback<InputEvent>| {
        let id = format!("field-{}", field.id());
        let required = matches!(field, Field::Code | Field::Name);
        html! {
            <div class="field">
                <label for={id.clone()}>{label}{ if required { html!{<span class="req">{" *"}</span>} } else { html!{} } }</label>
                <input {id} value={value.to_owned()} maxlength={max.to_string()} {oninput} />
                { problem(field) }
            </div>
        }
    };

    let on_department = {
        let form = form.clone();
        Callback::from(move |chosen: Vec<String>| {
            let id = chosen.first().and_then(|c| c.parse().ok());
            form.dispatch(Box::new(move |d: &mut Draft| d.department = id));
        })
    };
    let on_pm = {
        let form = form.clone();
        Callback::from(move |ids: Vec<String>| {
            let pm = ids.into_iter().next();
            form.dispatch(Box::new(move |d: &mut Draft| d.pm = pm));
        })
    };
    let locate = {
        let (form, problems) = (form.clone(), problems.clone());
        Callback::from(move |_: MouseEvent| {
            let (form, problems) = (form.clone(), problems.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match wecom::locate().await {
                    Ok(at) => {
                        let text = ledger::location_text(at);
                        form.dispatch(Box::new(move |d: &mut Draft| d.location = text));
                    }
                    Err(why) => {
                        let mut next = (*problems).clone();
                        next.insert(Field::Location, why);
                        problems.set(next);
                    }
                }
            });
        })
    };

    let save = {
        let (form, problems, general, busy, confirming, before) = (
            form.clone(),
            problems.clone(),
            general.clone(),
            busy.clone(),
            confirming.clone(),
            before.clone(),
        );
        Callback::from(move |confirmed: bool| {
            let input = match form.0.check(amounts) {
                Ok(input) => input,
                Err(found) => {
                    problems.set(found);
                    general.set(Some("请按提示修改后再保存".to_owned()));
                    return;
                }
            };
            problems.set(Problems::new());
            general.set(None);
            if !confirmed && ledger::archives(before.as_ref().map(|b| b.status), form.0.status) {
                confirming.set(true);
                return;
            }
            confirming.set(false);
            busy.set(true);
            let (problems, general, busy, id) = (
                problems.clone(),
                general.clone(),
                busy.clone(),
                before.as_ref().map(|b| b.id),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    Some(id) => services::projects::update(id, &input).await,
                    None => services::projects::create(&input).await,
                };
                busy.set(false);
                match saved {
                    Ok(view) => open_project(view.id),
                    Err(Failure::Api(e))
                        if matches!(e.code, ErrorCode::BadRequest | ErrorCode::Conflict) =>
                    {
                        let (fields, rest) = ledger::server_problems(&e.message);
                        let top = if rest.is_empty() {
                            "请按提示修改后再保存".to_owned()
                        } else {
                            rest.join("；")
                        };
                        problems.set(fields);
                        general.set(Some(top));
                    }
                    Err(failure) => general.set(Some(failure.text())),
                }
            });
        })
    };
    let onsubmit = {
        let save = save.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save.emit(false);
        })
    };
    let confirm = save.reform(|_: MouseEvent| true);
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };

    let creating = before.is_none();
    let department = draft
        .department
        .map(|d| vec![d.to_string()])
        .unwrap_or_default();
    html! {
        <form class="card form" {onsubmit} novalidate=true>
            { text(Field::Code, "项目编号", &draft.code, limits::PROJECT_CODE_CHARS, typed(|d, v| d.code = v)) }
            { text(Field::Name, "项目名称", &draft.name, limits::PROJECT_NAME_CHARS, typed(|d, v| d.name = v)) }
            { text(Field::Kind, "项目类型（房建、市政…）", &draft.kind, limits::PROJECT_KIND_CHARS, typed(|d, v| d.kind = v)) }
            { text(Field::Client, "建设单位", &draft.client, limits::PROJECT_CLIENT_CHARS, typed(|d, v| d.client = v)) }
            <div class="field" id="field-department">
                <label>{"所属部门"}<span class="req">{" *"}</span></label>
                <DepartmentPicker chosen={department} onchange={on_department} />
                { problem(Field::Department) }
            </div>
            if creating {
                <div class="field" id="field-pm">
                    <label>{"项目经理"}</label>
                    <p class="chosen" id="pm-chosen">{ draft.pm.clone().unwrap_or_else(|| "未选择".to_owned()) }</p>
                    <MemberPicker single=true onpick={on_pm} />
                    { problem(Field::Pm) }
                </div>
            } else {
                <p class="meta">{"项目经理在「成员」中任命或更换。"}</p>
            }
            { text(Field::Address, "项目地址", &draft.address, limits::ADDRESS_CHARS, typed(|d, v| d.address = v)) }
            <div class="field">
                <label for="field-location">{"坐标（纬度, 经度）"}</label>
                <div class="inline">
                    <input id="field-location" inputmode="decimal" placeholder="30.2088, 120.2123"
                        value={draft.location.clone()} oninput={typed(|d, v| d.location = v)} />
                    <button type="button" class="btn" id="locate" onclick={locate}>{"定位"}</button>
                </div>
                { problem(Field::Location) }
            </div>
            if amounts {
                { money(Field::Contract, "合同金额", &draft.contract, typed(|d, v| d.contract = v), problem(Field::Contract)) }
                { money(Field::Budget, "预算", &draft.budget, typed(|d, v| d.budget = v), problem(Field::Budget)) }
            }
            <div class="field">
                <label for="field-contract-status">{"合同状态"}</label>
                <select id="field-contract-status" onchange={chose(|d, v| if let Some(s) = ContractStatus::from_code(&v) { d.contract_status = s })}>
                    { for ContractStatus::ALL.iter().map(|&s| html! {
                        <option value={s.code()} selected={draft.contract_status == s}>{s.label()}</option>
                    }) }
                </select>
            </div>
            { range(Field::Planned, "计划工期", (&draft.planned_start, &draft.planned_finish),
                (typed(|d, v| d.planned_start = v), typed(|d, v| d.planned_finish = v)), problem(Field::Planned)) }
            { range(Field::Actual, "实际工期", (&draft.actual_start, &draft.actual_finish),
                (typed(|d, v| d.actual_start = v), typed(|d, v| d.actual_finish = v)), problem(Field::Actual)) }
            { text(Field::Tags, "标签（用逗号或顿号分隔）", &draft.tags, 250, typed(|d, v| d.tags = v)) }
            <div class="field">
                <label for="field-status">{"项目状态"}</label>
                <select id="field-status" onchange={chose(|d, v| if let Some(s) = ProjectStatus::from_code(&v) { d.status = s })}>
                    { for ProjectStatus::ALL.iter().map(|&s| html! {
                        <option value={s.code()} selected={draft.status == s}>{s.label()}</option>
                    }) }
                </select>
                { problem(Field::Status) }
            </div>
            if *confirming {
                <div class="notice" role="alert" id="archive-confirm">
                    <p>{format!("确认将「{}」归档？归档表示项目已结束并存档，在建项目中将不再显示。", draft.name.trim())}</p>
                    <div class="buttons">
                        <button type="button" class="btn danger" id="confirm-archive" onclick={confirm}>{"确认归档"}</button>
                        <button type="button" class="btn" onclick={cancel}>{"取消"}</button>
                    </div>
                </div>
            }
            { for general.as_ref().map(|p| html!{ <p class="notice" role="alert" id="form-problem">{p}</p> }) }
            <button id="save-project" class="btn primary block" type="submit" disabled={*busy}>
                { if *busy { "保存中…" } else if creating { "创建项目" } else { "保存" } }
            </button>
        </form>
    }
}

fn money(
    field: Field,
    label: &str,
    value: &str,
    oninput: Callback<InputEvent>,
    problem: Html,
) -> Html {
    let id = format!("field-{}", field.id());
    html! {
        <div class="field">
            <label for={id.clone()}>{label}</label>
            <div class="money">
                <input {id} inputmode="decimal" placeholder="0.00" value={value.to_owned()} {oninput} />
                <span>{"元"}</span>
            </div>
            { problem }
        </div>
    }
}

fn range(
    field: Field,
    label: &str,
    (start, finish): (&str, &str),
    (on_start, on_finish): (Callback<InputEvent>, Callback<InputEvent>),
    problem: Html,
) -> Html {
    let id = format!("field-{}", field.id());
    html! {
        <div class="field">
            <label for={id.clone()}>{label}</label>
            <div class="range">
                <input id={id.clone()} type="date" value={start.to_owned()} oninput={on_start} />
                <span>{"至"}</span>
                <input id={format!("{id}-finish")} type="date" value={finish.to_owned()} oninput={on_finish} />
            </div>
            { problem }
        </div>
    }
}
