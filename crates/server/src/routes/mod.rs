//! HTTP routes, one module per area; each owns its paths through `configure`.

pub mod api_v1;
pub mod auth;
pub mod first_screen;
pub mod h5;
pub mod health;
pub mod home;
pub mod verify_file;
pub mod wecom_callback;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    health::configure(cfg);
    auth::configure(cfg);
    api_v1::configure(cfg);
    home::configure(cfg);
    wecom_callback::configure(cfg);
    verify_file::configure(cfg);
    // Last: everything no route above claims is a page of the H5.
    h5::configure(cfg);
}
