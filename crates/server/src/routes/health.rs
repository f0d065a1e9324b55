//! `/healthz` (the process is up), `/readyz` (its dependencies answer), `/metrics`.

use actix_web::{HttpResponse, web};
use api::{Check, Readiness};

use crate::state::AppState;

/// Registers the health endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = match state.store.ping().await {
        Ok(()) => check("database", None),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unavailable");
            check("database", Some("数据库不可用"))
        }
    };
    let cache = match state.cache.ping().await {
        Ok(()) => check("cache", None),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cache unavailable");
            check("cache", Some("缓存不可用"))
        }
    };
    let checks = vec![database, cache];
    let ready = checks.iter().all(|c| c.ok);
    let body = Readiness { ready, checks };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

fn check(name: &str, problem: Option<&str>) -> Check {
    Check {
        name: name.to_owned(),
        ok: problem.is_none(),
        detail: problem.map(str::to_owned),
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let now = state.clock.now_ms();
    let mut gauges: Vec<(&str, String, f64)> = Vec::new();
    let queues = [
        ("inbox", state.store.inbox().stats(now).await.ok()),
        ("outbox", state.store.outbox().stats(now).await.ok()),
    ];
    for (queue, stats) in queues {
        let Some(s) = stats else { continue };
        for (status, value) in [
            ("pending", s.pending),
            ("processing", s.processing),
            ("dead", s.dead),
        ] {
            gauges.push((
                "gantry_queue_depth",
                format!("queue=\"{queue}\",status=\"{status}\""),
                value as f64,
            ));
        }
        let age = s.oldest_pending_age_ms.unwrap_or(0) as f64 / 1000.0;
        gauges.push((
            "gantry_queue_oldest_pending_seconds",
            format!("queue=\"{queue}\""),
            age,
        ));
    }
    let borrowed: Vec<(&str, &str, f64)> = gauges
        .iter()
        .map(|(n, l, v)| (*n, l.as_str(), *v))
        .collect();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&borrowed))
}
