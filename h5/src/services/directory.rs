//! `/directory`: the org mirror, for pickers.

use api::{DepartmentEntry, DirectoryEntry};

use super::{Get, encode};
use crate::http::Failure;

/// Current members matching `text`.
pub async fn members(text: &str) -> Result<Vec<DirectoryEntry>, Failure> {
    Get::new(format!("/directory/members?q={}", encode(text)))
        .fetch()
        .await
}

/// The department tree, flat.
pub fn departments() -> Get<Vec<DepartmentEntry>> {
    Get::new("/directory/departments".to_owned())
}
