//! The WeCom directory mirror: departments, members (never hard-deleted) and tags.
//!
//! Writes replace a whole entity at a time (row plus its lists) in one transaction,
//! which is what both contact-change callbacks and a full org sync deliver.
//! Memberships do not reference departments with a foreign key: WeCom may announce a
//! member before the department they joined reaches us, and a leaver's memberships
//! outlive departments deleted later.

mod bulk;
mod departments;
mod leaders;
mod members;
mod personal;
mod queries;
mod tags;
mod touches;

pub use bulk::{SyncWriter, Written};
pub use members::DirectoryHit;
pub use personal::{Digests, PersonalFields, PersonalRow, Reseal, SealedMember};

use crate::Store;

/// Rows per multi-row INSERT for membership and tag lists.
const LIST_CHUNK: usize = 200;

/// The org repository; get one from [`Store::org`].
#[derive(Debug, Clone, Copy)]
pub struct Org<'a> {
    store: &'a Store,
}

impl<'a> Org<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }
}
