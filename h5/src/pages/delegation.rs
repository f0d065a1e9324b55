//! 外出委托: while a member is away, their new approval seats go to a colleague they pick,
//! from one day to another; the current delegation is shown and can be ended early. In
//! the planning bundle: rarely used, so kept off the field app's first load.

use api::Delegation;
use yew::prelude::*;

use super::{header, input_value, today};
use crate::components::MemberPicker;
use crate::hooks::{empty, use_load, view_load};
use crate::{services, text};

/// The delegation page.
#[function_component(DelegationPage)]
pub fn delegation_page() -> Html {
    let current = use_load(services::approvals::delegations());
    let delegate = use_state(|| None::<String>);
    let from = use_state(today);
    let until = use_state(today);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let day_input = |id: &'static str, day: &UseStateHandle<String>| {
        let set = day.clone();
        let oninput = Callback::from(move |e: InputEvent| set.set(input_value(&e)));
        html! { <input {id} type="date" value={(**day).clone()} {oninput} /> }
    };
    let onpick = {
        let delegate = delegate.clone();
        Callback::from(move |ids: Vec<String>| delegate.set(ids.into_iter().next()))
    };
    // Sets a delegation (or, with none, ends them), then says how it went and reads the
    // current one again.
    let run = {
        let (message, busy, reload) = (message.clone(), busy.clone(), current.reload.clone());
        move |done: &'static str, send: Option<Delegation>| {
            let (message, busy, reload) = (message.clone(), busy.clone(), reload.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match send {
                    Some(d) => services::approvals::delegate(&d).await,
                    None => services::approvals::end_delegation().await,
                };
                busy.set(false);
                message.set(Some(match result {
                    Ok(_) => done.to_owned(),
                    Err(f) => f.text(),
                }));
                reload.emit(());
            });
        }
    };
    let save = {
        let (delegate, from, until, message, run) = (
            delegate.clone(),
            from.clone(),
            until.clone(),
            message.clone(),
            run.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(who) = (*delegate).clone() else {
                message.set(Some("请选择委托给谁".to_owned()));
                return;
            };
            // From the first day's start to the last day's end, China time.
            let span = text::ms_of_day(&from).zip(text::ms_of_day(&until));
            match span {
                Some((from_ms, last)) if last >= from_ms => run(
                    "已设置委托",
                    Some(Delegation {
                        delegate: who,
                        from_ms,
                        until_ms: last + 86_400_000,
                    }),
                ),
                _ => message.set(Some("结束日期不能早于开始日期".to_owned())),
            }
        })
    };
    let end = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run("已结束委托", None))
    };
    html! {
        <main class="page">
            { header("外出委托", true) }
            <section class="card">
                <h3>{"当前委托"}</h3>
                { view_load(&current, |list| {
                    if list.is_empty() {
                        return empty("未设置委托");
                    }
                    html! {
                        <>
                            <ul class="list compact" id="delegation-list">
                                { for list.iter().map(|d| html! {
                                    <li class="row" key={d.from_ms}>
                                        <span class="title">{format!("{} 代为审批", d.delegate.name)}</span>
                                        <span class="meta">{format!("{} 至 {}", text::day_of_ms(d.from_ms), text::day_of_ms(d.until_ms - 1))}</span>
                                    </li>
                                }) }
                            </ul>
                            <button id="end-delegation" class="btn danger block" disabled={*busy} onclick={end.clone()}>{"结束委托"}</button>
                        </>
                    }
                }) }
            </section>
            <section class="card form">
                <h3>{"设置委托"}</h3>
                <p class="meta">{"外出期间，新到的审批由被委托人代为处理；已在处理中的审批不受影响。"}</p>
                <div class="field">
                    <label>{"委托给"}<span class="req">{" *"}</span></label>
                    <p class="chosen" id="delegate-chosen">{ delegate.as_deref().unwrap_or("未选择") }</p>
                    <MemberPicker single=true {onpick} />
                </div>
                <div class="field"><label for="delegation-from">{"开始日期"}</label>{ day_input("delegation-from", &from) }</div>
                <div class="field"><label for="delegation-until">{"结束日期（含当天）"}</label>{ day_input("delegation-until", &until) }</div>
                { for message.as_ref().map(|m| html! { <p class="notice" role="status" id="delegation-message">{m}</p> }) }
                <button id="save-delegation" class="btn primary block" disabled={*busy} onclick={save}>{"保存委托"}</button>
            </section>
        </main>
    }
}
