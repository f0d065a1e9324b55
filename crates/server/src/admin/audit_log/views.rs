//! The console's query (who, what, project, time range, page) and audit rows as the API
//! shows them, with the names of actors and projects resolved.

use std::collections::HashMap;

use api::{AuditRow, ErrorCode};
use serde::Deserialize;
use store::{AuditEntry, AuditFilter};

use crate::error::ApiError;
use crate::state::AppState;

/// Rows a page holds unless asked otherwise.
const DEFAULT_LIMIT: u32 = 50;
/// Most rows a page holds.
const MAX_LIMIT: u32 = 100;

/// `?who=&what=&project=&from_ms=&to_ms=&before=&limit=`; empty values do not filter.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AuditQuery {
    /// The actor's userid (`system` for workers).
    #[serde(default)]
    who: Option<String>,
    /// An action code, or a prefix ending in `.` (`approval.`) for a whole area.
    #[serde(default)]
    what: Option<String>,
    /// A project id.
    #[serde(default)]
    project: Option<i64>,
    /// From this instant (inclusive), unix ms.
    #[serde(default)]
    from_ms: Option<i64>,
    /// Up to this instant (exclusive), unix ms.
    #[serde(default)]
    to_ms: Option<i64>,
    /// Rows older than this chain position (the previous page's `next_before`).
    #[serde(default)]
    pub(super) before: Option<i64>,
    /// Rows per page, 1–100.
    #[serde(default)]
    limit: Option<u32>,
}

impl AuditQuery {
    /// The store's filter, or a 400 naming what is wrong.
    pub(super) fn filter(&self) -> Result<AuditFilter, ApiError> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let what = text(&self.what).map(|w| w.trim_end_matches('*').to_owned());
        let (action, action_prefix) = match what {
            Some(w) if w.ends_with('.') => (None, Some(w)),
            other => (other, None),
        };
        if let (Some(from), Some(to)) = (self.from_ms, self.to_ms)
            && from >= to
        {
            return Err(ApiError::with_message(
                ErrorCode::BadRequest,
                "开始时间须早于结束时间",
            ));
        }
        Ok(AuditFilter {
            actor: text(&self.who),
            action,
            action_prefix,
            project_id: self.project,
            from_ms: self.from_ms,
            to_ms: self.to_ms,
            ..AuditFilter::default()
        })
    }

    /// Rows per page, or a 400.
    pub(super) fn limit(&self) -> Result<u32, ApiError> {
        match self.limit.unwrap_or(DEFAULT_LIMIT) {
            n @ 1..=MAX_LIMIT => Ok(n),
            _ => Err(ApiError::with_message(
                ErrorCode::BadRequest,
                format!("limit 须在 1–{MAX_LIMIT} 之间"),
            )),
        }
    }

    /// What the export's own audit row says was asked for.
    pub(super) fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "who": self.who,
            "what": self.what,
            "project": self.project,
            "from_ms": self.from_ms,
            "to_ms": self.to_ms,
        })
    }
}

/// Member and project names for a set of rows.
#[derive(Debug, Default)]
pub(super) struct Names {
    members: HashMap<String, String>,
    projects: HashMap<i64, String>,
}

impl Names {
    /// Adds the names `rows` need that are not known yet.
    pub(super) async fn learn(
        &mut self,
        state: &AppState,
        rows: &[AuditEntry],
    ) -> Result<(), store::StoreError> {
        let mut actors: Vec<&str> = rows
            .iter()
            .map(|r| r.actor.as_str())
            .filter(|a| !self.members.contains_key(*a))
            .collect();
        actors.sort_unstable();
        actors.dedup();
        if !actors.is_empty() {
            self.members.extend(state.store.org().names(&actors).await?);
            // Unknown ones are remembered as such, so they are not asked for again.
            for actor in actors {
                self.members.entry(actor.to_owned()).or_default();
            }
        }
        let mut projects: Vec<i64> = rows.iter().filter_map(|r| r.project_id).collect();
        projects.sort_unstable();
        projects.dedup();
        projects.retain(|id| !self.projects.contains_key(id));
        for id in projects {
            let name = state.store.projects().get(id).await?.map(|p| p.name);
            self.projects.insert(id, name.unwrap_or_default());
        }
        Ok(())
    }

    /// The member's name, if known.
    pub(super) fn member(&self, userid: &str) -> Option<&str> {
        self.members
            .get(userid)
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }

    /// The project's name, if known.
    pub(super) fn project(&self, id: Option<i64>) -> Option<&str> {
        id.and_then(|id| self.projects.get(&id))
            .map(String::as_str)
            .filter(|n| !n.is_empty())
    }
}

/// A stored row as the console shows it.
pub(super) fn row(entry: AuditEntry, names: &Names) -> AuditRow {
    AuditRow {
        seq: entry.id,
        at_ms: entry.at_ms,
        actor_name: names.member(&entry.actor).map(str::to_owned),
        actor: entry.actor,
        ip: entry.ip,
        action: entry.action,
        target_type: entry.target_type,
        target_id: entry.target_id,
        project_name: names.project(entry.project_id).map(str::to_owned),
        project_id: entry.project_id,
        before: entry.before_json,
        after: entry.after_json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(what: &str) -> AuditQuery {
        AuditQuery {
            what: Some(what.to_owned()),
            ..AuditQuery::default()
        }
    }

    #[test]
    fn what_is_an_action_or_an_area() {
        let f = query("approval.approve").filter().expect("filter");
        assert_eq!(
            (f.action.as_deref(), f.action_prefix),
            (Some("approval.approve"), None)
        );
        for prefix in ["approval.", "approval.*"] {
            let f = query(prefix).filter().expect("filter");
            assert_eq!(
                (f.action, f.action_prefix.as_deref()),
                (None, Some("approval."))
            );
        }
        let f = query("  ").filter().expect("filter");
        assert_eq!((f.action, f.action_prefix), (None, None));
    }

    #[test]
    fn limits_and_ranges_are_checked() {
        let q = |limit| AuditQuery {
            limit,
            ..AuditQuery::default()
        };
        assert_eq!(q(None).limit().ok(), Some(DEFAULT_LIMIT));
        assert_eq!(q(Some(100)).limit().ok(), Some(100));
        assert!(q(Some(0)).limit().is_err() && q(Some(101)).limit().is_err());
        let backwards = AuditQuery {
            from_ms: Some(5),
            to_ms: Some(5),
            ..AuditQuery::default()
        };
        assert!(backwards.filter().is_err());
    }
}
