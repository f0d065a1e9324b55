//! 我的任务: the member's open tasks, filtered by how urgent they are.

use api::{TaskStatus, TaskView};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{header, today};
use crate::app::Route;
use crate::components::{CodeScanner, task_of_code};
use crate::hooks::{empty, use_load, view_load};
use crate::services;

#[derive(Clone, Copy, PartialEq)]
enum Filter {
    All,
    Overdue,
    Today,
    Doing,
}

impl Filter {
    fn keeps(self, t: &TaskView, today: &str) -> bool {
        match self {
            Self::All => true,
            Self::Overdue => t.overdue_days > 0,
            Self::Today => t.due_on(today),
            Self::Doing => t.status == TaskStatus::Doing,
        }
    }
}

/// My tasks.
#[function_component(Tasks)]
pub fn tasks() -> Html {
    let tasks = use_load(services::tasks::mine());
    let filter = use_state(|| Filter::All);
    let navigator = use_navigator();
    let scan_problem = use_state(|| None::<String>);
    let onscan = {
        let scan_problem = scan_problem.clone();
        Callback::from(move |code: String| match task_of_code(&code) {
            Some(id) => {
                if let Some(nav) = &navigator {
                    nav.push(&Route::Task { id });
                }
            }
            None => scan_problem.set(Some(format!("无法识别的任务码：{code}"))),
        })
    };
    let today = today();
    let chips = [
        (Filter::All, "全部"),
        (Filter::Overdue, "已逾期"),
        (Filter::Today, "今日到期"),
        (Filter::Doing, TaskStatus::Doing.label()),
    ]
    .into_iter()
    .map(|(f, label)| {
        let filter = filter.clone();
        let class = if *filter == f { "seg active" } else { "seg" };
        html! { <button {class} onclick={Callback::from(move |_| filter.set(f))}>{label}</button> }
    });
    html! {
        <main class="page">
            { header("我的任务", false) }
            <CodeScanner label="任务码" {onscan} />
            { for scan_problem.as_ref().map(|p| html!{ <p class="notice">{p}</p> }) }
            <div class="segments">{ for chips }</div>
            { view_load(&tasks, |list| {
                let shown: Vec<_> = list.iter().filter(|t| filter.keeps(t, &today)).collect();
                if shown.is_empty() {
                    return empty("没有需要处理的任务");
                }
                html! {
                    <ul class="list" id="task-list">
                        { for shown.into_iter().map(|t| html! {
                            <li key={t.id}>
                                <Link<Route> to={Route::Task { id: t.id }} classes="row">
                                    <span class="title">{&t.title}</span>
                                    { if t.overdue_days > 0 {
                                        html!{ <span class="badge rejected">{format!("逾期 {} 天", t.overdue_days)}</span> }
                                    } else {
                                        html!{ <span class="badge">{t.status.label()}</span> }
                                    } }
                                    <span class="meta">{format!("{} 至 {} · {}%", t.start, t.finish, t.progress)}</span>
                                </Link<Route>>
                            </li>
                        }) }
                    </ul>
                }
            }) }
        </main>
    }
}
