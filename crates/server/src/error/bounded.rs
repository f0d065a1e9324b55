//! A JSON body within `api::limits`: a field over its limit is a 400 that names it, before
//! the handler runs.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use api::ErrorCode;
use api::limits::Limited;
use serde::de::DeserializeOwned;

use super::ApiError;

/// `web::Json<T>`, checked against its limits.
#[derive(Debug)]
pub struct Bounded<T>(pub T);

impl<T> Bounded<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Bounded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Limited + 'static> FromRequest for Bounded<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<T>::from_request(req, payload);
        Box::pin(async move {
            let body = json.await?.into_inner();
            body.check()
                .map_err(|b| ApiError::with_message(ErrorCode::BadRequest, b.message()))?;
            Ok(Bounded(body))
        })
    }
}
