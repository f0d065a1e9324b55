//! `/me` and the JS-SDK signatures.

use api::{JsSdkKind, JsSdkSignature, Me};

use super::{Get, encode};

/// Who is signed in.
pub fn me() -> Get<Me> {
    Get::new("/me".to_owned())
}

/// A JS-SDK signature of `url` for `kind`'s registration.
pub fn jssdk_signature(kind: JsSdkKind, url: &str) -> Get<JsSdkSignature> {
    let kind = match kind {
        JsSdkKind::Config => "config",
        JsSdkKind::Agent => "agent",
    };
    Get::new(format!("/jssdk/signature?kind={kind}&url={}", encode(url)))
}
