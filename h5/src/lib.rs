//! The Gantry H5 workbench: a Yew single-page app opened from the WeCom 工作台.
//!
//! Pure logic (labels, money, dates, the Gantt layout, the offline queue's rules) lives in
//! plain modules tested natively; components only wire it to the DOM and the API.

// Yew props and hook results carry callbacks; a Debug for each would add nothing.
#![allow(missing_debug_implementations)]

pub mod admin_app;
pub mod app;
pub mod components;
pub mod downsize;
pub mod exif;
pub mod form;
pub mod gantt;
pub mod hooks;
pub mod http;
pub mod ledger;
pub mod pages;
pub mod pending;
pub mod plan_app;
pub mod services;
pub mod template_edit;
pub mod text;
pub mod wecom;

pub use admin_app::AdminApp;
pub use app::App;
pub use plan_app::PlanApp;
