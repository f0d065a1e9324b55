//! `msg_signature`: SHA-1 over the four strings sorted bytewise and joined without separator.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// Lowercase hex SHA-1 of `token`, `timestamp`, `nonce` and `encrypt`, sorted bytewise.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    let mut parts = [token, timestamp, nonce, encrypt];
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Compares a received signature with the expected one in constant time, so response
/// timing leaks nothing about how many leading characters were right.
pub(crate) fn signatures_match(expected: &str, received: &str) -> bool {
    expected.as_bytes().ct_eq(received.as_bytes()).into()
}
