//! The H5 workbench end to end, in real headless Chromium (Debian `chromium` and
//! `chromedriver`, installed by `.ci/run`) at a phone's 390×844, against the demo: gantry
//! on SQLite with the built-in WeCom simulator and its seeded company.
//!
//! One journey, as people would take it: an engineer signs in through WeCom OAuth, checks
//! in on a task with a photo and submits a purchase request with a photo; the PM approves
//! it in the H5 and the simulator sees the PM's card greyed out; the Gantt shows the
//! critical path; the admin opens 管理, edits a template and checks the audit log.
//! Screenshots of each page are written to `target/tmp/screenshots` (and to
//! `$GANTRY_SCREENSHOTS_TO` when set, e.g. `docs/screenshots`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use browser_tests::{Browser, WAIT, free_port};
use serde_json::json;

/// A phone photo of a site, as a file the browser's picker would hand over.
fn site_photo(dir: &Path) -> anyhow::Result<PathBuf> {
    let scene = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x / 3 % 256) as u8, (y / 2 % 256) as u8, 160])
    });
    let path = dir.join("site.jpg");
    scene.save_with_format(&path, image::ImageFormat::Jpeg)?;
    Ok(path)
}

/// When the photo was taken, as its EXIF says.
const TAKEN_AT: &[u8] = b"2026:12:07 08:30:00";

/// A camera original: 3,200 × 2,400 px with an EXIF block naming when it was taken.
fn camera_original(dir: &Path) -> anyhow::Result<(PathBuf, Vec<u8>)> {
    // Sensor noise over a gradient, saved at a camera's quality: megabytes, as a phone's.
    let mut seed = 0x2545_F491_u32;
    let scene = image::RgbImage::from_fn(3200, 2400, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 48) as u8;
        image::Rgb([
            (x / 13 % 200) as u8 + noise,
            (y / 10 % 200) as u8 + noise,
            150 + noise,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92).encode_image(&scene)?;
    // IFD0 with Orientation = 1 and DateTime, big-endian.
    let mut tiff = b"MM\0\x2A\0\0\0\x08\0\x02".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0]);
    tiff.extend_from_slice(&[0x01, 0x32, 0, 2, 0, 0, 0, 20, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(TAKEN_AT);
    tiff.push(0);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&u16::try_from(tiff.len() + 8)?.to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut original = jpeg[..2].to_vec();
    original.extend_from_slice(&app1);
    original.extend_from_slice(&jpeg[2..]);
    let path = dir.join("camera.jpg");
    std::fs::write(&path, &original)?;
    Ok((path, original))
}

/// The approval's photo arrived at most 2,048 px long, much smaller, still saying when
/// it was taken.
async fn photo_was_shrunk_with_its_exif(
    demo: &server::demo::Demo,
    approval: i64,
    original: &[u8],
) -> anyhow::Result<()> {
    let stored = demo
        .state
        .store
        .approvals()
        .get(approval)
        .await?
        .context("the approval")?;
    let key = stored
        .instance
        .form
        .get("attachments")
        .and_then(|a| a[0].as_str())
        .context("an attachment key")?
        .to_owned();
    let sent = server::files::load(&demo.state, &key)
        .await?
        .context("the stored photo")?;
    let image = image::load_from_memory(&sent)?;
    let long = image.width().max(image.height());
    if long > 2048 || sent.len() * 2 > original.len() {
        bail!(
            "not shrunk: {}×{}, {} of {} bytes",
            image.width(),
            image.height(),
            sent.len(),
            original.len()
        );
    }
    if !sent.windows(TAKEN_AT.len()).any(|w| w == TAKEN_AT) {
        bail!("the capture time was lost on the way");
    }
    eprintln!(
        "photo shrunk in the H5: {} → {} bytes, {}×{}",
        original.len(),
        sent.len(),
        image.width(),
        image.height()
    );
    Ok(())
}

/// The database stops taking writes (another process holds SQLite's write lock past the
/// busy timeout) while the engineer checks in: the server answers 503, the H5 keeps the
/// check-in in its offline queue instead of calling it refused, and sends it once the
/// database is back; it is recorded exactly once.
async fn checkin_survives_a_database_outage(
    b: &Browser,
    demo: &server::demo::Demo,
    data: &Path,
    task_id: &str,
) -> anyhow::Result<()> {
    use store::sqlx::{Connection as _, sqlite::SqliteConnection};
    let task: i64 = task_id.parse()?;
    let note = "停电期间的打卡";
    let url = format!("sqlite://{}", data.join("gantry.db").display());
    let mut holder = SqliteConnection::connect(&url).await?;
    store::sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut holder)
        .await?;
    b.type_into("#checkin-note", note).await?;
    b.click("#submit-checkin").await?;
    b.wait_text("#checkin-message", |t| t.contains("已保存"))
        .await?;
    b.shot("task-checkin-queued").await?;
    store::sqlx::query("ROLLBACK").execute(&mut holder).await?;
    drop(holder);
    // The queue retries every 30 s and when the browser comes back online; say so now.
    b.client
        .execute("window.dispatchEvent(new Event('online'))", vec![])
        .await?;
    let started = Instant::now();
    loop {
        let stored = demo.state.store.tasks().checkins(task).await?;
        let sent = stored.iter().filter(|c| c.note == note).count();
        if sent == 1 {
            break;
        }
        if sent > 1 || started.elapsed() > WAIT {
            bail!("the queued check-in was stored {sent} times");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_working_day_in_the_workbench() -> anyhow::Result<()> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../h5/dist/index.html");
    if !dist.exists() {
        bail!("the H5 is not built: run `cargo xtask build-h5` (cargo xtask test does)");
    }
    let data = tempfile::tempdir()?;
    let demo = server::demo::start(None, free_port(), data.path().to_path_buf(), 60).await?;
    let people = demo.state.store.org().current_userids().await?;
    let [admin, pm, engineer, ..] = people.as_slice() else {
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
    let photo = site_photo(data.path())?;
    let photo = photo.to_str().context("a UTF-8 temp path")?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let b = Browser::start(&demo.url, shots).await?;

    // 工作台: the engineer's counts, their late tasks among them.
    b.sign_in(engineer, "/").await?;
    let mine = b
        .wait_text("#stat-mine", |t| t.parse::<u32>().is_ok())
        .await?;
    assert!(mine.parse::<u32>()? > 0, "the seeded engineer owns tasks");
    b.wait_text("#stat-overdue", |t| t.parse::<u32>().is_ok_and(|n| n > 0))
        .await?;
    b.wait_for(".list a.row").await?;
    b.shot("workbench").await?;

    // 任务 → a task (opened by its code, as a scan outside WeCom is typed) → check in with a
    // photo, a note and progress.
    b.open("/tasks").await?;
    let first = b.wait_for("#task-list a.row").await?.attr("href").await?;
    let first = first.context("a task link")?;
    let task_id = first.rsplit('/').next().context("a task id")?.to_owned();
    b.type_into("#code-input", &format!("task:{task_id}"))
        .await?;
    b.type_into("#code-input", "\n").await?;
    b.wait_for("#task-title").await?;
    assert!(
        b.client
            .current_url()
            .await?
            .path()
            .ends_with(&format!("/tasks/{task_id}"))
    );
    b.type_into("#checkin-note", "模板支设完成，明日浇筑")
        .await?;
    b.type_into("#checkin-progress", "70").await?;
    b.wait_for("#photo-input").await?.send_keys(photo).await?;
    b.wait_text("#photo-count", |t| t.contains("已添加 1 张"))
        .await?;
    b.click("#submit-checkin").await?;
    b.wait_text("#checkin-message", |t| t.contains("打卡成功"))
        .await?;
    b.wait_for("#checkin-list .thumbs img").await?;
    b.shot("task-checkin").await?;
    checkin_survives_a_database_outage(&b, &demo, data.path(), &task_id).await?;

    b.type_into("#comment-text", "明早八点浇筑，请安全员到场")
        .await?;
    b.click("#submit-comment").await?;
    b.wait_text("#comment-list", |t| t.contains("明早八点浇筑"))
        .await?;

    // 申请延期 from the task: it becomes an approval waiting for the PM.
    b.click("details.card summary").await?;
    b.type_into("#extension-days", "2").await?;
    b.type_into("#extension-reason", "连续降雨，基坑积水")
        .await?;
    b.click("#submit-extension").await?;
    b.wait_text("#approval-status", |t| t == "审批中").await?;
    b.shot("task-extension").await?;

    // 施工日志: the engineer files today's, and sees it among the day's reports.
    b.open(&format!("/projects/{project}/daily")).await?;
    b.wait_for("#report-weather").await?;
    b.set_value("report-weather", "rain").await?;
    b.type_into(".field .inline input", "钢筋工").await?;
    b.type_into(".field .inline input[type=number]", "12")
        .await?;
    b.type_into("#report-content", "二层梁板钢筋绑扎").await?;
    b.type_into("#report-tomorrow", "钢筋隐蔽验收").await?;
    b.click("#submit-report").await?;
    b.wait_text("#report-message", |t| t == "已提交").await?;
    b.open(&format!("/projects/{project}/daily")).await?;
    b.wait_text("#day-reports", |t| t.contains("钢筋工 12 人"))
        .await?;
    b.shot("daily-report").await?;

    // 发起审批: a purchase request with money in 元 and a photo.
    b.open("/approvals/new/purchase").await?;
    b.wait_for("#field-project option[value]").await?;
    b.set_value("field-project", &project.to_string()).await?;
    b.type_into("#field-items", "C30 商品混凝土 12 方").await?;
    b.type_into("#field-materials", "1200.50").await?;
    b.set_value("field-arrival", "2026-12-20").await?;
    // A camera original: the H5 shrinks it before sending (checked below).
    let (camera, original) = camera_original(data.path())?;
    let camera = camera.to_str().context("a UTF-8 path")?;
    b.wait_for("#photo-input").await?.send_keys(camera).await?;
    b.wait_text("#photo-count", |t| t.contains("已添加 1 张"))
        .await?;
    b.click("#submit-approval").await?;
    b.wait_text("#approval-status", |t| t == "审批中").await?;
    let url = b.client.current_url().await?;
    let id: i64 = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .context("an approval id in the URL")?;
    let detail = b
        .wait_text("dl.fields", |t| t.contains("1,200.50 元"))
        .await?;
    assert!(detail.contains("C30"), "{detail}");
    b.wait_text("dl.fields", |t| t.contains("HZ-2026-001"))
        .await?;
    b.wait_for("dl.fields .thumbs img").await?;
    b.shot("approval-submitted").await?;
    photo_was_shrunk_with_its_exif(&demo, id, &original).await?;

    // The PM finds it in 待我审批 and approves it with one tap.
    b.sign_in(pm, "/approvals").await?;
    b.click(&format!("#approval-list a[href='/approvals/{id}']"))
        .await?;
    b.click("#act-approve").await?;
    b.wait_text("#approval-status", |t| t == "已通过").await?;
    b.shot("approval-approved").await?;
    // The card WeCom showed the PM is greyed out, through the outbox.
    let started = Instant::now();
    while !demo
        .sim
        .card_updates()
        .iter()
        .any(|u| u.userids.iter().any(|x| x == pm))
    {
        if started.elapsed() > WAIT {
            bail!("the PM's card was never updated in the simulator");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // 项目 → the Gantt with its critical path.
    b.open(&format!("/projects/{project}")).await?;
    b.wait_text("#lag-days", |t| t.ends_with('天')).await?;
    b.shot("project").await?;
    b.open(&format!("/projects/{project}/gantt")).await?;
    b.wait_for("#gantt-svg g[data-id]").await?;
    assert!(
        b.count("#gantt-svg g[data-critical='true']").await? > 0,
        "a critical path"
    );
    assert!(
        b.count("#gantt-svg path.link").await? > 0,
        "dependencies drawn"
    );
    assert_eq!(b.count("#gantt-svg line.today").await?, 1);
    let week = b.wait_for("#gantt-svg").await?.attr("width").await?;
    b.click("button[data-zoom='日']").await?;
    let started = Instant::now();
    loop {
        let day = b.wait_for("#gantt-svg").await?.attr("width").await?;
        let wider = day
            .as_deref()
            .zip(week.as_deref())
            .and_then(|(d, w)| Some(d.parse::<f64>().ok()? > w.parse::<f64>().ok()?));
        if wider == Some(true) {
            break;
        }
        if started.elapsed() > WAIT {
            bail!("zooming to days did not widen the chart ({week:?} → {day:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.shot("gantt").await?;

    // 管理: the admin sees the org sync and the queues, then adds a field to the purchase
    // form in the template editor.
    b.sign_in(admin, "/admin").await?;
    b.wait_text("#last-sync", |t| t.contains("成功")).await?;
    b.wait_text(".tabbar", |t| t.contains("管理")).await?;
    b.shot("admin").await?;
    b.click("#template-list a[href='/admin/templates/purchase']")
        .await?;
    b.wait_for(".template-editor .flow-node").await?;
    let fields_before = b.count(".edit-row").await?;
    b.click(".template-editor > .btn.small").await?;
    assert_eq!(b.count(".edit-row").await?, fields_before + 1);
    b.shot("template-editor").await?;
    b.click("#save-template").await?;
    b.wait_text("#template-message", |t| t == "已保存").await?;
    let stored = demo
        .state
        .store
        .approvals()
        .template("purchase")
        .await?
        .context("the purchase template")?;
    assert_eq!(stored.template.form.fields.len(), fields_before + 1);

    // 审计日志: the day's changes are listed (the template save among them), and 校验
    // finds the chain intact and anchors it.
    b.open("/admin").await?;
    b.click("a[href='/admin/audit']").await?;
    b.wait_text("#audit-list", |t| t.contains("修改审批模板"))
        .await?;
    b.click("#audit-verify").await?;
    b.wait_text("#audit-verdict", |t| t.starts_with("完整：审计日志完整"))
        .await?;
    b.shot("audit-log").await?;

    b.client.clone().close().await?;
    Ok(())
}

/// Inside WeCom (its webview's user agent), the H5 goes through the JS-SDK: registered with
/// this app's corp and agent, signatures from the server, the camera's photo uploaded to
/// WeCom and fetched by the server with `media/get`, the location from the client. A stand-in
/// `ww` with the SDK's promise API plays the WeCom client; the photo is a real media id in
/// the simulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_wecom_the_js_sdk_takes_the_photo_and_the_place() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let demo = server::demo::start(None, free_port(), data.path().to_path_buf(), 60).await?;
    let people = demo.state.store.org().current_userids().await?;
    let engineer = people.get(2).context("the seeded engineer")?;
    let jpeg = std::fs::read(site_photo(data.path())?)?;
    let media_id = demo
        .state
        .wecom
        .upload_media(
            wecom::client::MediaKind::Image,
            "site.jpg",
            jpeg,
            "image/jpeg",
        )
        .await?
        .media_id;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile \
                 wxwork/4.1.20 MicroMessenger/7.0.1";
    let b = Browser::start_as(&demo.url, shots, Some(agent)).await?;
    let fake = format!(
        "window.ww = {{
           SDK_VERSION: 'stand-in',
           register(o) {{ window.__ww = o; }},
           chooseImage(o) {{ return Promise.resolve({{localIds: ['wxLocalResource://1']}}); }},
           uploadImage(o) {{ return Promise.resolve({{serverId: '{media_id}'}}); }},
           getLocation(o) {{ return Promise.resolve({{latitude: 30.2741, longitude: 120.1551}}); }},
           scanQRCode(o) {{ return Promise.resolve({{resultStr: 'task:1'}}); }},
           selectEnterpriseContact(o) {{ return Promise.resolve({{result: {{userList: []}}}}); }}
         }};"
    );
    b.cdp("Page.enable", json!({})).await?;
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": fake}),
    )
    .await?;
    b.sign_in(engineer, "/tasks").await?;
    b.click("#task-list a.row").await?;
    b.wait_for("#task-title").await?;
    assert_eq!(
        b.count("#photo-input").await?,
        0,
        "no file input inside WeCom"
    );
    b.click(".photos button").await?;
    b.wait_text("#photo-count", |t| t.contains("已添加 1 张"))
        .await?;
    b.click("#locate").await?;
    b.wait_text("#checkin-location", |t| t.contains("30.27410"))
        .await?;
    b.type_into("#checkin-note", "企业微信内打卡").await?;
    b.click("#submit-checkin").await?;
    b.wait_text("#checkin-message", |t| t.contains("打卡成功"))
        .await?;
    b.wait_for("#checkin-list .thumbs img").await?;

    // The app registered itself, and its signer answers with a signature from the server.
    let corp = b
        .client
        .execute("return window.__ww && window.__ww.corpId;", vec![])
        .await?;
    assert_eq!(corp, json!(demo.state.settings.wecom.corp_id));
    let signed = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__ww.getConfigSignature(location.href).then(done, e => done(String(e)));",
            vec![],
        )
        .await?;
    let signature = signed["signature"].as_str().unwrap_or_default();
    assert_eq!(
        signature.len(),
        40,
        "a SHA-1 from /api/v1/jssdk/signature: {signed}"
    );
    b.client.clone().close().await?;
    Ok(())
}
