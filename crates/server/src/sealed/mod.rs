//! Sensitive fields (members' mobiles, email addresses and addresses; ID card and bank
//! account numbers) encrypted at rest, keyed lookups on them, and the masks the UI shows
//! to people not permitted to see them in full.
//!
//! A sealed value is `v2:<key id>:` + Base64(nonce ‖ ciphertext ‖ tag): AES-256-GCM under
//! the key with that id, a fresh random 96-bit nonce per value (equal plaintexts seal
//! differently), and `v2:<key id>` as associated data, so any change to the stored text,
//! the key id included, fails to open. Naming the key is what lets keys rotate: the
//! current key (`security.field_key`, id `security.field_key_id`) seals, and keys in
//! `security.retired_field_keys` still open until `gantry reseal` has moved their values.
//! The first format, `v1:` + Base64 with no key id, still opens under any configured key.
//!
//! Sealed values cannot be compared, so lookups by phone or email go through a keyed
//! digest: HMAC-SHA256 of the normalised value under a key derived from the field key
//! (never the AES key itself). A digest proves nothing to someone without the key, and a
//! lookup computes it under every configured key, so it keeps working mid-rotation.

mod mask;

use std::sync::Arc;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::{ConfigError, Settings};

pub use mask::{mask_bank_account, mask_email, mask_id_card, mask_mobile};

const V1: &str = "v1:";
const V2: &str = "v2:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The key id of a process-lifetime random key.
pub const EPHEMERAL_KEY_ID: &str = "ephemeral";
/// How reports name the key of a `v1:` value (which does not say).
pub const LEGACY_KEY_ID: &str = "legacy";
/// Derives the digest key from a field key, so the two are never the same bytes.
const LOOKUP_LABEL: &[u8] = b"gantry field lookup digest v1";

/// Seals and opens sensitive field values, and computes their lookup digests. Cheap to
/// clone. `Debug` shows key ids, never keys.
#[derive(Clone)]
pub struct FieldCipher {
    keys: Arc<Keys>,
}

#[derive(Clone)]
struct Keys {
    current: FieldKey,
    retired: Vec<FieldKey>,
    ephemeral: bool,
}

#[derive(Clone)]
struct FieldKey {
    id: String,
    aead: Aes256Gcm,
    lookup: [u8; 32],
}

impl FieldKey {
    fn new(id: &str, key: &[u8; 32]) -> Self {
        Self {
            id: id.to_owned(),
            aead: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
            lookup: hmac_sha256(key, &[LOOKUP_LABEL]),
        }
    }
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let retired: Vec<&str> = self.keys.retired.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("FieldCipher")
            .field("key", &"***")
            .field("key_id", &self.keys.current.id)
            .field("retired", &retired)
            .field("ephemeral", &self.keys.ephemeral)
            .finish()
    }
}

/// A value that could not be sealed or opened. The messages never contain the value.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Not `v2:<key id>:` or `v1:` followed by Base64 of at least a nonce and a tag.
    #[error("not a sealed value (expected v2:<key id>: and Base64)")]
    Malformed,
    /// Sealed under a key that is neither current nor retired.
    #[error(
        "sealed under key {0:?}, which is neither security.field_key_id nor one of \
         security.retired_field_keys"
    )]
    UnknownKey(String),
    /// The tag did not verify: the text was altered, or sealed under another key.
    #[error("sealed value failed authentication (altered, or sealed under another key)")]
    Unauthentic,
    /// Opened, but not UTF-8 (cannot come from [`FieldCipher::seal`]).
    #[error("sealed value is not UTF-8 text")]
    NotText,
    /// The plaintext exceeds AES-GCM's limit (about 64 GiB).
    #[error("value too large to seal")]
    TooLarge,
}

/// What a lookup digest is of: each kind is normalised its own way and digested apart,
/// so a mobile can never match an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A mobile number: spaces, dashes and brackets dropped, a `+86` prefix dropped.
    Mobile,
    /// An email address: trimmed, ASCII lowercase.
    Email,
}

impl Lookup {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Mobile => b"mobile",
            Self::Email => b"email",
        }
    }

    /// The form two spellings of the same value share.
    pub fn normalise(self, value: &str) -> String {
        match self {
            Self::Mobile => {
                let compact: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')'))
                    .collect();
                match compact.strip_prefix("+86") {
                    Some(national) => national.to_owned(),
                    None => compact,
                }
            }
            Self::Email => value.trim().to_ascii_lowercase(),
        }
    }

    /// Which kind a search text is, if it looks like one: 5 to 20 digits (after
    /// [`Lookup::normalise`], an optional leading `+`) is a mobile, text with an `@` an
    /// email.
    pub fn of_search(text: &str) -> Option<Lookup> {
        let mobile = Self::Mobile.normalise(text);
        let digits = mobile.strip_prefix('+').unwrap_or(&mobile);
        if (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(Self::Mobile)
        } else if text.contains('@') {
            Some(Self::Email)
        } else {
            None
        }
    }
}

impl FieldCipher {
    /// A cipher sealing under `key`, named `id` (see [`crate::config::is_key_id`]).
    pub fn new(id: &str, key: &[u8; 32]) -> Result<Self, ConfigError> {
        check_id(id)?;
        Ok(Self::from_parts(FieldKey::new(id, key), false))
    }

    /// The same cipher, also opening values sealed under the retired key `id`.
    pub fn with_retired(mut self, id: &str, key: &[u8; 32]) -> Result<Self, ConfigError> {
        check_id(id)?;
        let keys = Arc::make_mut(&mut self.keys);
        if keys.current.id == id || keys.retired.iter().any(|k| k.id == id) {
            return Err(ConfigError::Invalid(format!(
                "field key id {id:?} is given twice"
            )));
        }
        keys.retired.push(FieldKey::new(id, key));
        Ok(self)
    }

    /// A cipher under a random key that dies with the process: for the demo and tests.
    pub fn ephemeral() -> Self {
        let key: [u8; 32] = Aes256Gcm::generate_key(OsRng).into();
        Self::from_parts(FieldKey::new(EPHEMERAL_KEY_ID, &key), true)
    }

    fn from_parts(current: FieldKey, ephemeral: bool) -> Self {
        Self {
            keys: Arc::new(Keys {
                current,
                retired: Vec::new(),
                ephemeral,
            }),
        }
    }

    /// The cipher `[security]` describes; when `field_key` is empty, an [`ephemeral`] one
    /// and a warning, since values it seals cannot be opened after a restart.
    ///
    /// [`ephemeral`]: FieldCipher::ephemeral
    pub fn from_settings(settings: &Settings) -> Result<FieldCipher, ConfigError> {
        let keys = settings.security.keys()?;
        let mut cipher = match &keys.current {
            Some((id, key)) => Self::new(id, key)?,
            None => {
                tracing::warn!(
                    "security.field_key is empty: sensitive fields are sealed with a key that \
                     is lost on restart; set GANTRY__SECURITY__FIELD_KEY (openssl rand -base64 32)"
                );
                Self::ephemeral()
            }
        };
        for (id, key) in &keys.retired {
            cipher = cipher.with_retired(id, key)?;
        }
        Ok(cipher)
    }

    /// True when the key is random and lives only in this process.
    pub fn is_ephemeral(&self) -> bool {
        self.keys.ephemeral
    }

    /// The id of the key that seals.
    pub fn key_id(&self) -> &str {
        &self.keys.current.id
    }

    /// Seals `plaintext` under the current key as `v2:<key id>:` + Base64(nonce ‖
    /// ciphertext ‖ tag).
    pub fn seal(&self, plaintext: &str) -> Result<String, SealError> {
        let key = &self.keys.current;
        let header = format!("{V2}{}", key.id);
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = key
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: header.as_bytes(),
                },
            )
            .map_err(|_| SealError::TooLarge)?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!("{header}:{}", BASE64.encode(bytes)))
    }

    /// Opens a value sealed under the current or a retired key (or a `v1:` value under
    /// any of them).
    pub fn open(&self, sealed: &str) -> Result<String, SealError> {
        let plain = match sealed_key_id(sealed) {
            Some(SealedBy::V2(id)) => {
                let key = self
                    .key(id)
                    .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
                let header = &sealed[..V2.len() + id.len()];
                let body = &sealed[header.len() + 1..];
                let (nonce, ciphertext) = split(body)?;
                key.aead
                    .decrypt(
                        Nonce::from_slice(nonce.as_slice()),
                        Payload {
                            msg: &ciphertext,
                            aad: header.as_bytes(),
                        },
                    )
                    .map_err(|_| SealError::Unauthentic)?
            }
            Some(SealedBy::V1) => {
                let (nonce, ciphertext) = split(&sealed[V1.len()..])?;
                // `v1:` does not say which key: the one that authenticates it is the one.
                self.all()
                    .find_map(|k| {
                        k.aead
                            .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
                            .ok()
                    })
                    .ok_or(SealError::Unauthentic)?
            }
            None => return Err(SealError::Malformed),
        };
        String::from_utf8(plain).map_err(|_| SealError::NotText)
    }

    /// True when `value` is sealed under the current key (it may still fail to open).
    pub fn is_current(&self, value: &str) -> bool {
        matches!(sealed_key_id(value), Some(SealedBy::V2(id)) if id == self.keys.current.id)
    }

    /// The lookup digest of `value` under the current key, lowercase hex; `None` when the
    /// value normalises to nothing.
    pub fn digest(&self, kind: Lookup, value: &str) -> Option<String> {
        digest_with(&self.keys.current, kind, value)
    }

    /// The digests of `value` under every configured key: what a lookup matches, so rows
    /// not yet resealed after a rotation are found too.
    pub fn lookup_digests(&self, kind: Lookup, value: &str) -> Vec<String> {
        self.all()
            .filter_map(|k| digest_with(k, kind, value))
            .collect()
    }

    fn key(&self, id: &str) -> Option<&FieldKey> {
        self.all().find(|k| k.id == id)
    }

    fn all(&self) -> impl Iterator<Item = &FieldKey> {
        std::iter::once(&self.keys.current).chain(&self.keys.retired)
    }
}

/// Which format, and for `v2:` which key, a stored value claims; `None` for text that is
/// not sealed at all (written before sealing existed) or not well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedBy<'a> {
    /// `v1:`: no key id.
    V1,
    /// `v2:<key id>:`.
    V2(&'a str),
}

impl SealedBy<'_> {
    /// The key id, [`LEGACY_KEY_ID`] for `v1:`.
    pub fn key_id(&self) -> &str {
        match self {
            Self::V1 => LEGACY_KEY_ID,
            Self::V2(id) => id,
        }
    }
}

/// Reads the format header of a stored value (see [`SealedBy`]).
pub fn sealed_key_id(value: &str) -> Option<SealedBy<'_>> {
    if value.starts_with(V1) {
        return Some(SealedBy::V1);
    }
    let (id, _) = value.strip_prefix(V2)?.split_once(':')?;
    crate::config::is_key_id(id).then_some(SealedBy::V2(id))
}

/// True when `value` has a sealed value's header: text without one is plaintext.
pub fn looks_sealed(value: &str) -> bool {
    value.starts_with(V1) || value.starts_with(V2)
}

fn check_id(id: &str) -> Result<(), ConfigError> {
    if crate::config::is_key_id(id) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "field key id {id:?} must be 1 to 32 lowercase letters, digits, - or _"
        )))
    }
}

/// Nonce and ciphertext ‖ tag of a Base64 body.
fn split(b64: &str) -> Result<([u8; NONCE_LEN], Vec<u8>), SealError> {
    let mut bytes = BASE64
        .decode(b64)
        .ok()
        .filter(|b| b.len() >= NONCE_LEN + TAG_LEN)
        .ok_or(SealError::Malformed)?;
    let ciphertext = bytes.split_off(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = bytes.try_into().map_err(|_| SealError::Malformed)?;
    Ok((nonce, ciphertext))
}

fn digest_with(key: &FieldKey, kind: Lookup, value: &str) -> Option<String> {
    let normal = kind.normalise(value);
    if normal.is_empty() {
        return None;
    }
    Some(hex::encode(hmac_sha256(
        &key.lookup,
        &[kind.label(), b"\0", normal.as_bytes()],
    )))
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // Unreachable: HMAC accepts a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests;
