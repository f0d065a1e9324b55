//! The demo company's projects: a ledger with every field filled, members in their
//! roles, and a schedule that has started, with links, a milestone and tasks already
//! late, so the Gantt, reminders and the ledger show something real on first start.

use anyhow::Context as _;
use api::{NewTaskRequest, ProjectInput, TaskUpdate};
use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::schedule::{Link, LinkKind};

use crate::audit::Actor;
use crate::projects::service as projects;
use crate::state::AppState;
use crate::tasks::service as tasks;

/// One demo project: code, name, type, client, address, (lat, lng), contract and budget
/// in yuan, status, days since planned start, planned length in days, tags.
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (f64, f64),
    (i64, i64),
    &'static str,
    i32,
    i32,
    &'static [&'static str],
);

const PROJECTS: [Spec; 3] = [
    (
        "HZ-2026-001",
        "滨江花园一期住宅",
        "房建",
        "杭州滨江置业有限公司",
        "浙江省杭州市滨江区江南大道 1288 号",
        (30.2087, 120.2123),
        (186_500_000, 172_000_000),
        "active",
        24,
        540,
        &["重点", "EPC"],
    ),
    (
        "HZ-2026-002",
        "之江路综合改造",
        "市政",
        "杭州市城市建设投资集团",
        "浙江省杭州市西湖区之江路",
        (30.2012, 120.1301),
        (64_800_000, 60_500_000),
        "active",
        9,
        300,
        &["市政"],
    ),
    (
        "NB-2025-017",
        "甬江大桥引桥",
        "桥梁",
        "宁波交通投资控股",
        "浙江省宁波市江北区甬江北岸",
        (29.8951, 121.5587),
        (238_000_000, 221_000_000),
        "initiated",
        -30,
        720,
        &["重点"],
    ),
];

/// A task: title, days, percent done.
type Step = (&'static str, i32, u8);

/// A phase and its tasks, chained finish-to-start.
const WBS: [(&str, &[Step]); 3] = [
    (
        "基础工程",
        &[
            ("土方开挖", 5, 100),
            ("垫层浇筑", 2, 100),
            ("基础钢筋绑扎", 4, 80),
            ("基础混凝土浇筑", 3, 0),
        ],
    ),
    (
        "主体结构",
        &[
            ("一层柱钢筋", 4, 0),
            ("一层梁板模板", 6, 0),
            ("一层混凝土浇筑", 2, 0),
            ("二层结构", 12, 0),
        ],
    ),
    ("机电安装", &[("预留预埋", 8, 0), ("主体封顶", 0, 0)]),
];

/// Seeds the demo projects unless they are there already; returns the admin's userid.
pub async fn seed(state: &AppState) -> anyhow::Result<Option<String>> {
    let org = state.store.org();
    let people = org.current_userids().await?;
    let [admin, pm, engineer, safety, foreman, ..] = people.as_slice() else {
        return Ok(None);
    };
    let now = state.clock.now_ms();
    state
        .store
        .roles()
        .grant(admin, "admin", "demo", now)
        .await?;
    let existing = state
        .store
        .projects()
        .ledgers_by_code(&[PROJECTS[0].0.to_owned()])
        .await?;
    if !existing.is_empty() {
        return Ok(Some(admin.clone()));
    }
    let department = org
        .member(pm)
        .await?
        .and_then(|m| m.main_department)
        .unwrap_or(1);
    let today = Day::of_ms(now);
    let actor = Actor {
        userid: admin.clone(),
        ip: None,
    };
    for (n, spec) in PROJECTS.iter().enumerate() {
        let (
            code,
            name,
            kind,
            client,
            address,
            location,
            (contract, budget),
            status,
            ago,
            days,
            tags,
        ) = *spec;
        let start = today.plus(-ago);
        let input = ProjectInput {
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            client: client.into(),
            address: address.into(),
            location: Some(location),
            contract_fen: Some(contract * 100),
            budget_fen: Some(budget * 100),
            contract_status: Some(if ago > 0 { "performing" } else { "signed" }.into()),
            planned_start: Some(start.to_string()),
            planned_finish: Some(start.plus(days).to_string()),
            actual_start: (ago > 0).then(|| start.to_string()),
            department_id: department,
            status: Some(status.into()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            pm: Some(pm.clone()),
            ..ProjectInput::default()
        };
        let id = projects::create(state, &input, &actor)
            .await
            .with_context(|| format!("seeding project {code}"))?;
        for (who, role) in [
            (engineer, ProjectRole::Engineer),
            (safety, ProjectRole::Safety),
            (foreman, ProjectRole::Foreman),
        ] {
            state
                .store
                .projects()
                .add_member(id, who, role, admin, now)
                .await?;
        }
        if n == 0 {
            schedule(state, id, start, pm, &[engineer, foreman]).await?;
            pm_files_a_purchase(state, id, pm, today).await?;
        }
    }
    Ok(Some(admin.clone()))
}

/// The PM files a 材料采购申请 on their own project: the template's PM node is theirs,
/// so the self-approval rule hands it to their leader (or the admin), and the card and
/// the timeline say so.
async fn pm_files_a_purchase(
    state: &AppState,
    project: i64,
    pm: &str,
    today: Day,
) -> anyhow::Result<()> {
    let form = [
        ("project".to_owned(), serde_json::json!(project)),
        (
            "items".to_owned(),
            serde_json::json!("HRB400E 螺纹钢 Φ25，32 吨"),
        ),
        ("materials".to_owned(), serde_json::json!(15_680_000)),
        (
            "arrival".to_owned(),
            serde_json::json!(today.plus(5).to_string()),
        ),
    ]
    .into();
    crate::approvals::submit(
        state,
        &Actor::member(pm),
        "purchase",
        &form,
        None,
        std::collections::BTreeMap::new(),
    )
    .await
    .context("seeding the PM's purchase")?;
    Ok(())
}

/// The first project's WBS: phases, chained tasks, progress as of today.
async fn schedule(
    state: &AppState,
    project: i64,
    start: Day,
    pm: &str,
    owners: &[&String],
) -> anyhow::Result<()> {
    let actor = Actor::member(pm);
    let mut previous: Option<i64> = None;
    let mut next_start = start;
    let mut nth = 0;
    for (phase, steps) in WBS {
        let parent = tasks::create(
            state,
            project,
            &task(None, phase, next_start, 1, None),
            &actor,
        )
        .await?
        .id;
        for (title, days, progress) in steps {
            let owner = owners[nth % owners.len()];
            nth += 1;
            let new = task(Some(parent), title, next_start, *days, Some(owner));
            let id = tasks::create(state, project, &new, &actor).await?.id;
            if let Some(from) = previous {
                let link = Link {
                    from,
                    to: id,
                    kind: LinkKind::FinishStart,
                    lag: 0,
                };
                tasks::link(state, project, link, &actor).await?;
            }
            if *progress > 0 {
                let update = TaskUpdate {
                    progress: Some(*progress),
                    ..TaskUpdate::default()
                };
                tasks::update(state, id, &update, &actor).await?;
            }
            previous = Some(id);
            next_start = next_start.plus(*days);
        }
    }
    state
        .store
        .tasks()
        .take_baseline(project, state.clock.now_ms())
        .await?;
    Ok(())
}

fn task(
    parent: Option<i64>,
    title: &str,
    start: Day,
    days: i32,
    owner: Option<&String>,
) -> NewTaskRequest {
    NewTaskRequest {
        parent_id: parent,
        title: title.into(),
        start: start.to_string(),
        days,
        milestone: days == 0,
        owner: owner.cloned(),
        helpers: Vec::new(),
    }
}

/// A project `code` of `n` linked tasks from `origin`, shaped like a real schedule
/// ([`domain::schedule::sample::network`]); for benchmarks of big Gantts.
pub async fn sample_schedule(
    state: &AppState,
    code: &str,
    name: &str,
    n: usize,
    origin: Day,
) -> anyhow::Result<i64> {
    let id = state
        .store
        .projects()
        .create(
            &store::NewProject {
                code: code.into(),
                name: name.into(),
                department_id: 1,
                status: domain::project::ProjectStatus::Active,
            },
            "bench",
            state.clock.now_ms(),
        )
        .await?;
    let (activities, links) = domain::schedule::sample::network(n, origin);
    let mut ids = Vec::with_capacity(n);
    for a in &activities {
        let new = store::NewTask {
            project_id: id,
            parent_id: None,
            title: format!("工序 {}", a.id),
            milestone: false,
            start: a.start,
            days: a.days,
            owner: None,
            helpers: Vec::new(),
        };
        ids.push(state.store.tasks().create(&new, "bench", 0).await?);
    }
    for l in &links {
        let link = domain::schedule::Link {
            from: ids[(l.from - 1) as usize],
            to: ids[(l.to - 1) as usize],
            ..*l
        };
        state.store.tasks().link(id, &link).await?;
    }
    Ok(id)
}
