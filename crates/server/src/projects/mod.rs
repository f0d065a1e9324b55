//! The project ledger (项目台账) in the server: forms and spreadsheet rows turned into
//! ledger entries, creating and editing them with their audit rows, the views the H5
//! lists, and Excel import and export.

pub mod excel;
pub mod handlers;
pub mod import;
pub mod input;
pub mod service;
pub mod views;
pub mod wire;

/// Why a ledger change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No such project.
    #[error("项目不存在")]
    UnknownProject,
    /// A field is wrong; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// Someone changed it first, or the code is taken.
    #[error("{0}")]
    Conflict(String),
    /// Storage failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ProjectError> for crate::error::ApiError {
    #[track_caller]
    fn from(e: ProjectError) -> Self {
        use api::ErrorCode;
        match e {
            ProjectError::UnknownProject => Self::new(ErrorCode::NotFound),
            ProjectError::Invalid(m) => Self::with_message(ErrorCode::BadRequest, m),
            ProjectError::Conflict(m) => Self::with_message(ErrorCode::Conflict, m),
            ProjectError::Internal(e) => e.into(),
        }
    }
}

impl From<store::StoreError> for ProjectError {
    fn from(e: store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<store::sqlx::Error> for ProjectError {
    fn from(e: store::sqlx::Error) -> Self {
        store::StoreError::from(e).into()
    }
}

impl From<crate::audit::AuditError> for ProjectError {
    fn from(e: crate::audit::AuditError) -> Self {
        match e {
            crate::audit::AuditError::Store(e) => e.into(),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<serde_json::Error> for ProjectError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(e.into())
    }
}
