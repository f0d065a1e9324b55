//! Site check-ins: photos taken through the JS-SDK arrive as WeCom `media_id`s (valid for
//! three days) and are fetched with `media/get`. Each is kept twice by content: untouched,
//! as evidence, and stamped with project, time, place and member for showing.

use api::limits::PHOTOS;
use api::{CheckinRequest, TaskUpdate};
use domain::calendar::Day;
use store::Checkin;
use tokio::sync::Semaphore;

use super::service::{self, TaskError};
use super::watermark::{self, WatermarkError};
use crate::files as photos;
use crate::state::AppState;

/// Photos per check-in.
/// Largest photo kept.
/// Photos decoded at once, server-wide: each may take a few hundred MB.
static STAMPING: Semaphore = Semaphore::const_new(2);

/// Stores a check-in on `task_id` by `userid` with its photos; reported progress updates
/// the task too.
pub async fn record(
    state: &AppState,
    task_id: i64,
    actor: &crate::audit::Actor,
    req: &CheckinRequest,
) -> Result<Checkin, TaskError> {
    let userid = actor.userid.as_str();
    // Each list and text is bounded by api::limits on the way in; together, too.
    if req.media_ids.len() + req.uploads.len() > PHOTOS {
        return Err(TaskError::Invalid(format!("每次打卡最多 {PHOTOS} 张照片")));
    }
    if let Some((lat, lng)) = req.location
        && !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
    {
        return Err(TaskError::Invalid("位置无效".into()));
    }
    let at_ms = state.clock.now_ms();
    let (lines, project_id) = stamp_lines(state, task_id, userid, req, at_ms).await?;
    let mut taken = Vec::with_capacity(req.media_ids.len() + req.uploads.len());
    for media_id in &req.media_ids {
        let original = crate::files::fetch_from_wecom(state, media_id).await?;
        taken.push(stamp(original, lines.clone()).await?);
    }
    for key in &req.uploads {
        let original = photos::own_upload(state, userid, key)
            .await
            .map_err(|e| TaskError::Internal(e.context("reading an upload")))?
            .ok_or_else(|| TaskError::Invalid("照片不存在或已过期，请重新上传".into()))?;
        taken.push(stamp(original, lines.clone()).await?);
    }
    // Stored only once every photo is accepted, so a refused one leaves nothing behind.
    let mut photos = Vec::with_capacity(taken.len());
    let mut originals = Vec::with_capacity(taken.len());
    for (original, stamped) in &taken {
        originals.push(keep(state, original).await?);
        photos.push(keep(state, stamped).await?);
    }
    let progress = match req.progress {
        Some(progress) => {
            let update = TaskUpdate {
                progress: Some(progress),
                ..TaskUpdate::default()
            };
            Some(service::plan_update(state, task_id, &update).await?)
        }
        None => None,
    };
    let mut checkin = Checkin {
        id: 0,
        task_id,
        userid: userid.to_owned(),
        at_ms,
        location: req.location,
        address: req.address.trim().to_owned(),
        note: req.note.trim().to_owned(),
        photos,
        originals,
        progress: req.progress,
    };
    // The progress, the check-in and their audit rows commit together.
    let mut tx = state.store.begin().await?;
    if let Some(planned) = progress {
        service::write_update(&mut tx, state, actor, planned).await?;
    }
    checkin.id = store::Tasks::add_checkin_on(&mut tx, &checkin).await?;
    let key = task_id.to_string();
    let target = crate::audit::Target::new("task", &key).in_project(Some(project_id));
    crate::audit::append(
        &mut tx,
        state,
        actor,
        "task.checkin",
        target,
        crate::audit::NONE,
        Some(&checkin.id),
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    Ok(checkin)
}

/// Watermarks `original` off the async threads, a couple at a time since a large photo
/// takes a few hundred MB while decoded; returns the original and the stamped copy.
async fn stamp(original: Vec<u8>, lines: Vec<String>) -> Result<(Vec<u8>, Vec<u8>), TaskError> {
    let _permit = STAMPING
        .acquire()
        .await
        .map_err(|e| TaskError::Internal(anyhow::anyhow!("stamping a photo: {e}")))?;
    let (original, stamped) = tokio::task::spawn_blocking(move || {
        let stamped = watermark::stamp(&original, &lines);
        (original, stamped)
    })
    .await
    .map_err(|e| TaskError::Internal(anyhow::anyhow!("stamping a photo: {e}")))?;
    match stamped {
        Ok(stamped) => Ok((original, stamped)),
        Err(WatermarkError::Encode(e)) => Err(TaskError::Internal(anyhow::anyhow!(
            "stamping a photo: {e}"
        ))),
        Err(WatermarkError::TooLarge { width, height }) => Err(TaskError::Invalid(format!(
            "照片尺寸过大（{width}×{height}），请使用不超过 5000 万像素的照片"
        ))),
        Err(WatermarkError::NotAnImage | WatermarkError::Decode(_)) => Err(TaskError::Invalid(
            "无法识别照片，请上传 JPEG 或 PNG 格式的图片".into(),
        )),
    }
}

/// Stores a photo by content; returns its key.
async fn keep(state: &AppState, bytes: &[u8]) -> Result<String, TaskError> {
    photos::store(state, bytes)
        .await
        .map_err(|e| TaskError::Internal(anyhow::anyhow!("storing a photo: {e}")))
}

/// The watermark (project, China time, place and who), and the task's project.
async fn stamp_lines(
    state: &AppState,
    task_id: i64,
    userid: &str,
    req: &CheckinRequest,
    at_ms: i64,
) -> Result<(Vec<String>, i64), TaskError> {
    let task = state
        .store
        .tasks()
        .get(task_id)
        .await?
        .ok_or(TaskError::UnknownTask)?;
    let project = state
        .store
        .projects()
        .get(task.project_id)
        .await?
        .ok_or(TaskError::UnknownProject)?;
    let name = state
        .store
        .org()
        .names(&[userid])
        .await?
        .remove(userid)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| userid.to_owned());
    let mut lines = vec![
        format!("{} {}", project.code, project.name),
        china_time(at_ms),
    ];
    let address = req.address.trim();
    let place = match req.location {
        Some((lat, lng)) if address.is_empty() => coordinates(lat, lng),
        Some((lat, lng)) => format!("{address} {}", coordinates(lat, lng)),
        None => address.to_owned(),
    };
    if !place.is_empty() {
        lines.push(place);
    }
    lines.push(name);
    Ok((lines, task.project_id))
}

/// `2026-12-07 14:30 (UTC+8)`.
fn china_time(ms: i64) -> String {
    let (y, m, d) = Day::of_ms(ms).ymd();
    let minutes = Day::ms_into_day(ms) / 60_000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} (UTC+8)",
        minutes / 60,
        minutes % 60
    )
}

/// `31.230416N 121.473701E`.
fn coordinates(lat: f64, lng: f64) -> String {
    let ns = if lat < 0.0 { 'S' } else { 'N' };
    let ew = if lng < 0.0 { 'W' } else { 'E' };
    format!("{:.6}{ns} {:.6}{ew}", lat.abs(), lng.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_written_in_china_time() {
        // 2026-12-07 06:30 UTC.
        let ms =
            Day::from_ymd(2026, 12, 7).map_or(0, |d| d.start_ms()) + 14 * 3_600_000 + 30 * 60_000;
        assert_eq!(china_time(ms), "2026-12-07 14:30 (UTC+8)");
    }

    #[test]
    fn coordinates_carry_their_hemisphere() {
        assert_eq!(coordinates(31.230416, 121.473701), "31.230416N 121.473701E");
        assert_eq!(coordinates(-33.8688, -70.5), "33.868800S 70.500000W");
    }
}
