//! The HTTP front: faults, frequency limits and call recording around every WeCom route.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;

use crate::codes;
use crate::faults::{self, AbortBody, FaultKind};
use crate::records::RecordedCall;
use crate::routes::{self, ApiRequest, Ctx, Reply, control, error_json};
use crate::state::Sim;

/// Upload bodies up to the 20 MB file limit plus multipart overhead.
const MAX_BODY: usize = 21 * 1024 * 1024;
/// Non-JSON bodies are recorded up to this many bytes.
const MAX_RECORDED_RAW: usize = 4096;

/// Starts the actix server on `listener` in the background of the current tokio runtime.
pub(crate) fn start(
    sim: Arc<Sim>,
    listener: TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    let workers = sim.config.workers.max(1);
    let data = web::Data::from(sim);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .default_service(web::to(dispatch))
    })
    .workers(workers)
    .shutdown_timeout(1)
    // The embedding process owns Ctrl-C (tests, the binary's own handler).
    .disable_signals();
    Ok(server.listen(listener)?.run())
}

fn recorded_body(body: &Bytes) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(body).unwrap_or_else(|_| {
        let end = body.len().min(MAX_RECORDED_RAW);
        Value::String(String::from_utf8_lossy(&body[..end]).into_owned())
    })
}

fn json_response(v: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json; charset=UTF-8"))
        .body(v.to_string())
}

async fn dispatch(req: HttpRequest, body: Bytes, sim: web::Data<Sim>) -> HttpResponse {
    let path = req.path().to_owned();
    if path == "/sim" || path.starts_with("/sim/") {
        return control::handle(sim.into_inner(), &req, &body).await;
    }
    let query: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    let mut call = RecordedCall {
        method: req.method().to_string(),
        path: path.clone(),
        query,
        body: recorded_body(&body),
        http_status: 200,
        errcode: None,
        at_ms: 0,
        fault: None,
    };
    let fault = {
        let mut st = sim.lock();
        let st = &mut *st;
        faults::take(&mut st.faults, &mut st.chaos, &path)
    };
    if let Some(kind) = &fault {
        call.fault = Some(kind.label());
        let early = match kind {
            FaultKind::Delay(d) => {
                tokio::time::sleep(*d).await;
                None
            }
            FaultKind::Errcode(code) => {
                let v = error_json(*code, "injected fault");
                call.errcode = Some(*code);
                Some(json_response(&v))
            }
            FaultKind::HttpStatus(status) => {
                call.http_status = *status;
                let code =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Some(HttpResponse::build(code).body(format!("sim: injected HTTP {status}")))
            }
            FaultKind::DropConnection => {
                call.http_status = 0;
                Some(HttpResponse::Ok().body(AbortBody))
            }
        };
        if let Some(resp) = early {
            let mut st = sim.lock();
            call.at_ms = st.now_ms();
            st.record(call);
            return resp;
        }
    }

    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let sim_userid = req
        .headers()
        .get("x-sim-userid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let api = ApiRequest {
        method: req.method(),
        path: &path,
        query: &call.query,
        body: &body,
        content_type: content_type.as_deref(),
        sim_userid: sim_userid.as_deref(),
    };
    let mut guard = sim.lock();
    let st = &mut *guard;
    let now = st.now_ms();
    let reply = if routes::is_known(&path) && !api_quota(&sim, st, &path, now) {
        Reply::Json(error_json(
            codes::FREQ_LIMIT,
            "per-corp API frequency limit",
        ))
    } else {
        routes::route(&mut Ctx {
            cfg: &sim.config,
            st,
            req: &api,
        })
    };
    let response = match reply {
        Reply::Json(v) => {
            call.errcode = v.get("errcode").and_then(Value::as_i64);
            json_response(&v)
        }
        Reply::Bytes {
            content_type,
            filename,
            data,
        } => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, content_type))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .body(data),
        Reply::Html { status, body } => {
            call.http_status = status;
            HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
                .body(body)
        }
        Reply::Redirect(to) => {
            call.http_status = 302;
            HttpResponse::Found().insert_header((LOCATION, to)).finish()
        }
        Reply::NotFound => {
            call.http_status = 404;
            HttpResponse::NotFound().body("sim: not a WeCom endpoint")
        }
    };
    call.at_ms = now;
    tracing::debug!(path = %call.path, status = call.http_status, errcode = ?call.errcode, "wecom call");
    st.record(call);
    response
}

/// Per-corp, per-API base limit (10,000/min and 150,000/h by default).
fn api_quota(sim: &Sim, st: &mut crate::state::Inner, path: &str, now: i64) -> bool {
    let l = sim.config.limits;
    st.limits
        .api
        .entry(path.to_owned())
        .or_default()
        .try_hit(now, l.api_per_minute, l.api_per_hour)
        .is_ok()
}
