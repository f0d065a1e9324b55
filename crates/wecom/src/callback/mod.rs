//! Callback crypto (接收消息与事件): signature, AES-256-CBC, URL verification, replies.
//!
//! ```text
//! ciphertext = base64( AES-256-CBC( pkcs7_32( random16 | len_be32 | msg | receive_id ) ) )
//! msg_signature = sha1_hex( sort(token, timestamp, nonce, ciphertext).concat() )
//! ```
//! The key is the 43-character EncodingAESKey plus `=` decoded from Base64; the IV is its
//! first 16 bytes. The receive id is the corp id for a self-built app.

mod cipher;
mod error;
mod pkcs7;
mod signature;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use error::CallbackError;
pub use signature::msg_signature;

use crate::xml;

/// Default cap on a callback body or decrypted message. WeCom events are a few KB; the cap
/// is generous so large text messages still pass, while a hostile body cannot tie up memory.
pub const DEFAULT_MAX_LEN: usize = 4 * 1024 * 1024;

/// Verifies, decrypts and encrypts callbacks for one callback configuration
/// (Token + EncodingAESKey + receive id).
#[derive(Clone)]
pub struct CallbackCrypto {
    token: String,
    cipher: cipher::Cipher,
    receive_id: String,
    max_len: usize,
}

impl std::fmt::Debug for CallbackCrypto {
    // The token and key are secrets: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackCrypto")
            .field("receive_id", &self.receive_id)
            .field("max_len", &self.max_len)
            .finish_non_exhaustive()
    }
}

/// The query parameters WeCom puts on every callback request, already URL-decoded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CallbackQuery {
    /// `msg_signature`.
    pub msg_signature: String,
    /// `timestamp` (unix seconds, as text).
    pub timestamp: String,
    /// `nonce`.
    pub nonce: String,
    /// `echostr`, present only on the URL-verification GET.
    #[serde(default)]
    pub echostr: Option<String>,
}

/// The root element of every message WeCom encrypts (`<xml>…</xml>`).
pub const MESSAGE_ROOT: &str = "xml";

/// Checks that a decrypted message (at most `max_len` bytes) is one well-formed UTF-8
/// `<xml>…</xml>` document with no DTD, no entity but the predefined ones, and no more
/// nesting or elements than WeCom sends.
///
/// One streaming pass that builds nothing: no entity is ever declared or expanded, so a
/// "billion laughs" or external-entity payload is refused at its DOCTYPE for the cost of
/// reading it. [`CallbackCrypto::open`] runs it on every message; it is public for callers
/// that use [`CallbackCrypto::decrypt`] themselves.
pub fn check_message(msg: &[u8], max_len: usize) -> Result<(), CallbackError> {
    xml::check(msg, max_len, MESSAGE_ROOT).map_err(|e| match e {
        xml::XmlError::TooLarge { size, limit } => CallbackError::TooLarge { size, limit },
        other => CallbackError::MalformedMessage(other.to_string()),
    })
}

/// How far a callback's signed `timestamp` may be from the receiver's clock.
///
/// WeCom signs the timestamp, so a receiver that refuses old (or future) ones keeps a
/// captured callback from being replayed once its dedupe key has been forgotten. WeCom's
/// retries resend the same timestamp within seconds to minutes, so the window must be a
/// few minutes wide, and dedupe keys must be kept for longer than twice the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// The receiver's clock, unix seconds.
    pub now_secs: i64,
    /// The largest accepted distance between `timestamp` and `now_secs`, either way.
    pub max_skew_secs: u64,
}

impl Freshness {
    /// Refuses a `timestamp` that is not decimal unix seconds within the window.
    pub fn check(&self, timestamp: &str) -> Result<(), CallbackError> {
        let within = timestamp.len() <= 19
            && !timestamp.is_empty()
            && timestamp.bytes().all(|b| b.is_ascii_digit())
            && timestamp
                .parse::<i64>()
                .is_ok_and(|ts| ts.abs_diff(self.now_secs) <= self.max_skew_secs);
        if within {
            Ok(())
        } else {
            Err(CallbackError::StaleTimestamp {
                timestamp: timestamp.chars().take(32).collect(),
                max_skew_secs: self.max_skew_secs,
            })
        }
    }
}

/// A message encrypted and signed for WeCom, or by the simulator acting as WeCom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Base64 ciphertext.
    pub encrypt: String,
    /// Signature over token, timestamp, nonce and `encrypt`.
    pub msg_signature: String,
    /// The timestamp that was signed.
    pub timestamp: String,
    /// The nonce that was signed.
    pub nonce: String,
}

/// The fields of a POST envelope (`ToUserName`, `AgentID`, `Encrypt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `ToUserName`: the corp id. Not covered by the signature, so informative only.
    pub to_user_name: Option<String>,
    /// `AgentID`, present on app callbacks. Not covered by the signature either.
    pub agent_id: Option<String>,
    /// The Base64 ciphertext.
    pub encrypt: String,
}

impl CallbackCrypto {
    /// Builds the crypto for one callback configuration.
    ///
    /// `encoding_aes_key` must be WeCom's 43 characters; `receive_id` is the corp id.
    pub fn new(
        token: &str,
        encoding_aes_key: &str,
        receive_id: &str,
    ) -> Result<Self, CallbackError> {
        Ok(Self {
            token: token.to_owned(),
            cipher: cipher::Cipher::from_encoding_aes_key(encoding_aes_key)?,
            receive_id: receive_id.to_owned(),
            max_len: DEFAULT_MAX_LEN,
        })
    }

    /// Changes the size cap applied to envelopes, ciphertexts and messages.
    pub fn with_max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// The receive id (corp id) this configuration accepts.
    pub fn receive_id(&self) -> &str {
        &self.receive_id
    }

    /// Computes `msg_signature` for the given values with this configuration's token.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        msg_signature(&self.token, timestamp, nonce, encrypt)
    }

    /// Checks `msg_signature` in constant time.
    pub fn verify_signature(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<(), CallbackError> {
        let expected = self.signature(timestamp, nonce, encrypt);
        if signature::signatures_match(&expected, msg_signature) {
            Ok(())
        } else {
            Err(CallbackError::BadSignature)
        }
    }

    /// Answers the console's URL verification (GET): returns the bytes to send back as the
    /// response body, exactly and nothing else.
    ///
    /// This does not look at the timestamp (the official test vectors are years old); a
    /// server should call [`CallbackCrypto::verify_url_fresh`].
    pub fn verify_url(&self, query: &CallbackQuery) -> Result<Vec<u8>, CallbackError> {
        self.verify_url_checked(query, None)
    }

    /// [`CallbackCrypto::verify_url`], also refusing a `timestamp` outside `freshness`
    /// (checked after the signature, before decrypting).
    pub fn verify_url_fresh(
        &self,
        query: &CallbackQuery,
        freshness: Freshness,
    ) -> Result<Vec<u8>, CallbackError> {
        self.verify_url_checked(query, Some(freshness))
    }

    fn verify_url_checked(
        &self,
        query: &CallbackQuery,
        freshness: Option<Freshness>,
    ) -> Result<Vec<u8>, CallbackError> {
        let echostr = query
            .echostr
            .as_deref()
            .ok_or_else(|| CallbackError::MalformedEnvelope("echostr is missing".into()))?;
        self.verify_signature(
            &query.msg_signature,
            &query.timestamp,
            &query.nonce,
            echostr,
        )?;
        if let Some(freshness) = freshness {
            freshness.check(&query.timestamp)?;
        }
        self.decrypt(echostr)
    }

    /// Verifies and decrypts a POST callback body, returning the plaintext XML message.
    ///
    /// The message is checked to be one well-formed `<xml>` document without a DTD
    /// ([`check_message`]) before it is returned, so no caller ever stores or parses a
    /// message carrying entity declarations. The timestamp is not looked at; a server
    /// should call [`CallbackCrypto::open_fresh`].
    pub fn open(&self, query: &CallbackQuery, body: &[u8]) -> Result<Vec<u8>, CallbackError> {
        self.open_checked(query, body, None)
    }

    /// [`CallbackCrypto::open`], also refusing a `timestamp` outside `freshness` (checked
    /// after the signature, so a forgery is still reported as one, and before decrypting).
    pub fn open_fresh(
        &self,
        query: &CallbackQuery,
        body: &[u8],
        freshness: Freshness,
    ) -> Result<Vec<u8>, CallbackError> {
        self.open_checked(query, body, Some(freshness))
    }

    fn open_checked(
        &self,
        query: &CallbackQuery,
        body: &[u8],
        freshness: Option<Freshness>,
    ) -> Result<Vec<u8>, CallbackError> {
        let envelope = self.parse_envelope(body)?;
        self.verify_signature(
            &query.msg_signature,
            &query.timestamp,
            &query.nonce,
            &envelope.encrypt,
        )?;
        if let Some(freshness) = freshness {
            freshness.check(&query.timestamp)?;
        }
        let msg = self.decrypt(&envelope.encrypt)?;
        check_message(&msg, self.max_len)?;
        Ok(msg)
    }

    /// Reads the POST envelope without verifying anything.
    pub fn parse_envelope(&self, body: &[u8]) -> Result<Envelope, CallbackError> {
        let doc = xml::parse(body, self.max_len).map_err(|e| match e {
            xml::XmlError::TooLarge { size, limit } => CallbackError::TooLarge { size, limit },
            other => CallbackError::MalformedEnvelope(other.to_string()),
        })?;
        let root = doc.root();
        let encrypt = root
            .text_of("Encrypt")
            .filter(|e| !e.is_empty())
            .ok_or_else(|| CallbackError::MalformedEnvelope("Encrypt is missing".into()))?;
        Ok(Envelope {
            to_user_name: root.text_of("ToUserName").map(str::to_owned),
            agent_id: root.text_of("AgentID").map(str::to_owned),
            encrypt: encrypt.to_owned(),
        })
    }

    /// Decrypts a Base64 ciphertext and checks the receive id; returns the message bytes.
    pub fn decrypt(&self, encrypt: &str) -> Result<Vec<u8>, CallbackError> {
        if encrypt.len() > self.max_len.saturating_mul(4) / 3 + 64 {
            return Err(CallbackError::TooLarge {
                size: encrypt.len(),
                limit: self.max_len,
            });
        }
        let mut buf = STANDARD
            .decode(encrypt.as_bytes())
            .map_err(|_| CallbackError::BadBase64)?;
        let plain = self.cipher.decrypt_in_place(&mut buf)?;
        let (msg, receive_id) = split_plaintext(plain)?;
        if receive_id != self.receive_id.as_bytes() {
            return Err(CallbackError::ReceiveIdMismatch);
        }
        Ok(msg.to_vec())
    }

    /// Encrypts `msg` with a fresh random 16-byte prefix; returns Base64 ciphertext.
    pub fn encrypt(&self, msg: &[u8]) -> String {
        self.encrypt_with_random(msg, rand::random())
    }

    /// Encrypts with a given prefix. Only useful for reproducible test vectors.
    pub fn encrypt_with_random(&self, msg: &[u8], random: [u8; 16]) -> String {
        let receive_id = self.receive_id.as_bytes();
        let mut buf = Vec::with_capacity(20 + msg.len() + receive_id.len() + pkcs7::BLOCK);
        buf.extend_from_slice(&random);
        // The wire format has a 32-bit length; messages above 4 GiB cannot exist here
        // because every entry point caps input far below that.
        buf.extend_from_slice(&u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(receive_id);
        pkcs7::pad(&mut buf);
        self.cipher.encrypt_in_place(&mut buf);
        STANDARD.encode(buf)
    }

    /// Encrypts and signs `msg` with the given timestamp and nonce.
    pub fn seal(&self, msg: &[u8], timestamp: &str, nonce: &str) -> Sealed {
        let encrypt = self.encrypt(msg);
        let msg_signature = self.signature(timestamp, nonce, &encrypt);
        Sealed {
            encrypt,
            msg_signature,
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
        }
    }

    /// Builds the encrypted passive reply body for a plaintext reply XML.
    pub fn seal_reply(&self, reply_xml: &str, timestamp: &str, nonce: &str) -> String {
        self.seal(reply_xml.as_bytes(), timestamp, nonce)
            .reply_xml()
    }
}

impl Sealed {
    /// The POST body WeCom sends to a callback URL.
    pub fn post_body(&self, to_user_name: &str, agent_id: Option<i64>) -> String {
        let mut out = String::with_capacity(self.encrypt.len() + 160);
        out.push_str("<xml><ToUserName>");
        xml::push_cdata(&mut out, to_user_name);
        out.push_str("</ToUserName>");
        if let Some(agent_id) = agent_id {
            out.push_str("<AgentID>");
            xml::push_cdata(&mut out, &agent_id.to_string());
            out.push_str("</AgentID>");
        }
        out.push_str("<Encrypt>");
        xml::push_cdata(&mut out, &self.encrypt);
        out.push_str("</Encrypt></xml>");
        out
    }

    /// The encrypted passive reply body (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`).
    pub fn reply_xml(&self) -> String {
        let mut out = String::with_capacity(self.encrypt.len() + 200);
        out.push_str("<xml><Encrypt>");
        xml::push_cdata(&mut out, &self.encrypt);
        out.push_str("</Encrypt><MsgSignature>");
        xml::push_cdata(&mut out, &self.msg_signature);
        out.push_str("</MsgSignature><TimeStamp>");
        out.push_str(&self.timestamp);
        out.push_str("</TimeStamp><Nonce>");
        xml::push_cdata(&mut out, &self.nonce);
        out.push_str("</Nonce></xml>");
        out
    }

    /// The query string WeCom appends to the callback URL for this message.
    pub fn query(&self) -> CallbackQuery {
        CallbackQuery {
            msg_signature: self.msg_signature.clone(),
            timestamp: self.timestamp.clone(),
            nonce: self.nonce.clone(),
            echostr: None,
        }
    }
}

/// Splits `random16 | len_be32 | msg | receive_id` into `(msg, receive_id)`.
fn split_plaintext(plain: &[u8]) -> Result<(&[u8], &[u8]), CallbackError> {
    let header = plain.get(16..20).ok_or(CallbackError::MalformedPlaintext)?;
    let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| 20usize.checked_add(len))
        .filter(|&end| end <= plain.len())
        .ok_or(CallbackError::MalformedPlaintext)?;
    Ok((&plain[20..end], &plain[end..]))
}
