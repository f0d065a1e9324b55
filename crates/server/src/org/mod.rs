//! The org mirror: WeCom's departments, members and tags synced in full and kept current
//! by contact-change events, members' personal data sealed at rest, and the member
//! directory the H5 searches.

pub mod contacts;
pub mod handlers;
pub mod personal;
pub mod sync;
