//! Sensitive fields (ID card and bank account numbers, private mobiles) encrypted at rest,
//! and the masks the UI shows to people not permitted to see them in full.
//!
//! A sealed value is `v1:` + Base64(nonce ‖ ciphertext ‖ tag): AES-256-GCM under the
//! 32-byte `security.field_key`, with a fresh random 96-bit nonce per value, so equal
//! plaintexts seal differently and any change to the stored text fails to open. The
//! `v1:` prefix leaves room for a later format (e.g. one naming a key id for rotation).

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::config::{ConfigError, Settings};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Seals and opens sensitive field values. `Debug` never shows the key.
#[derive(Clone)]
pub struct FieldCipher {
    cipher: Aes256Gcm,
    ephemeral: bool,
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldCipher")
            .field("key", &"***")
            .field("ephemeral", &self.ephemeral)
            .finish()
    }
}

/// A value that could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Not `v1:` + Base64 of at least a nonce and a tag.
    #[error("not a sealed value (expected v1: and Base64)")]
    Malformed,
    /// The tag did not verify: the text was altered, or sealed under another key.
    #[error("sealed value failed authentication (altered, or sealed under another key)")]
    Unauthentic,
    /// Opened, but not UTF-8 (cannot come from [`FieldCipher::encrypt`]).
    #[error("sealed value is not UTF-8 text")]
    NotText,
    /// The plaintext exceeds AES-GCM's limit (about 64 GiB).
    #[error("value too large to seal")]
    TooLarge,
}

impl FieldCipher {
    /// A cipher under `key`.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
            ephemeral: false,
        }
    }

    /// A cipher under a random key that dies with the process: for the demo and tests.
    pub fn ephemeral() -> Self {
        Self {
            cipher: Aes256Gcm::new(&Aes256Gcm::generate_key(OsRng)),
            ephemeral: true,
        }
    }

    /// The cipher for `security.field_key`; when that is empty, an [`ephemeral`] one and a
    /// warning, since values it seals cannot be opened after a restart.
    ///
    /// [`ephemeral`]: FieldCipher::ephemeral
    pub fn from_settings(settings: &Settings) -> Result<FieldCipher, ConfigError> {
        match crate::config::decode_field_key(settings.security.field_key.expose())? {
            Some(key) => Ok(Self::new(&key)),
            None => {
                tracing::warn!(
                    "security.field_key is empty: sensitive fields are sealed with a key that \
                     is lost on restart; set GANTRY__SECURITY__FIELD_KEY (openssl rand -base64 32)"
                );
                Ok(Self::ephemeral())
            }
        }
    }

    /// True when the key is random and lives only in this process.
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    /// Seals `plaintext` as `v1:` + Base64(nonce ‖ ciphertext ‖ tag).
    pub fn encrypt(&self, plaintext: &str) -> Result<String, SealError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| SealError::TooLarge)?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", BASE64.encode(bytes)))
    }

    /// Opens a value sealed by [`FieldCipher::encrypt`] under the same key.
    pub fn decrypt(&self, sealed: &str) -> Result<String, SealError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| BASE64.decode(b64).ok())
            .filter(|b| b.len() >= NONCE_LEN + TAG_LEN)
            .ok_or(SealError::Malformed)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError::Unauthentic)?;
        String::from_utf8(plain).map_err(|_| SealError::NotText)
    }
}

/// `110101199003071234` → `110101********1234`: region code and last four kept.
pub fn mask_id_card(id: &str) -> String {
    mask_middle(id.trim(), 6, 4)
}

/// `6222021234567890123` → `6222***********0123`: the bank's prefix and last four kept.
/// Spaces between digit groups are dropped.
pub fn mask_bank_account(account: &str) -> String {
    let digits: String = account.chars().filter(|c| !c.is_whitespace()).collect();
    mask_middle(&digits, 4, 4)
}

/// `13812345678` → `138****5678`; a `+86` prefix is kept, spaces and dashes dropped.
pub fn mask_mobile(mobile: &str) -> String {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    match compact.strip_prefix("+86") {
        Some(national) => format!("+86{}", mask_middle(national, 3, 4)),
        None => mask_middle(&compact, 3, 4),
    }
}

/// Keeps `start` leading and `end` trailing characters and stars the rest; a value too
/// short to hide anything that way is starred whole.
fn mask_middle(value: &str, start: usize, end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= start + end {
        return "*".repeat(n);
    }
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&"*".repeat(n - start - end));
    out.extend(&chars[n - end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trip() {
        let c = FieldCipher::new(&KEY);
        for plain in [
            "",
            "110101199003071234",
            "中文 and emoji 🏗️",
            &"x".repeat(10_000),
        ] {
            let sealed = c.encrypt(plain).expect("seal");
            assert!(sealed.starts_with("v1:"));
            assert!(!sealed.contains(plain) || plain.is_empty());
            assert_eq!(c.decrypt(&sealed).expect("open"), plain);
        }
    }

    #[test]
    fn nonces_differ() {
        let c = FieldCipher::new(&KEY);
        let (a, b) = (c.encrypt("same").expect("a"), c.encrypt("same").expect("b"));
        assert_ne!(a, b);
        let nonce = |s: &str| BASE64.decode(&s[3..]).expect("b64")[..NONCE_LEN].to_vec();
        assert_ne!(nonce(&a), nonce(&b));
    }

    #[test]
    fn tampering_is_detected() {
        let c = FieldCipher::new(&KEY);
        let sealed = c.encrypt("6222021234567890123").expect("seal");
        let bytes = BASE64.decode(&sealed[3..]).expect("b64");
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            let bad = format!("v1:{}", BASE64.encode(bad));
            assert!(
                matches!(c.decrypt(&bad), Err(SealError::Unauthentic)),
                "byte {i}"
            );
        }
        let truncated = format!("v1:{}", BASE64.encode(&bytes[..bytes.len() - 1]));
        assert!(matches!(c.decrypt(&truncated), Err(SealError::Unauthentic)));
        for malformed in [
            "",
            "v2:AAAA",
            "v1:not base64!",
            "v1:AAAA",
            "6222021234567890123",
        ] {
            assert!(
                matches!(c.decrypt(malformed), Err(SealError::Malformed)),
                "{malformed}"
            );
        }
    }

    #[test]
    fn wrong_key_is_rejected() {
        let sealed = FieldCipher::new(&KEY).encrypt("secret").expect("seal");
        let other = FieldCipher::new(&[8; 32]);
        assert!(matches!(
            other.decrypt(&sealed),
            Err(SealError::Unauthentic)
        ));
        assert!(matches!(
            FieldCipher::ephemeral().decrypt(&sealed),
            Err(SealError::Unauthentic)
        ));
    }

    #[test]
    fn keys_from_config() {
        let b64 = BASE64.encode(KEY);
        assert_eq!(
            crate::config::decode_field_key(&b64).expect("valid"),
            Some(KEY)
        );
        assert_eq!(crate::config::decode_field_key(" ").expect("empty"), None);
        let short = crate::config::decode_field_key(&BASE64.encode([1u8; 16])).expect_err("short");
        assert!(short.to_string().contains("32 bytes (got 16)"), "{short}");
        let junk = crate::config::decode_field_key("%%%").expect_err("junk");
        assert!(junk.to_string().contains("not Base64"), "{junk}");
        let debug = format!("{:?}", FieldCipher::new(&KEY));
        assert!(debug.contains("***") && !debug.contains("7, 7"), "{debug}");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_id_card("110101199003071234"), "110101********1234");
        assert_eq!(mask_id_card("11010119900307123X"), "110101********123X");
        assert_eq!(mask_id_card("110101900307123"), "110101*****7123");
        assert_eq!(
            mask_bank_account("6222021234567890123"),
            "6222***********0123"
        );
        assert_eq!(mask_bank_account("6222 0212 3456 7890"), "6222********7890");
        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_mobile("+86 138-1234-5678"), "+86138****5678");
        // Too short to keep both ends: nothing is shown.
        assert_eq!(mask_mobile("12345"), "*****");
        assert_eq!(mask_id_card(""), "");
        assert_eq!(
            mask_id_card("一二三四五六七八九十甲乙"),
            "一二三四五六**九十甲乙"
        );
    }
}
