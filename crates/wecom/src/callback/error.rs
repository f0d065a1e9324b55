use thiserror::Error;

/// Why a callback could not be verified, decrypted or built.
///
/// Every variant maps to the error code WeCom's own sample library uses
/// ([`CallbackError::official_code`]), so logs line up with WeCom's documentation.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// `msg_signature` does not match SHA-1 over token, timestamp, nonce and ciphertext.
    #[error("msg_signature does not match")]
    BadSignature,
    /// The EncodingAESKey is not 43 Base64 characters decoding to 32 bytes.
    #[error("EncodingAESKey must be 43 characters of [A-Za-z0-9] decoding to 32 bytes")]
    BadKey,
    /// The ciphertext is not valid Base64.
    #[error("ciphertext is not valid base64")]
    BadBase64,
    /// The ciphertext length is not a positive multiple of the AES block.
    #[error("ciphertext length {0} is not a positive multiple of 16")]
    BadCiphertextLength(usize),
    /// The decrypted buffer does not end in WeCom's 32-byte-block PKCS#7 padding.
    #[error("invalid PKCS#7 padding")]
    BadPadding,
    /// The decrypted buffer is too short or its length prefix points outside it.
    #[error("decrypted buffer is malformed")]
    MalformedPlaintext,
    /// The receive id inside the plaintext is not the configured corp id.
    #[error("receive id does not match the configured corp id")]
    ReceiveIdMismatch,
    /// The POST envelope is not the `<xml><Encrypt>…</Encrypt></xml>` WeCom sends.
    #[error("malformed callback envelope: {0}")]
    MalformedEnvelope(String),
    /// The decrypted message is not one well-formed `<xml>…</xml>` document, or it carries
    /// a DTD, an unknown entity or more nesting than WeCom ever sends.
    #[error("malformed callback message: {0}")]
    MalformedMessage(String),
    /// The signed `timestamp` is not unix seconds within the accepted distance from the
    /// receiver's clock: a replay of a captured callback, or a badly wrong clock.
    #[error("timestamp {timestamp:?} is not within {max_skew_secs} s of the receiver's clock")]
    StaleTimestamp {
        /// The timestamp as received (at most 32 characters of it).
        timestamp: String,
        /// The accepted distance, in seconds.
        max_skew_secs: u64,
    },
    /// The input is larger than the configured cap.
    #[error("input of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the rejected input.
        size: usize,
        /// The configured cap.
        limit: usize,
    },
}

impl CallbackError {
    /// The code WeCom's official `WXBizMsgCrypt` samples use for this failure.
    pub fn official_code(&self) -> i32 {
        match self {
            // The samples do not check the timestamp; refusing it refuses what was signed.
            Self::BadSignature | Self::StaleTimestamp { .. } => -40001,
            Self::MalformedEnvelope(_) | Self::MalformedMessage(_) => -40002,
            Self::BadKey => -40004,
            Self::ReceiveIdMismatch => -40005,
            Self::BadCiphertextLength(_) | Self::BadPadding => -40007,
            Self::MalformedPlaintext | Self::TooLarge { .. } => -40008,
            Self::BadBase64 => -40010,
        }
    }
}
