//! Projects as the rest of Gantry sees them: identity, owning department, status.

use serde::{Deserialize, Serialize};

use crate::access::ProjectRole;

/// Where a project is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// 立项.
    Initiated,
    /// 在建.
    Active,
    /// 停工.
    Suspended,
    /// 竣工.
    Completed,
    /// 归档.
    Archived,
}

impl ProjectStatus {
    /// Every status, in life order.
    pub const ALL: [ProjectStatus; 5] = [
        Self::Initiated,
        Self::Active,
        Self::Suspended,
        Self::Completed,
        Self::Archived,
    ];

    /// The stored and wire name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Initiated => "initiated",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Completed => "completed",
            Self::Archived => "archived",
        }
    }

    /// The status named `code`, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Initiated => "立项",
            Self::Active => "在建",
            Self::Suspended => "停工",
            Self::Completed => "竣工",
            Self::Archived => "归档",
        }
    }

    /// The status whose code or Chinese label is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == text || s.label() == text)
    }
}

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Id.
    pub id: i64,
    /// The company's project code, unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// The owning department.
    pub department_id: i64,
    /// Status.
    pub status: ProjectStatus,
}

/// One role a member holds in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectMember {
    /// The project.
    pub project_id: i64,
    /// The member.
    pub userid: String,
    /// The role.
    pub role: ProjectRole,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for status in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::from_code(status.code()), Some(status));
            let json = serde_json::to_string(&status).expect("json");
            assert_eq!(json, format!("\"{}\"", status.code()));
        }
        for role in ProjectRole::ALL {
            assert_eq!(ProjectRole::from_code(role.code()), Some(role));
            let json = serde_json::to_string(&role).expect("json");
            assert_eq!(json, format!("\"{}\"", role.code()));
        }
        assert_eq!(ProjectStatus::from_code("building"), None);
    }
}
