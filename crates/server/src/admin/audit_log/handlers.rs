//! `/api/v1/admin/audit`: the log page by page, its Excel export and the chain check.
//! Every route asks for `ViewAudit` (system admins) before anything else.

use actix_web::{HttpRequest, HttpResponse, web};
use api::AuditPage;
use domain::access::Action;

use super::anchor;
use super::export::{self, Line};
use super::views::{AuditQuery, Names, row};
use crate::audit::{Target, record_request};
use crate::auth::{CurrentUser, require};
use crate::error::ApiError;
use crate::file_store::FileStoreError;
use crate::state::AppState;

/// The .xlsx media type.
/// Rows read per query while exporting.
const EXPORT_BATCH: u32 = 1000;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/audit", web::get().to(list))
        .route("/admin/audit/export", web::get().to(export_sheet))
        .route("/admin/audit/verify", web::post().to(verify));
}

async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ViewAudit, None).await?;
    let filter = query.filter()?;
    let limit = query.limit()?;
    let rows = state
        .store
        .audit()
        .list(&filter, limit, query.before)
        .await?;
    // A full page may have more behind it; a short one is the last.
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let mut names = Names::default();
    names.learn(&state, &rows).await?;
    let items = rows.into_iter().map(|r| row(r, &names)).collect();
    Ok(HttpResponse::Ok().json(AuditPage { items, next_before }))
}

async fn export_sheet(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ViewAudit, None).await?;
    let filter = query.filter()?;
    let mut lines = Vec::new();
    let mut names = Names::default();
    let mut before = query.before;
    let mut more = false;
    loop {
        let rows = state
            .store
            .audit()
            .list(&filter, EXPORT_BATCH, before)
            .await?;
        let full = rows.len() == EXPORT_BATCH as usize;
        before = rows.last().map(|r| r.id);
        names.learn(&state, &rows).await?;
        for entry in rows {
            if lines.len() == export::MAX_ROWS {
                more = true;
                break;
            }
            let hash = entry.hash.clone();
            lines.push(Line {
                row: row(entry, &names),
                hash,
            });
        }
        if more || !full {
            break;
        }
        if lines.len() == export::MAX_ROWS {
            // Exactly full: one more row behind means the sheet is cut short.
            more = !state
                .store
                .audit()
                .list(&filter, 1, before)
                .await?
                .is_empty();
            break;
        }
    }
    let bytes = export::workbook(&lines, more)?;
    // The log leaves the system in a file: who took which part is itself worth a record.
    let mut asked = query.summary();
    asked["rows"] = lines.len().into();
    asked["truncated"] = more.into();
    record_request(
        &req,
        &state,
        &user,
        "audit.export",
        Target::new("audit_log", "*"),
        None::<&str>,
        Some(&asked),
    )
    .await?;
    let day = domain::calendar::Day::of_ms(state.clock.now_ms());
    let mut answer = crate::files::download::xlsx(
        &format!("audit-{day}.xlsx"),
        &format!("审计日志-{day}.xlsx"),
    );
    if more {
        answer.insert_header(("X-Export-Truncated", export::MAX_ROWS.to_string()));
    }
    Ok(answer.body(bytes))
}

/// Walks the whole chain, compares it with the latest anchor and, when all is well,
/// anchors the head: the answer says which row broke, or where the chain stops short.
async fn verify(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ViewAudit, None).await?;
    let now = state.clock.now_ms();
    let verification = anchor::check(&state.store, &state.files, now, anchor::Record::IfIntact)
        .await
        // A file store outage is a 503 like a database one; anything else is ours.
        .map_err(|e| match e.downcast::<FileStoreError>() {
            Ok(files) => ApiError::from(files),
            Err(other) => ApiError::from(other),
        })?;
    Ok(HttpResponse::Ok().json(verification))
}
