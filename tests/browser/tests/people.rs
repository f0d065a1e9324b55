//! Approvals and people in the H5, in headless Chromium at 390×844 against the demo (as
//! `workbench.rs`): an initiator fixes and resubmits a request the PM sent back, a member
//! sets an out-of-office delegation and ends it, and an admin adds a branch to a template
//! visually, sees the server's complaint beside the node at fault, fixes it and saves.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use browser_tests::{Browser, free_port};
use domain::approval::{Action, Status};
use fantoccini::Locator;
use serde_json::json;
use server::approvals::Origin;
use server::audit::Actor;

/// Sets the value of the element `css` finds as a person would, then says so to the page.
async fn set_css(b: &Browser, css: &str, value: &str) -> anyhow::Result<()> {
    b.wait_for(css).await?;
    b.client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', {bubbles: true}));
             e.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await?;
    Ok(())
}

/// Clicks what `xpath` finds (buttons found by their words).
async fn click_xpath(b: &Browser, xpath: &str) -> anyhow::Result<()> {
    let element = b
        .client
        .wait()
        .at_most(browser_tests::WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .with_context(|| format!("waiting for {xpath}"))?;
    b.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    element.click().await?;
    Ok(())
}

/// Waits until `ok` holds for what the store says.
async fn eventually<F, Fut>(what: &str, ok: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let started = std::time::Instant::now();
    while !ok().await? {
        if started.elapsed() > browser_tests::WAIT {
            bail!("{what} never happened");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_fixed_a_delegation_set_and_a_branch_drawn() -> anyhow::Result<()> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../h5/dist/plan.html");
    if !dist.exists() {
        bail!("the H5 is not built: run `cargo xtask build-h5` (cargo xtask test does)");
    }
    let data = tempfile::tempdir()?;
    let demo = server::demo::start(None, free_port(), data.path().to_path_buf(), 60).await?;
    let people = demo.state.store.org().current_userids().await?;
    let [admin, pm, engineer, colleague, ..] = people.as_slice() else {
        bail!("the demo org has too few members");
    };
    let project = demo
        .state
        .store
        .projects()
        .ledgers_by_code(&["HZ-2026-001".to_owned()])
        .await?
        .into_values()
        .next()
        .context("the seeded project")?
        .id;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let b = Browser::start(&demo.url, shots).await?;

    // The engineer's purchase, sent back by the PM with a reason.
    let form = [
        ("project".to_owned(), json!(project)),
        ("items".to_owned(), json!("C30 商品混凝土 12 方")),
        ("materials".to_owned(), json!(120_050)),
        ("arrival".to_owned(), json!("2026-12-20")),
    ]
    .into();
    let state = &demo.state;
    let id = server::approvals::submit(
        state,
        &Actor::member(engineer),
        "purchase",
        &form,
        None,
        Default::default(),
    )
    .await?;
    let reject = Action::Reject {
        reason: Some("方量不对，请核实".into()),
        to: None,
    };
    server::approvals::act(state, id, &Actor::member(pm), reject, &Origin::default()).await?;

    // The engineer opens it, finds the form filled with what they sent, fixes the amount
    // and the items, and resubmits.
    b.sign_in(engineer, &format!("/approvals/{id}")).await?;
    b.wait_text("#approval-status", |t| t == "已退回").await?;
    b.click("#resubmit").await?;
    b.wait_text("#returned-why", |t| t.contains("方量不对"))
        .await?;
    let items = b.wait_for("#field-items").await?;
    assert_eq!(
        items.prop("value").await?.as_deref(),
        Some("C30 商品混凝土 12 方")
    );
    let materials = b.wait_for("#field-materials").await?;
    assert_eq!(materials.prop("value").await?.as_deref(), Some("1,200.50"));
    b.wait_for(&format!("#field-project option[value='{project}']"))
        .await?;
    b.wait_text("#submit-approval", |t| t == "重新提交").await?;
    set_css(&b, "#field-items", "C30 商品混凝土 10 方").await?;
    set_css(&b, "#field-materials", "").await?;
    b.click("#submit-approval").await?;
    b.wait_text("#form-problem", |t| t.contains("材料金额"))
        .await?;
    set_css(&b, "#field-materials", "1000").await?;
    b.shot("approval-resubmit").await?;
    b.click("#submit-approval").await?;
    b.wait_text("#approval-status", |t| t == "审批中").await?;
    b.wait_text("dl.fields", |t| {
        t.contains("10 方") && t.contains("1,000.00 元")
    })
    .await?;
    let stored = state
        .store
        .approvals()
        .get(id)
        .await?
        .context("the approval")?;
    assert_eq!(stored.instance.status, Status::Pending);
    assert_eq!(stored.instance.round, 2);
    assert_eq!(stored.instance.form["materials"], json!(100_000));

    // 外出委托: from 审批 to the planning bundle's page; a colleague approves meanwhile.
    b.open("/approvals").await?;
    b.click("#delegation-link").await?;
    b.wait_text("main", |t| t.contains("未设置委托")).await?;
    b.type_into(".picker input.search", colleague).await?;
    b.click(&format!("button.pick[data-userid='{colleague}']"))
        .await?;
    b.wait_text("#delegate-chosen", |t| t == colleague).await?;
    b.click("#save-delegation").await?;
    b.wait_text("#delegation-message", |t| t == "已设置委托")
        .await?;
    b.wait_text("#delegation-list", |t| t.contains("代为审批"))
        .await?;
    b.shot("delegation").await?;
    let now = || domain::clock::Clock::now_ms(&*state.clock);
    let set = state
        .store
        .approvals()
        .delegations_of(engineer, now())
        .await?;
    assert_eq!(set.len(), 1);
    assert_eq!(&set[0].0, colleague);
    assert!(
        set[0].1 <= now() && now() < set[0].2,
        "in force now: {set:?}"
    );
    b.click("#end-delegation").await?;
    b.wait_text("#delegation-message", |t| t == "已结束委托")
        .await?;
    b.wait_text("main", |t| t.contains("未设置委托")).await?;
    eventually("the delegation ending", || async {
        Ok(state
            .store
            .approvals()
            .delegations_of(engineer, now())
            .await?
            .is_empty())
    })
    .await?;

    // 管理 → the purchase template: a branch drawn, not typed. Above 10 万元 of materials,
    // an approval node inside the arm; first with nobody named (the server says which node
    // is wrong, beside it), then finance.
    b.sign_in(admin, "/admin/templates/purchase").await?;
    b.wait_for(".template-editor .flow-node[data-node='total_threshold']")
        .await?;
    click_xpath(
        &b,
        "//section[contains(@class,'template-editor')]/div[@class='inline']/button[text()='添加条件分支']",
    )
    .await?;
    let branch = "li.flow-node[data-node='branch1']";
    b.wait_for(branch).await?;
    set_css(&b, &format!("{branch} .cond-value"), "100000").await?;
    b.wait_text(&format!("{branch} .arm .meta"), |t| {
        t.contains("材料金额 大于 100,000.00 元")
    })
    .await?;
    click_xpath(
        &b,
        "//li[@data-node='branch1']//li[contains(@class,'arm')][1]/div[@class='inline']//button[text()='添加审批节点']",
    )
    .await?;
    let node = "li.flow-node[data-node='node1']";
    set_css(
        &b,
        &format!("{node} select[aria-label='审批人']"),
        "members",
    )
    .await?;
    set_css(
        &b,
        &format!("{node} > div.inline:nth-of-type(2) > input"),
        "",
    )
    .await?;
    b.click("#save-template").await?;
    let complaint = b
        .wait_text(&format!("{node}.fault .notice"), |t| {
            t.contains("节点 node1：")
        })
        .await?;
    assert!(complaint.contains("没有可以审批的人"), "{complaint}");
    b.shot("template-branch-fault").await?;
    set_css(
        &b,
        &format!("{node} select[aria-label='审批人']"),
        "finance",
    )
    .await?;
    b.click("#save-template").await?;
    b.wait_text("#template-message", |t| t == "已保存").await?;
    assert_eq!(
        b.count(".flow-node.fault").await?,
        0,
        "the complaint is gone"
    );
    b.shot("template-branch").await?;

    let stored = state
        .store
        .approvals()
        .template("purchase")
        .await?
        .context("the purchase template")?;
    let flow = serde_json::to_value(&stored.template.flow)?;
    let added = flow
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| n["id"] == "branch1"))
        .context("the new branch")?;
    assert_eq!(
        added["arms"][0]["when"],
        json!({"type": "field", "key": "materials", "op": "gt", "value": 10_000_000})
    );
    assert_eq!(added["arms"][0]["nodes"][0]["id"], "node1");
    assert_eq!(added["arms"][0]["nodes"][0]["rule"]["type"], "finance");

    b.client.clone().close().await?;
    Ok(())
}
