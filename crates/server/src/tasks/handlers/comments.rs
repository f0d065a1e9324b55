//! `/api/v1/tasks/{id}/comments`: the thread on a task, with photos. Read by whoever sees
//! the project; written by whoever may report progress on it.

use actix_web::{HttpRequest, HttpResponse, web};
use api::{CommentView, ErrorCode, NewComment};
use domain::access::Action as Permission;
use store::Comment;

use super::task_project;
use crate::audit::{self, Actor, Target};
use crate::auth::CurrentUser;
use crate::error::{ApiError, Bounded};
use crate::files as photos;
use crate::state::AppState;

/// Comments shown, newest.
const SHOWN: u32 = 200;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tasks/{id}/comments", web::get().to(list))
        .route("/tasks/{id}/comments", web::post().to(add))
        .route("/tasks/{id}/comment-photos/{key}", web::get().to(photo));
}

/// A photo of one of the task's comments, to those who may see the task's project.
async fn photo(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key) = path.into_inner();
    task_project(&state, &user, id, Permission::ViewProject).await?;
    let comments = state.store.tasks().comments(id, SHOWN).await?;
    let attached = comments.iter().any(|c| c.photos.contains(&key));
    if !attached {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    photos::serve(&state, &key).await
}

async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    task_project(&state, &user, id, Permission::ViewProject).await?;
    let comments = state.store.tasks().comments(id, SHOWN).await?;
    let ids: Vec<&str> = comments.iter().map(|c| c.userid.as_str()).collect();
    let names = state.store.org().names(&ids).await?;
    let views: Vec<CommentView> = comments
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            name: names
                .get(&c.userid)
                .cloned()
                .unwrap_or_else(|| c.userid.clone()),
            userid: c.userid,
            at_ms: c.at_ms,
            text: c.body,
            photos: c.photos,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn add(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<NewComment>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let project = task_project(&state, &user, id, Permission::ReportProgress).await?;
    let text = body.text.trim();
    // Lengths and counts were checked against api::limits on the way in.
    if text.is_empty() {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "评论不能为空",
        ));
    }
    for key in &body.uploads {
        let own = photos::own_upload(&state, user.userid(), key)
            .await
            .map_err(|e| ApiError::internal(e.context("reading an upload")))?;
        if own.is_none() {
            return Err(ApiError::with_message(
                ErrorCode::BadRequest,
                "照片不存在或已过期，请重新上传",
            ));
        }
    }
    let comment = Comment {
        id: 0,
        task_id: id,
        userid: user.userid().to_owned(),
        at_ms: state.clock.now_ms(),
        body: text.to_owned(),
        photos: body.uploads.clone(),
    };
    let key = id.to_string();
    let mut tx = state.store.begin().await?;
    let comment_id = store::Tasks::add_comment_on(&mut tx, &comment).await?;
    let actor = Actor::of(&req, &user);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "task.comment",
        Target::new("task", &key).in_project(Some(project)),
        audit::NONE,
        Some(&comment_id),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": comment_id })))
}
