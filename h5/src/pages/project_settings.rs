//! 进度设置 (planning bundle): whether moving a task moves its successors, and the day
//! counts behind the lag alert and the escalation to the PM (empty: the deployment's).

use api::ScheduleSettingsView;
use yew::prelude::*;

use super::{header, input_value};
use crate::hooks::{use_load, view_load};
use crate::ledger::days_setting;
use crate::services;

/// Props: the project id.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Project id.
    pub id: i64,
}

/// The schedule settings page.
#[function_component(ScheduleSettings)]
pub fn schedule_settings(props: &Props) -> Html {
    let id = props.id;
    let project = use_load(services::projects::get(id));
    let settings = use_load(services::projects::schedule_settings(id));
    html! {
        <main class="page">
            { header("进度设置", true) }
            { view_load(&project, |p| html! { <p class="meta">{format!("{} · {}", p.code, p.name)}</p> }) }
            { view_load(&settings, |s| html! { <SettingsForm {id} stored={**s} /> }) }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    id: i64,
    stored: ScheduleSettingsView,
}

fn days_text(days: Option<i32>) -> String {
    days.map(|d| d.to_string()).unwrap_or_default()
}

#[function_component(SettingsForm)]
fn settings_form(props: &FormProps) -> Html {
    let shift = use_state(|| props.stored.shift_successors);
    let lag = use_state(|| days_text(props.stored.lag_alert_days));
    let escalate = use_state(|| days_text(props.stored.escalate_after_days));
    let said = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let typed = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    let toggle = {
        let shift = shift.clone();
        Callback::from(move |_: Event| shift.set(!*shift))
    };
    let onsubmit = {
        let (shift, lag, escalate, said, busy, id) = (
            shift.clone(),
            lag.clone(),
            escalate.clone(),
            said.clone(),
            busy.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (lag_alert_days, escalate_after_days) =
                match (days_setting(&lag), days_setting(&escalate)) {
                    (Ok(lag), Ok(escalate)) => (lag, escalate),
                    (Err(why), _) => return said.set(Some(Err(format!("滞后提醒：{why}")))),
                    (_, Err(why)) => return said.set(Some(Err(format!("逾期上报：{why}")))),
                };
            let wanted = ScheduleSettingsView {
                shift_successors: *shift,
                lag_alert_days,
                escalate_after_days,
            };
            let (said, busy) = (said.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let saved = services::projects::set_schedule_settings(id, &wanted).await;
                busy.set(false);
                said.set(Some(match saved {
                    Ok(_) => Ok("已保存".to_owned()),
                    Err(failure) => Err(failure.text()),
                }));
            });
        })
    };
    html! {
        <form class="card form" {onsubmit} novalidate=true>
            <div class="field">
                <label class="check" for="shift-successors">
                    <input id="shift-successors" type="checkbox" checked={*shift} onchange={toggle} />
                    {"调整任务日期时，后续任务随之顺延"}
                </label>
            </div>
            <div class="field">
                <label for="lag-alert-days">{"进度滞后提醒阈值（天）"}</label>
                <input id="lag-alert-days" inputmode="numeric" placeholder="留空则用系统默认"
                    value={(*lag).clone()} oninput={typed(&lag)} />
                <p class="meta">{"预测完工晚于计划超过该天数时，提醒项目经理和部门负责人"}</p>
            </div>
            <div class="field">
                <label for="escalate-after-days">{"逾期上报项目经理（天）"}</label>
                <input id="escalate-after-days" inputmode="numeric" placeholder="留空则用系统默认"
                    value={(*escalate).clone()} oninput={typed(&escalate)} />
            </div>
            { for said.as_ref().map(|s| match s {
                Ok(text) => html! { <p class="meta" id="settings-message" role="status">{text}</p> },
                Err(text) => html! { <p class="notice" id="settings-message" role="alert">{text}</p> },
            }) }
            <button id="save-settings" class="btn primary block" type="submit" disabled={*busy}>
                { if *busy { "保存中…" } else { "保存" } }
            </button>
        </form>
    }
}
