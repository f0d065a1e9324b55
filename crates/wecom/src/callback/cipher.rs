//! AES-256-CBC keyed from an EncodingAESKey, with padding left to [`super::pkcs7`].

use aes::Aes256;
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

use super::{CallbackError, pkcs7};

/// WeCom's official EncodingAESKeys are non-canonical Base64 (the unused low bits of the
/// last character are set), so the strict engine would reject real keys.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

#[derive(Clone)]
pub(crate) struct Cipher {
    key: [u8; 32],
}

impl Cipher {
    pub(crate) fn from_encoding_aes_key(encoding_aes_key: &str) -> Result<Self, CallbackError> {
        if encoding_aes_key.len() != 43
            || !encoding_aes_key.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(CallbackError::BadKey);
        }
        let mut padded = String::with_capacity(44);
        padded.push_str(encoding_aes_key);
        padded.push('=');
        let bytes = LENIENT
            .decode(padded.as_bytes())
            .map_err(|_| CallbackError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| CallbackError::BadKey)?;
        Ok(Self { key })
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }

    /// Decrypts and strips WeCom's padding; returns the unpadded plaintext.
    pub(crate) fn decrypt_in_place<'a>(
        &self,
        buf: &'a mut [u8],
    ) -> Result<&'a [u8], CallbackError> {
        if buf.is_empty() || !buf.len().is_multiple_of(16) {
            return Err(CallbackError::BadCiphertextLength(buf.len()));
        }
        let len = buf.len();
        let plain = cbc::Decryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .decrypt_padded_mut::<NoPadding>(buf)
            .map_err(|_| CallbackError::BadCiphertextLength(len))?;
        let unpadded = pkcs7::unpadded_len(plain).ok_or(CallbackError::BadPadding)?;
        Ok(&plain[..unpadded])
    }

    /// Encrypts a buffer already padded to a multiple of 32 bytes.
    pub(crate) fn encrypt_in_place(&self, buf: &mut [u8]) {
        let len = buf.len();
        let encrypted = cbc::Encryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .encrypt_padded_mut::<NoPadding>(buf, len);
        // Cannot fail: callers pad to a multiple of the block size first.
        debug_assert!(encrypted.is_ok());
    }
}
