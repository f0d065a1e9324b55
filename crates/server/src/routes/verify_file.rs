//! `GET /WW_verify_<code>.txt`: the 可信域名 ownership file, served from configuration.

use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// Registers the verification-file route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/{file:WW_verify_[A-Za-z0-9]+\\.txt}", web::get().to(serve));
}

async fn serve(file: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    match state.settings.wecom.domain_verify_files.get(file.as_str()) {
        Some(content) => HttpResponse::Ok()
            .content_type("text/plain")
            .body(content.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}
