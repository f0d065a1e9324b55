use serde::{Deserialize, Serialize};

/// The body of `GET /readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// True when every check passed.
    pub ready: bool,
    /// Each dependency's state.
    pub checks: Vec<Check>,
}

/// One dependency check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// `database`, `cache`, …
    pub name: String,
    /// Whether it answered.
    pub ok: bool,
    /// Why not, in words safe to show (no hosts or credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
