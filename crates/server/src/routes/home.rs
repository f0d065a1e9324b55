//! `GET /status` (and `/` when no H5 build is embedded): a small status page, so an admin
//! opening the server sees that it runs and where to look.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::CurrentUser;

use crate::state::AppState;

/// Registers the home page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/status", web::get().to(home)).service(
        web::resource("/")
            // The personal first screen is compressed per answer; the shared page goes
            // precompressed (already encoded, so left alone here).
            .wrap(actix_web::middleware::Compress::default())
            .route(web::get().to(root)),
    );
}

/// `/`: the H5 with the member's 工作台 counts already in the page, or the status page when
/// no H5 is built.
async fn root(
    req: HttpRequest,
    user: Option<CurrentUser>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if !super::h5::built() {
        return home(state).await;
    }
    let Some(user) = user else {
        return super::h5::index(req).await;
    };
    match super::first_screen::counts(&state, &user).await {
        Ok(counts) => {
            super::h5::personal_index(&super::first_screen::html(&user.member.name, counts))
        }
        // Without the counts the page still works: the app fetches them itself.
        Err(_) => super::h5::index(req).await,
    }
}

async fn home(state: web::Data<AppState>) -> HttpResponse {
    let now = state.clock.now_ms();
    let inbox = state.store.inbox().stats(now).await.ok();
    let outbox = state.store.outbox().stats(now).await.ok();
    let members = state.store.org().count_members(false).await.ok();
    let row = |label: &str, value: Option<String>| {
        format!(
            "<tr><th>{label}</th><td>{}</td></tr>",
            value.unwrap_or_else(|| "不可用".into())
        )
    };
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Gantry</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}\
         th{{text-align:left;padding-right:1rem}}</style></head><body>\
         <h1>Gantry 工程项目管理</h1><p>服务运行中。H5 工作台尚未构建：运行 <code>cargo xtask build-h5</code>。</p>\
         <table>{}{}{}{}</table>\
         <p><a href=\"/readyz\">就绪检查</a> · <a href=\"/metrics\">指标</a></p></body></html>",
        row("企业成员", members.map(|n| n.to_string())),
        row("待处理回调", inbox.as_ref().map(|s| s.pending.to_string())),
        row("待推送消息", outbox.as_ref().map(|s| s.pending.to_string())),
        row(
            "死信",
            inbox
                .zip(outbox)
                .map(|(i, o)| (i.dead + o.dead).to_string())
        ),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}
