//! `/admin/audit`: the audit log page by page, its Excel export and the chain check.

use api::{AuditPage, AuditVerification};

use super::{BASE, Get};
use crate::http::{self, Failure, Method};

/// Rows per page.
const PER_PAGE: u32 = 30;

/// What the log is filtered by; `None` and empty values do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// The actor's userid.
    pub who: Option<String>,
    /// An action code, or an area's prefix ending in `.` (`approval.`).
    pub what: Option<String>,
    /// A project id.
    pub project: Option<i64>,
    /// The first day, `"YYYY-MM-DD"` (China time).
    pub from_day: Option<String>,
    /// The last day, included.
    pub to_day: Option<String>,
}

impl Filters {
    /// The query string (without `?`): days become the instants they start and end at.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut text = |key: &str, value: &Option<String>| {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", pct(v)));
            }
        };
        text("who", &self.who);
        text("what", &self.what);
        if let Some(project) = self.project {
            parts.push(format!("project={project}"));
        }
        if let Some(ms) = self.from_day.as_deref().and_then(|d| day_start_ms(d, 0)) {
            parts.push(format!("from_ms={ms}"));
        }
        if let Some(ms) = self.to_day.as_deref().and_then(|d| day_start_ms(d, 1)) {
            parts.push(format!("to_ms={ms}"));
        }
        parts.join("&")
    }
}

/// The unix ms at which the day `plus` days after `day` starts in China time.
fn day_start_ms(day: &str, plus: i64) -> Option<i64> {
    crate::text::days_of(day).map(|d| (d + plus) * 86_400_000 - 8 * 3_600_000)
}

/// `text` percent-encoded for a query value (everything but RFC 3986's unreserved bytes).
fn pct(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A page of rows matching `filters`, older than chain position `before` when given.
pub fn page(filters: &Filters, before: Option<i64>) -> Get<AuditPage> {
    let mut path = format!("/admin/audit?limit={PER_PAGE}");
    let query = filters.query();
    if !query.is_empty() {
        path.push('&');
        path.push_str(&query);
    }
    if let Some(before) = before {
        path.push_str(&format!("&before={before}"));
    }
    Get::new(path)
}

/// Where the Excel export of `filters` downloads from: a plain link, so the browser (or
/// WeCom's file viewer) fetches it with the session cookie and handles the file itself.
pub fn export_url(filters: &Filters) -> String {
    let query = filters.query();
    if query.is_empty() {
        format!("{BASE}/admin/audit/export")
    } else {
        format!("{BASE}/admin/audit/export?{query}")
    }
}

/// Checks the whole chain against the latest anchor (and anchors it when intact).
pub async fn verify() -> Result<AuditVerification, Failure> {
    http::call(Method::Post, "/admin/audit/verify").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_a_query() {
        assert_eq!(Filters::default().query(), "");
        let f = Filters {
            who: Some("zhang san".into()),
            what: Some("approval.".into()),
            project: Some(7),
            from_day: Some("2026-12-07".into()),
            to_day: Some("2026-12-07".into()),
        };
        // 2026-12-07 00:00 China time is 2026-12-06 16:00 UTC.
        assert_eq!(
            f.query(),
            "who=zhang%20san&what=approval.&project=7&from_ms=1796572800000&to_ms=1796659200000"
        );
        let blank = Filters {
            who: Some("  ".into()),
            from_day: Some("not a day".into()),
            ..Filters::default()
        };
        assert_eq!(blank.query(), "");
        assert_eq!(pct("张"), "%E5%BC%A0");
    }
}
