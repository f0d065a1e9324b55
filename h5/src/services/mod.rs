//! One module per API resource. Every `/api/v1` path the H5 calls is spelt here and only
//! here: pages and components ask these functions, with typed values (the `api` enums)
//! rather than strings, and [`crate::hooks::use_load`] takes the [`Get`]s they return.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::http::{self, Failure};

pub mod admin;
pub mod approvals;
pub mod audit;
pub mod daily_reports;
pub mod directory;
pub mod handover;
pub mod me;
pub mod projects;
pub mod tasks;
pub mod uploads;

/// Where the API lives; [`crate::http`] prefixes every path with it.
pub const BASE: &str = "/api/v1";

/// A GET of a path under [`BASE`] whose answer is a `T`.
pub struct Get<T> {
    path: String,
    answer: PhantomData<fn() -> T>,
}

impl<T> Get<T> {
    fn new(path: String) -> Self {
        Self {
            path,
            answer: PhantomData,
        }
    }

    /// The path under [`BASE`] (also what tells two loads apart).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Fetches it now.
    pub async fn fetch(&self) -> Result<T, Failure>
    where
        T: DeserializeOwned,
    {
        http::get(&self.path).await
    }
}

/// `text` made safe for a query string.
fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
