//! Which H5 bundle a page path belongs to: the field app, 管理, or planning. The server
//! answers a deep link with that bundle's page, and the H5 links across bundles with a
//! page load instead of a route.

/// One of the H5's separately loaded apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Everyone's first page: 工作台, 审批, 任务, 项目.
    Field,
    /// 管理 (admins).
    Admin,
    /// Planning: a project's Gantt, and the PM's pages that run a project (create, edit,
    /// members, schedule settings, spreadsheet import, leavers' hand-over); also the
    /// out-of-office delegation, rarely used.
    Plan,
}

impl Bundle {
    /// The bundle `path` (with or without its leading `/`) opens.
    pub fn of(path: &str) -> Self {
        let path = path.trim_matches('/');
        if path == "admin" || path.starts_with("admin/") {
            return Self::Admin;
        }
        let is_id = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            // 项目: the ledger and everything about one project.
            (Some("projects"), None, None, None) => Self::Plan,
            (Some("projects"), Some(id), None, None) if is_id(id) => Self::Plan,
            (Some("projects"), Some("new" | "import"), None, None) => Self::Plan,
            (
                Some("projects"),
                Some(id),
                Some("gantt" | "edit" | "members" | "schedule" | "daily"),
                None,
            ) if is_id(id) => Self::Plan,
            // A project's leavers' work (its managers) and one's out-of-office delegation.
            (Some("projects"), Some(id), Some("handover"), None) if is_id(id) => Self::Plan,
            (Some("approvals"), Some("delegation"), None, None) => Self::Plan,
            _ => Self::Field,
        }
    }

    /// Its page in `h5/dist`.
    pub fn page(self) -> &'static str {
        match self {
            Self::Field => "index.html",
            Self::Admin => "admin.html",
            Self::Plan => "plan.html",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn paths_open_their_bundle() {
        assert_eq!(Bundle::of("/projects/12/gantt"), Bundle::Plan);
        assert_eq!(Bundle::of("/projects/12/daily"), Bundle::Plan);
        assert_eq!(Bundle::of("/projects/12"), Bundle::Plan);
        assert_eq!(Bundle::of("/projects"), Bundle::Plan);
        assert_eq!(Bundle::of("projects/3/gantt/"), Bundle::Plan);
        for plan in [
            "/projects/new",
            "/projects/import",
            "/projects/7/edit",
            "/projects/7/members",
            "/projects/7/schedule/",
        ] {
            assert_eq!(Bundle::of(plan), Bundle::Plan, "{plan}");
        }
        assert_eq!(Bundle::of("/projects/7/handover"), Bundle::Plan);
        assert_eq!(Bundle::of("/approvals/delegation"), Bundle::Plan);
        assert_eq!(Bundle::of("/approvals/12"), Bundle::Field);
        assert_eq!(Bundle::of("admin"), Bundle::Admin);
        assert_eq!(Bundle::of("/admin/templates/leave"), Bundle::Admin);
        for field in [
            "",
            "/projects/x/gantt",
            "/projects//gantt",
            "/projects/1/gantt/more",
            "/projects/new/more",
            "/projects/x/edit",
            "/projects/7/settings",
            "/tasks/1/gantt",
            "administrator",
        ] {
            assert_eq!(Bundle::of(field), Bundle::Field, "{field}");
        }
        assert_eq!(Bundle::Plan.page(), "plan.html");
    }
}
