//! WeCom (企业微信) self-built app protocol.
//!
//! Everything a server needs to talk to WeCom and nothing about any particular product:
//! - [`callback`]: `msg_signature` checks, AES-256-CBC with WeCom's 32-byte PKCS#7, URL
//!   verification and encrypted passive replies;
//! - [`event`]: the decrypted callback XML as typed, serde-ready values;
//! - [`client`]: the qyapi HTTP API with cached, single-flight access tokens and tickets;
//! - [`jssdk`] and [`oauth`]: JS-SDK signatures and the OAuth authorize URL.

#![warn(missing_docs)]

pub mod callback;
pub mod client;
pub mod event;
pub mod jssdk;
pub mod oauth;
mod xml;
