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
    /// Planning: a project's Gantt.
    Plan,
}

impl Bundle {
    /// The bundle `path` (with or without its leading `/`) opens.
    pub fn of(path: &str) -> Self {
        let path = path.trim_matches('/');
        if path == "admin" || path.starts_with("admin/") {
            return Self::Admin;
        }
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("projects"), Some(id), Some("gantt"), None)
                if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Self::Plan
            }
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
        assert_eq!(Bundle::of("projects/3/gantt/"), Bundle::Plan);
        assert_eq!(Bundle::of("admin"), Bundle::Admin);
        assert_eq!(Bundle::of("/admin/templates/leave"), Bundle::Admin);
        for field in [
            "",
            "/projects/12",
            "/projects/x/gantt",
            "/projects//gantt",
            "/projects/1/gantt/more",
            "/tasks/1/gantt",
            "administrator",
        ] {
            assert_eq!(Bundle::of(field), Bundle::Field, "{field}");
        }
        assert_eq!(Bundle::Plan.page(), "plan.html");
    }
}
