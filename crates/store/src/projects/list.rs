//! The project list: search, filters, sorting and pages over what the caller may see.

use domain::access::ProjectRole;
use domain::project::ProjectStatus;

use super::Projects;
use super::ledger::{LEDGER_COLUMNS, LedgerRecord, record_from_row};
use crate::StoreError;
use crate::sql::AnyQuery;

/// Which projects the caller may see at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Visibility {
    /// Every project (admins, finance).
    #[default]
    All,
    /// Projects with one of these ids or owned by one of these departments.
    Limited {
        /// Projects the caller has a role in.
        projects: Vec<i64>,
        /// Departments the caller leads, subtrees included.
        departments: Vec<i64>,
    },
}

/// What a list is ordered by; ties go by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectSort {
    /// Project code.
    #[default]
    Code,
    /// Name.
    Name,
    /// Planned start (unset last).
    PlannedStart,
    /// Planned finish (unset last).
    PlannedFinish,
    /// Contract amount (unset last).
    ContractAmount,
    /// Last change.
    Updated,
}

impl ProjectSort {
    fn column(self) -> &'static str {
        match self {
            Self::Code => "p.code",
            Self::Name => "p.name",
            Self::PlannedStart => "p.planned_start",
            Self::PlannedFinish => "p.planned_finish",
            Self::ContractAmount => "p.contract_fen",
            Self::Updated => "p.updated_at_ms",
        }
    }
}

/// A list request. Empty filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectQuery {
    /// Text in the code, name or client.
    pub text: Option<String>,
    /// Any of these statuses.
    pub statuses: Vec<ProjectStatus>,
    /// This type exactly.
    pub kind: Option<String>,
    /// Carrying this tag.
    pub tag: Option<String>,
    /// Owned by one of these departments.
    pub departments: Vec<i64>,
    /// Where this member holds a role (`member_role`, when set).
    pub member: Option<String>,
    /// The role `member` holds.
    pub member_role: Option<ProjectRole>,
    /// Order.
    pub sort: ProjectSort,
    /// Largest first.
    pub descending: bool,
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return.
    pub limit: u32,
    /// What the caller may see.
    pub visibility: Visibility,
}

/// One page of a list, and how many rows match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPage {
    /// Matching rows in all.
    pub total: u64,
    /// This page, tags filled in.
    pub items: Vec<LedgerRecord>,
}

enum Param {
    Int(i64),
    Text(String),
}

/// The `WHERE` text and its parameters, numbered from `$1`.
struct Filter {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Filter {
    fn next(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    fn list(&mut self, ids: &[i64]) -> String {
        let names: Vec<String> = ids.iter().map(|&id| self.next(Param::Int(id))).collect();
        names.join(", ")
    }

    fn of(query: &ProjectQuery) -> Filter {
        let mut f = Filter {
            clauses: Vec::new(),
            params: Vec::new(),
        };
        if let Visibility::Limited {
            projects,
            departments,
        } = &query.visibility
        {
            let mut any = Vec::new();
            if !projects.is_empty() {
                any.push(format!("p.id IN ({})", f.list(projects)));
            }
            if !departments.is_empty() {
                any.push(format!("p.department_id IN ({})", f.list(departments)));
            }
            if any.is_empty() {
                any.push("1 = 0".to_owned());
            }
            f.clauses.push(format!("({})", any.join(" OR ")));
        }
        if let Some(text) = query
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let p = f.next(Param::Text(like_pattern(&text.to_lowercase())));
            f.clauses.push(format!(
                "(LOWER(p.code) LIKE {p} ESCAPE '\\' OR LOWER(p.name) LIKE {p} ESCAPE '\\' \
                 OR LOWER(p.client) LIKE {p} ESCAPE '\\')"
            ));
        }
        if !query.statuses.is_empty() {
            let names: Vec<String> = query
                .statuses
                .iter()
                .map(|s| f.next(Param::Text(s.code().to_owned())))
                .collect();
            f.clauses
                .push(format!("p.status IN ({})", names.join(", ")));
        }
        if let Some(kind) = &query.kind {
            let p = f.next(Param::Text(kind.clone()));
            f.clauses.push(format!("p.kind = {p}"));
        }
        if let Some(tag) = &query.tag {
            let p = f.next(Param::Text(tag.clone()));
            f.clauses.push(format!(
                "EXISTS (SELECT 1 FROM project_tags t WHERE t.project_id = p.id AND t.tag = {p})"
            ));
        }
        if !query.departments.is_empty() {
            let list = f.list(&query.departments);
            f.clauses.push(format!("p.department_id IN ({list})"));
        }
        if let Some(member) = &query.member {
            let p = f.next(Param::Text(member.clone()));
            let role = match query.member_role {
                Some(role) => format!(" AND m.role = {}", f.next(Param::Text(role.code().into()))),
                None => String::new(),
            };
            f.clauses.push(format!(
                "EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id \
                 AND m.userid = {p}{role})"
            ));
        }
        f
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn bind<'q>(&'q self, mut query: AnyQuery<'q>) -> AnyQuery<'q> {
        for param in &self.params {
            query = match param {
                Param::Int(n) => query.bind(*n),
                Param::Text(s) => query.bind(s.as_str()),
            };
        }
        query
    }
}

/// `%text%` with LIKE's wildcards taken literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Projects<'_> {
    /// A page of the projects matching `query`, with the number matching in all.
    pub async fn list(&self, query: &ProjectQuery) -> Result<ProjectPage, StoreError> {
        let filter = Filter::of(query);
        let where_sql = filter.where_sql();
        let count_sql = format!("SELECT COUNT(*) AS n FROM projects p{where_sql}");
        let total: i64 = {
            use sqlx::Row as _;
            let row = filter
                .bind(sqlx::query(&count_sql))
                .fetch_one(self.store.pool())
                .await?;
            row.try_get("n")?
        };
        let column = query.sort.column();
        let direction = if query.descending { "DESC" } else { "ASC" };
        // Unset values last either way: the two backends disagree on where NULLs sort.
        let page_sql = format!(
            "SELECT {LEDGER_COLUMNS} FROM projects p{where_sql} \
             ORDER BY CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column} {direction}, \
             p.id {direction} LIMIT {} OFFSET {}",
            query.limit, query.offset
        );
        let rows = filter
            .bind(sqlx::query(&page_sql))
            .fetch_all(self.store.pool())
            .await?;
        let mut items = rows
            .iter()
            .map(record_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<i64> = items.iter().map(|r| r.id).collect();
        let mut tags = self.tags_of(&ids).await?;
        for item in &mut items {
            item.ledger.tags = tags.remove(&item.id).unwrap_or_default();
        }
        Ok(ProjectPage {
            total: u64::try_from(total).unwrap_or(0),
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn filters_number_their_parameters_in_order() {
        let query = ProjectQuery {
            text: Some("滨江".into()),
            statuses: vec![ProjectStatus::Active, ProjectStatus::Suspended],
            tag: Some("重点".into()),
            visibility: Visibility::Limited {
                projects: vec![1, 2],
                departments: Vec::new(),
            },
            ..ProjectQuery::default()
        };
        let f = Filter::of(&query);
        assert_eq!(f.params.len(), 6);
        let sql = f.where_sql();
        assert!(sql.contains("p.id IN ($1, $2)"), "{sql}");
        assert!(sql.contains("p.status IN ($4, $5)"), "{sql}");
        assert!(sql.contains("t.tag = $6"), "{sql}");
    }

    #[test]
    fn seeing_nothing_matches_nothing() {
        let query = ProjectQuery {
            visibility: Visibility::Limited {
                projects: Vec::new(),
                departments: Vec::new(),
            },
            ..ProjectQuery::default()
        };
        assert_eq!(Filter::of(&query).where_sql(), " WHERE (1 = 0)");
    }
}
