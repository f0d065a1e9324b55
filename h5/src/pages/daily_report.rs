//! 施工日志: a project's daily report for a day — filed by the site (weather, headcount by
//! trade, work done, problems, tomorrow's plan, photos) and, for those who plan the
//! project, everyone's reports of that day and an Excel export. Planning bundle.

use api::{Crew, DailyReport, Weather};
use yew::prelude::*;

use super::{header, input_value, today};
use crate::components::{PhotoPicker, Photos};
use crate::hooks::{Load, use_load};
use crate::services;

/// Props of [`DailyReportPage`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Project id.
    pub id: i64,
}

/// The page.
#[function_component(DailyReportPage)]
pub fn daily_report_page(props: &Props) -> Html {
    let day = use_state(today);
    let id = props.id;
    let on_day = {
        let day = day.clone();
        Callback::from(move |e: Event| day.set(input_value(&e)))
    };
    let from = crate::text::day_of_ms(js_sys::Date::now() as i64 - 29 * 86_400_000);
    let export = services::daily_reports::export_url(id, &from, &today());
    html! {
        <main class="page">
            { header("施工日志", true) }
            <div class="field"><label for="report-day">{"日期"}</label>
                <input id="report-day" type="date" value={(*day).clone()} onchange={on_day} /></div>
            <ReportForm key={(*day).clone()} project={id} day={(*day).clone()} />
            <DayReports key={format!("list-{}", *day)} project={id} day={(*day).clone()} />
            <a class="btn block" href={export}>{"导出近 30 天施工日志（Excel）"}</a>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct DayProps {
    project: i64,
    day: String,
}

/// What the form holds while typed.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    weather: Option<Weather>,
    crews: Vec<(String, String)>,
    content: String,
    problems: String,
    tomorrow: String,
    photos: Photos,
}

impl Draft {
    /// The report to send, or what to fix first.
    fn report(&self, day: &str) -> Result<DailyReport, String> {
        if self.content.trim().is_empty() {
            return Err("请填写施工内容".into());
        }
        let mut workforce = Vec::new();
        for (trade, count) in &self.crews {
            if trade.trim().is_empty() && count.trim().is_empty() {
                continue;
            }
            let count = count
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("「{}」的人数应为整数", trade.trim()))?;
            workforce.push(Crew {
                trade: trade.trim().to_owned(),
                count,
            });
        }
        Ok(DailyReport {
            userid: String::new(),
            name: String::new(),
            day: day.to_owned(),
            content: self.content.trim().to_owned(),
            weather: self.weather,
            workforce,
            problems: self.problems.trim().to_owned(),
            tomorrow: self.tomorrow.trim().to_owned(),
            photos: self.photos.uploads.clone(),
        })
    }
}

#[function_component(ReportForm)]
fn report_form(props: &DayProps) -> Html {
    let draft = use_state(|| Draft {
        crews: vec![(String::new(), String::new())],
        ..Draft::default()
    });
    let message = use_state(|| None::<String>);
    let edit = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*draft).clone();
            apply(&mut next, input_value(&e));
            draft.set(next);
        })
    };
    let on_weather = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut next = (*draft).clone();
            next.weather = Weather::from_code(&input_value(&e));
            draft.set(next);
        })
    };
    let crew_rows = draft.crews.iter().enumerate().map(|(i, (trade, count))| {
        let set = |second: bool| {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                let mut next = (*draft).clone();
                if let Some(row) = next.crews.get_mut(i) {
                    let value = input_value(&e);
                    if second { row.1 = value } else { row.0 = value }
                }
                draft.set(next);
            })
        };
        html! {
            <div class="inline" key={i}>
                <input placeholder="工种（如 钢筋工）" maxlength={api::limits::TRADE_CHARS.to_string()}
                    value={trade.clone()} oninput={set(false)} />
                <input type="number" min="0" inputmode="numeric" placeholder="人数"
                    value={count.clone()} oninput={set(true)} />
            </div>
        }
    });
    let add_crew = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            if next.crews.len() < api::limits::CREWS {
                next.crews.push((String::new(), String::new()));
            }
            draft.set(next);
        })
    };
    let on_photos = {
        let draft = draft.clone();
        Callback::from(move |photos: Photos| {
            let mut next = (*draft).clone();
            next.photos = photos;
            draft.set(next);
        })
    };
    let onsubmit = {
        let (draft, message, project, day) = (
            draft.clone(),
            message.clone(),
            props.project,
            props.day.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let report = match draft.report(&day) {
                Ok(report) => report,
                Err(why) => return message.set(Some(why)),
            };
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let sent = services::daily_reports::put(project, &report).await;
                message.set(Some(match sent {
                    Ok(_) => "已提交".to_owned(),
                    Err(f) => f.text(),
                }));
            });
        })
    };
    let text_limit = api::limits::REPORT_CHARS.to_string();
    html! {
        <form class="card form" {onsubmit} novalidate=true>
            <h2>{"我的日志"}</h2>
            <div class="field"><label for="report-weather">{"天气"}</label>
                <select id="report-weather" onchange={on_weather}>
                    <option value="" selected={draft.weather.is_none()}>{"请选择"}</option>
                    { for Weather::ALL.iter().map(|w| html!{
                        <option value={w.code()} selected={draft.weather == Some(*w)}>{w.label()}</option>
                    }) }
                </select></div>
            <div class="field"><label>{"出勤（工种 / 人数）"}</label>
                { for crew_rows }
                <button type="button" class="btn" onclick={add_crew}>{"添加工种"}</button></div>
            <div class="field"><label for="report-content">{"施工内容"}<span class="req">{" *"}</span></label>
                <textarea id="report-content" rows="3" maxlength={text_limit.clone()}
                    value={draft.content.clone()} oninput={edit(|d, v| d.content = v)} /></div>
            <div class="field"><label for="report-problems">{"存在问题"}</label>
                <textarea id="report-problems" rows="2" maxlength={text_limit.clone()}
                    value={draft.problems.clone()} oninput={edit(|d, v| d.problems = v)} /></div>
            <div class="field"><label for="report-tomorrow">{"明日计划"}</label>
                <textarea id="report-tomorrow" rows="2" maxlength={text_limit}
                    value={draft.tomorrow.clone()} oninput={edit(|d, v| d.tomorrow = v)} /></div>
            <div class="field"><label>{"现场照片"}</label>
                <PhotoPicker photos={draft.photos.clone()} onchange={on_photos} max={api::limits::PHOTOS}
                    input_id="report-photo-input" /></div>
            { for message.as_ref().map(|m| html!{ <p class="notice" role="status" id="report-message">{m}</p> }) }
            <button id="submit-report" type="submit" class="btn primary block">{"提交日志"}</button>
        </form>
    }
}

/// Everyone's reports of the day, for those who may read them (others see nothing).
#[function_component(DayReports)]
fn day_reports(props: &DayProps) -> Html {
    let reports = use_load(services::daily_reports::of_day(props.project, &props.day));
    let Load::Ready(list) = &reports.state else {
        return html! {};
    };
    html! {
        <section class="card">
            <h2>{format!("当日日志（{} 份）", list.len())}</h2>
            <ul class="list" id="day-reports">
                { for list.iter().map(|r| {
                    let crews: Vec<String> = r.workforce.iter().map(|c| format!("{} {} 人", c.trade, c.count)).collect();
                    html! {
                        <li key={r.userid.clone()}>
                            <p class="title">{format!("{} · {}", r.name, r.weather.map_or("—", Weather::label))}</p>
                            { for (!crews.is_empty()).then(|| html!{ <p class="meta">{format!("出勤：{}", crews.join("、"))}</p> }) }
                            <p>{&r.content}</p>
                            { for (!r.problems.is_empty()).then(|| html!{ <p class="meta">{format!("问题：{}", r.problems)}</p> }) }
                            { for (!r.tomorrow.is_empty()).then(|| html!{ <p class="meta">{format!("明日：{}", r.tomorrow)}</p> }) }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
