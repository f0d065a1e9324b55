//! 导入项目 (planning bundle): pick an .xlsx, see the server's dry run (every problem by
//! row and column, or what would be created and changed), then apply it; nothing is
//! written while any row is wrong. The current ledger exports as a template.

use std::rc::Rc;

use api::ImportReport;
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use super::header;
use crate::services;

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// No file yet.
    Choose,
    /// Reading or sending.
    Busy(&'static str),
    /// The dry run of `file`.
    Checked {
        name: String,
        sheet: Rc<Vec<u8>>,
        report: ImportReport,
    },
    /// Applied.
    Applied(ImportReport),
    /// Something failed; choose again.
    Failed(String),
}

/// The import page.
#[function_component(ImportProjects)]
pub fn import_projects() -> Html {
    let step = use_state(|| Step::Choose);
    let chosen = {
        let step = step.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let step = step.clone();
            step.set(Step::Busy("正在检查…"));
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
                    return step.set(Step::Failed("读取文件失败，请重新选择".to_owned()));
                };
                let sheet = js_sys::Uint8Array::new(&buffer);
                let bytes = Rc::new(sheet.to_vec());
                step.set(match services::projects::import(sheet, true).await {
                    Ok(report) => Step::Checked {
                        name: file.name(),
                        sheet: bytes,
                        report,
                    },
                    Err(failure) => Step::Failed(failure.text()),
                });
            });
        })
    };
    let apply = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            let Step::Checked { sheet, name, .. } = (*step).clone() else {
                return;
            };
            let step = step.clone();
            step.set(Step::Busy("正在导入…"));
            wasm_bindgen_futures::spawn_local(async move {
                let bytes = js_sys::Uint8Array::from(sheet.as_slice());
                step.set(match services::projects::import(bytes, false).await {
                    Ok(report) if report.applied => Step::Applied(report),
                    // The ledger changed since the check: show what is wrong now.
                    Ok(report) => Step::Checked {
                        name,
                        sheet,
                        report,
                    },
                    Err(failure) => Step::Failed(failure.text()),
                });
            });
        })
    };
    let busy = matches!(*step, Step::Busy(_));
    let body = match &*step {
        Step::Choose => html! {},
        Step::Busy(what) => html! { <div class="state loading" aria-busy="true">{*what}</div> },
        Step::Failed(why) => html! { <p class="notice" role="alert" id="import-failed">{why}</p> },
        Step::Checked { name, report, .. } => preview(name, report, apply),
        Step::Applied(r) => html! {
            <section class="card" id="import-result">
                <h2>{"已导入"}</h2>
                <p>{format!("新建 {} 个，更新 {} 个，未变 {} 个", r.created, r.updated, r.unchanged)}</p>
                <a class="btn block" href="/projects">{"返回项目列表"}</a>
            </section>
        },
    };
    html! {
        <main class="page">
            { header("导入项目", true) }
            <section class="card">
                <p>{"选择 Excel（.xlsx）文件：第一行为表头，如 项目编号、项目名称、所属部门（或 部门ID）、项目状态、计划开工、计划竣工、项目经理。编号已存在的行更新该项目，其余新建。"}</p>
                <p class="meta">{"先检查全部行，有任何问题都不会写入。"}</p>
                <div class="buttons">
                    <label class="btn primary file">
                        {"选择文件"}
                        <input id="import-file" type="file" disabled={busy}
                            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            onchange={chosen} />
                    </label>
                    <a class="btn" id="export-link" href={services::projects::export_url("", None)}>{"导出现有台账（可作模板）"}</a>
                </div>
            </section>
            { body }
        </main>
    }
}

/// The dry run: the problems by row and column, or what applying would do.
fn preview(name: &str, report: &ImportReport, apply: Callback<MouseEvent>) -> Html {
    if report.problems.is_empty() {
        return html! {
            <section class="card" id="import-preview">
                <h2>{"检查通过"}</h2>
                <p class="meta">{name.to_owned()}</p>
                <p>{format!("将新建 {} 个，更新 {} 个，未变 {} 个", report.created, report.updated, report.unchanged)}</p>
                <button id="import-commit" class="btn primary block" onclick={apply}>{"确认导入"}</button>
            </section>
        };
    }
    html! {
        <section class="card" id="import-preview">
            <h2>{format!("发现 {} 个问题，未导入任何数据", report.problems.len())}</h2>
            <p class="meta">{format!("{name}：请在表格中修改后重新选择文件")}</p>
            <ul class="list compact" id="import-problems">
                { for report.problems.iter().map(|p| html! {
                    <li class="row" data-row={p.row.to_string()} data-column={p.column.clone()}>
                        <span class="title">{ if p.column.is_empty() { format!("第 {} 行", p.row) } else { format!("第 {} 行 · {}", p.row, p.column) } }</span>
                        <span class="meta">{&p.message}</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}
