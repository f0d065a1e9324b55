//! A project run from the phone, in headless Chromium at 390×844 against the demo (gantry
//! on SQLite with the built-in WeCom simulator): the admin creates a project with the
//! form (its own checks and the server's shown under the fields), adds a member and is
//! refused removing the last PM, changes the schedule settings, imports a sheet (a row
//! problem in the preview first, then the corrected sheet), downloads the export and
//! archives the project after a confirmation; an engineer sees none of the PM's buttons.
//! Screenshots go to `target/tmp/screenshots` (and `$GANTRY_SCREENSHOTS_TO`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use browser_tests::{Browser, WAIT, free_port};
use domain::project::ProjectStatus;
use serde_json::json;

/// A ledger sheet of text cells under `header`.
fn sheet(path: &Path, header: &[&str], rows: &[&[&str]]) -> anyhow::Result<String> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    for (col, h) in (0u16..).zip(header) {
        s.write_string(0, col, *h)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells.iter()) {
            s.write_string(row, col, *cell)?;
        }
    }
    book.save(path)?;
    Ok(path.to_str().context("a UTF-8 temp path")?.to_owned())
}

/// Waits until the page's path is `path`.
async fn wait_path(b: &Browser, path: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let url = b.client.current_url().await?;
        if url.path() == path {
            return Ok(());
        }
        if started.elapsed() > WAIT {
            bail!("never reached {path}; at {url}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pm_runs_a_project_from_the_phone() -> anyhow::Result<()> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../h5/dist/plan.html");
    if !dist.exists() {
        bail!("the H5 is not built: run `cargo xtask build-h5` (cargo xtask test does)");
    }
    let data = tempfile::tempdir()?;
    let demo = server::demo::start(None, free_port(), data.path().to_path_buf(), 60).await?;
    let store = &demo.state.store;
    let people = store.org().current_userids().await?;
    let [admin, pm, engineer, ..] = people.as_slice() else {
        bail!("the demo org has too few members");
    };
    let seeded = store
        .projects()
        .ledgers_by_code(&["HZ-2026-001".to_owned()])
        .await?
        .into_values()
        .next()
        .context("the seeded project")?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let b = Browser::start(&demo.url, shots).await?;

    // 项目 → 新建项目, a page of the planning bundle.
    b.sign_in(admin, "/projects").await?;
    b.click("#project-list-actions a[href='/projects/new']")
        .await?;
    b.wait_for("#field-code").await?;
    // Saved empty: the form's own checks, each under its field.
    b.click("#save-project").await?;
    b.wait_text("#err-code", |t| t.contains("请填写项目编号"))
        .await?;
    b.wait_text("#err-department", |t| t.contains("请选择所属部门"))
        .await?;
    // A code that is taken: the server's refusal lands under the code.
    b.set_value("field-code", &seeded.ledger.code).await?;
    b.set_value("field-name", "城西实验学校").await?;
    b.set_value("field-kind", "房建").await?;
    b.set_value("field-client", "城西教育局").await?;
    b.click("#field-department button.pick").await?;
    b.wait_for("#field-department button.pick.on").await?;
    b.type_into("#field-pm input.search", pm).await?;
    b.click(&format!("#field-pm button.pick[data-userid='{pm}']"))
        .await?;
    b.wait_text("#pm-chosen", |t| t == pm.as_str()).await?;
    b.set_value("field-location", "30.2741, 120.1551").await?;
    b.set_value("field-contract", "12,000,000").await?;
    b.set_value("field-planned", "2027-03-01").await?;
    b.set_value("field-planned-finish", "2028-06-30").await?;
    b.set_value("field-tags", "重点、学校").await?;
    b.set_value("field-status", "active").await?;
    b.click("#save-project").await?;
    b.wait_text("#err-code", |t| t.contains("已存在")).await?;
    b.shot("project-new-refused").await?;
    b.set_value("field-code", "HZ-2027-101").await?;
    b.click("#save-project").await?;
    let created = {
        let started = Instant::now();
        loop {
            let found = store
                .projects()
                .ledgers_by_code(&["HZ-2027-101".to_owned()])
                .await?;
            if let Some(record) = found.into_values().next() {
                break record;
            }
            if started.elapsed() > WAIT {
                bail!("the project was never created");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let id = created.id;
    assert_eq!(created.ledger.contract_fen, Some(1_200_000_000));
    assert_eq!(created.ledger.tags, ["学校", "重点"]);
    // Back on the project's page (field app), with the PM's buttons.
    wait_path(&b, &format!("/projects/{id}")).await?;
    b.wait_text("#project-name", |t| t == "城西实验学校")
        .await?;
    assert_eq!(
        b.count("#project-actions a").await?,
        4,
        "编辑, 成员, 进度设置, 交接"
    );
    b.shot("project-created").await?;

    // 成员: an engineer added; removing the only PM is refused, in Chinese.
    b.click(&format!(
        "#project-actions a[href='/projects/{id}/members']"
    ))
    .await?;
    b.wait_for(&format!("li[data-member='{pm}/manager']"))
        .await?;
    b.set_value("new-role", "engineer").await?;
    b.type_into(".picker input.search", engineer).await?;
    b.click(&format!(".picker button.pick[data-userid='{engineer}']"))
        .await?;
    b.wait_text("#new-member", |t| t == engineer.as_str())
        .await?;
    b.click("#add-member").await?;
    b.wait_text("#members-message", |t| t.contains("已添加"))
        .await?;
    b.wait_for(&format!("li[data-member='{engineer}/engineer']"))
        .await?;
    b.click(&format!("li[data-member='{pm}/manager'] button.remove"))
        .await?;
    b.wait_text("#members-message", |t| t.contains("至少需要一位项目经理"))
        .await?;
    assert_eq!(
        b.count(&format!("li[data-member='{pm}/manager']")).await?,
        1
    );
    b.shot("project-members").await?;

    // 进度设置: the lag threshold and whether successors follow.
    let before = store
        .projects()
        .schedule_settings(id)
        .await?
        .context("settings")?;
    b.open(&format!("/projects/{id}/schedule")).await?;
    b.wait_for("#lag-alert-days").await?;
    b.set_value("lag-alert-days", "0").await?;
    b.click("#save-settings").await?;
    b.wait_text("#settings-message", |t| t.contains("1 到 365"))
        .await?;
    b.set_value("lag-alert-days", "5").await?;
    b.click("#shift-successors").await?;
    b.click("#save-settings").await?;
    b.wait_text("#settings-message", |t| t == "已保存").await?;
    let after = store
        .projects()
        .schedule_settings(id)
        .await?
        .context("settings")?;
    assert_eq!(after.lag_alert_days, Some(5));
    assert_eq!(after.shift_successors, !before.shift_successors);
    b.shot("project-schedule-settings").await?;

    // 导入: a row problem in the preview first, nothing written; then the corrected sheet.
    let header = [
        "项目编号",
        "项目名称",
        "部门ID",
        "项目状态",
        "计划开工",
        "计划竣工",
    ];
    let department = seeded.ledger.department_id.to_string();
    let department = department.as_str();
    let wrong = sheet(
        &data.path().join("wrong.xlsx"),
        &header,
        &[
            &[
                "HZ-2027-201",
                "滨江公园",
                department,
                "在建",
                "2027-04-01",
                "2027-12-31",
            ],
            &[
                "HZ-2027-202",
                "江南大道",
                department,
                "施工中",
                "2027-05-01",
                "2028-01-31",
            ],
        ],
    )?;
    let right = sheet(
        &data.path().join("right.xlsx"),
        &header,
        &[
            &[
                "HZ-2027-201",
                "滨江公园",
                department,
                "在建",
                "2027-04-01",
                "2027-12-31",
            ],
            &[
                "HZ-2027-202",
                "江南大道",
                department,
                "立项",
                "2027-05-01",
                "2028-01-31",
            ],
        ],
    )?;
    b.open("/projects").await?;
    b.click("#project-list-actions a[href='/projects/import']")
        .await?;
    b.wait_for("#import-file").await?.send_keys(&wrong).await?;
    b.wait_for("#import-problems li[data-row='3'][data-column='项目状态']")
        .await?;
    b.wait_text("#import-preview h2", |t| t.contains("1 个问题"))
        .await?;
    b.shot("project-import-problems").await?;
    let imported = |codes: [&str; 2]| {
        let codes = codes.map(str::to_owned).to_vec();
        async move { store.projects().ledgers_by_code(&codes).await }
    };
    assert!(imported(["HZ-2027-201", "HZ-2027-202"]).await?.is_empty());
    b.wait_for("#import-file").await?.send_keys(&right).await?;
    b.wait_text("#import-preview", |t| t.contains("将新建 2 个"))
        .await?;
    b.click("#import-commit").await?;
    b.wait_text("#import-result", |t| t.contains("新建 2 个"))
        .await?;
    assert_eq!(imported(["HZ-2027-201", "HZ-2027-202"]).await?.len(), 2);
    b.shot("project-imported").await?;

    // 导出: a plain link with the session cookie; saved under its Chinese name.
    let href = b
        .wait_for("#export-link")
        .await?
        .attr("href")
        .await?
        .context("an export link")?;
    let disposition = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-disposition')]));",
            vec![json!(href)],
        )
        .await?;
    assert_eq!(disposition[0], 200, "{disposition}");
    let disposition = disposition[1].as_str().unwrap_or_default();
    assert!(
        disposition.contains("filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E5%8F%B0%E8%B4%A6"),
        "{disposition}"
    );

    // 编辑 → 归档, after a confirmation.
    b.open(&format!("/projects/{id}/edit")).await?;
    b.wait_for("#field-status").await?;
    b.set_value("field-status", "archived").await?;
    b.click("#save-project").await?;
    b.wait_text("#archive-confirm", |t| t.contains("城西实验学校"))
        .await?;
    b.shot("project-archive-confirm").await?;
    let status = || async {
        anyhow::Ok(
            store
                .projects()
                .ledger(id)
                .await?
                .context("the project")?
                .ledger
                .status,
        )
    };
    assert_eq!(
        status().await?,
        ProjectStatus::Active,
        "nothing before the yes"
    );
    b.click("#confirm-archive").await?;
    wait_path(&b, &format!("/projects/{id}")).await?;
    b.wait_text("#project-name + .meta .badge", |t| t == "归档")
        .await?;
    assert_eq!(status().await?, ProjectStatus::Archived);

    // The engineer on the project sees it, but none of the PM's buttons or 新建项目.
    b.sign_in(engineer, &format!("/projects/{id}")).await?;
    b.wait_text("#project-name", |t| t == "城西实验学校")
        .await?;
    assert_eq!(b.count("#project-actions a").await?, 0);
    b.open("/projects").await?;
    b.wait_for("#project-list-actions").await?;
    assert_eq!(
        b.count("#project-list-actions a[href='/projects/new']")
            .await?,
        0
    );
    Ok(())
}
