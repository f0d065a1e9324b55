//! `change_contact` events from either callback URL, applied to the org mirror in arrival
//! order (the inbox hands them out oldest first).
//!
//! Since 2022-08-15 WeCom may send member events with ids only, so a member event is a
//! cue to read that member fresh from WeCom rather than a diff to apply; the same goes for
//! tags (events carry deltas, WeCom has the truth). Department events carry their fields
//! and are merged into the stored row. Reads that fail transiently retry through the inbox.

use domain::org::Department;
use wecom::client::Error as WecomError;
use wecom::event::{ContactChange, PartyChange};

use super::personal;
use super::sync as org_sync;
use crate::intake::Handled;
use crate::state::AppState;

/// Applies one change; idempotent, so a redelivered event does no harm.
pub async fn apply(state: &AppState, change: &ContactChange) -> Handled {
    let now = state.clock.now_ms();
    let org = state.store.org();
    let result: Result<(), Handled> = async {
        match change {
            ContactChange::CreateUser(user) | ContactChange::UpdateUser(user) => {
                let current = user.new_user_id.as_deref().unwrap_or(&user.user_id);
                if user.new_user_id.is_some() {
                    // WeCom renamed the UserID: the old id is gone from WeCom's side.
                    org.mark_left(&user.user_id, now).await.map_err(retry)?;
                }
                refresh_member(state, current, now).await
            }
            ContactChange::DeleteUser { user_id } => {
                org.mark_left(user_id, now).await.map(drop).map_err(retry)
            }
            ContactChange::CreateParty(party) | ContactChange::UpdateParty(party) => {
                let stored = org.department(party.id).await.map_err(retry)?;
                let department = merge(stored, party);
                org.upsert_department(&department, now).await.map_err(retry)
            }
            ContactChange::DeleteParty { id } => org
                .delete_department(*id, now)
                .await
                .map(drop)
                .map_err(retry),
            ContactChange::UpdateTag(tag) => refresh_tag(state, tag.tag_id, now).await,
            ContactChange::Unknown { kind, .. } => {
                tracing::info!(%kind, "unknown change_contact type kept in the inbox history");
                Ok(())
            }
        }
    }
    .await;
    match result {
        Ok(()) => Handled::Done,
        Err(handled) => handled,
    }
}

async fn refresh_member(state: &AppState, userid: &str, now: i64) -> Result<(), Handled> {
    match state.wecom.user_get(userid).await {
        Ok(user) => {
            let org = state.store.org();
            let mut member = org_sync::member(&user);
            if let Some(mut stored) = org.member(userid).await.map_err(retry)? {
                personal::open(&state.cipher, &mut stored).warn_unreadable(userid);
                org_sync::keep_private(&mut member, &stored);
            }
            let sealed = personal::seal(&state.cipher, &member)
                .map_err(|e| Handled::Dead(format!("sealing member {userid}: {e}")))?;
            org.upsert_member(&sealed, now).await.map_err(retry)
        }
        // Gone (60111) or out of the app's visibility (60011): for Gantry the member left.
        Err(WecomError::Api {
            errcode: 60111 | 60011,
            ..
        }) => state
            .store
            .org()
            .mark_left(userid, now)
            .await
            .map(drop)
            .map_err(retry),
        Err(e) => Err(from_wecom(&e)),
    }
}

async fn refresh_tag(state: &AppState, tag_id: i64, now: i64) -> Result<(), Handled> {
    let org = state.store.org();
    let name = match org.tag(tag_id).await.map_err(retry)? {
        Some(tag) => tag.name,
        None => match state.wecom.tag_list().await {
            Ok(tags) => match tags.into_iter().find(|t| t.tagid == tag_id) {
                Some(t) => t.tagname,
                None => return org.delete_tag(tag_id, now).await.map(drop).map_err(retry),
            },
            Err(e) => return Err(from_wecom(&e)),
        },
    };
    match state.wecom.tag_get(tag_id).await {
        Ok(detail) => {
            let tag = domain::org::Tag {
                id: tag_id,
                name,
                userids: detail.userlist.iter().map(|u| u.userid.clone()).collect(),
                department_ids: detail.partylist,
            };
            org.upsert_tag(&tag, now).await.map_err(retry)
        }
        Err(WecomError::Api { errcode: 40068, .. }) => {
            org.delete_tag(tag_id, now).await.map(drop).map_err(retry)
        }
        Err(e) => Err(from_wecom(&e)),
    }
}

/// Fields present in the event win; absent ones keep the stored value.
fn merge(stored: Option<Department>, party: &PartyChange) -> Department {
    let mut d = stored.unwrap_or(Department {
        id: party.id,
        name: String::new(),
        name_en: None,
        parent_id: 0,
        order: 0,
        leaders: Vec::new(),
    });
    if let Some(name) = &party.name {
        d.name.clone_from(name);
    }
    if let Some(parent) = party.parent_id {
        d.parent_id = parent;
    }
    if let Some(order) = party.order {
        d.order = i64::from(order);
    }
    d
}

fn retry(e: store::StoreError) -> Handled {
    Handled::Retry(format!("database: {e}"))
}

fn from_wecom(e: &WecomError) -> Handled {
    if e.is_retryable() {
        Handled::Retry(e.to_string())
    } else {
        Handled::Dead(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_update_keeps_what_it_does_not_mention() {
        let stored = Department {
            id: 7,
            name: "三号项目部".into(),
            name_en: None,
            parent_id: 2,
            order: 100,
            leaders: vec!["lisi".into()],
        };
        let moved = merge(
            Some(stored),
            &PartyChange {
                id: 7,
                name: None,
                parent_id: Some(5),
                order: None,
            },
        );
        assert_eq!(
            (moved.name.as_str(), moved.parent_id, moved.order),
            ("三号项目部", 5, 100)
        );
        assert_eq!(moved.leaders, ["lisi"]);
        let created = merge(
            None,
            &PartyChange {
                id: 9,
                name: Some("安全部".into()),
                parent_id: Some(1),
                order: Some(3),
            },
        );
        assert_eq!(
            (created.name.as_str(), created.parent_id, created.order),
            ("安全部", 1, 3)
        );
    }
}
