//! `/projects/{id}/daily-reports`: filing a day's 施工日志, reading a day's, exporting.

use api::DailyReport;

use super::{BASE, Get};
use crate::http::{self, Failure, Method};

/// Everyone's reports of project `id` on `day`.
pub fn of_day(id: i64, day: &str) -> Get<Vec<DailyReport>> {
    Get::new(format!("/projects/{id}/daily-reports?day={day}"))
}

/// Files (or rewrites) the caller's report; answers it as saved.
pub async fn put(id: i64, report: &DailyReport) -> Result<DailyReport, Failure> {
    http::send(
        Method::Put,
        &format!("/projects/{id}/daily-reports"),
        report,
    )
    .await
}

/// The .xlsx of `from`..=`to`, for a plain link (the session cookie goes with it).
pub fn export_url(id: i64, from: &str, to: &str) -> String {
    format!("{BASE}/projects/{id}/daily-reports/export?from={from}&to={to}")
}
