use serde::{Deserialize, Serialize};

/// `GET /api/v1/directory/members?q=…`: a member as pickers list them. `q` matches a
/// name or userid in part, or a whole mobile number or email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// WeCom UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Job title.
    #[serde(default)]
    pub position: Option<String>,
    /// Mobile, masked (`138****5678`): the directory never shows another member's in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_mobile: Option<String>,
    /// Email (the corp mailbox, else the personal one), masked (`z***@example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_email: Option<String>,
}

/// `POST /api/v1/uploads`: a photo taken in a browser, kept by content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    /// The key to hand to a check-in or an attachment field.
    pub key: String,
}

/// `GET /api/v1/directory/departments`: the department tree, flat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentEntry {
    /// WeCom department id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Parent id (0 for the root).
    pub parent_id: i64,
}
