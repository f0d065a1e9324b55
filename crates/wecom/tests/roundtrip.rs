//! Property tests: encryption round-trips any message, and any single-byte change to what
//! the signature covers is refused.

use proptest::prelude::*;
use wecom::callback::{CallbackCrypto, CallbackQuery, Sealed};

fn crypto() -> CallbackCrypto {
    CallbackCrypto::new(
        "QDG6eK",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        "wx5823bf96d3bd56c7",
    )
    .expect("valid key")
}

/// Verifies and decrypts like `open`, without its check that the message is XML, so any
/// bytes round-trip.
fn open(
    crypto: &CallbackCrypto,
    sealed: &Sealed,
) -> Result<Vec<u8>, wecom::callback::CallbackError> {
    let body = sealed.post_body("wx5823bf96d3bd56c7", Some(1000002));
    let envelope = crypto.parse_envelope(body.as_bytes())?;
    let query = sealed.query();
    crypto.verify_signature(
        &query.msg_signature,
        &query.timestamp,
        &query.nonce,
        &envelope.encrypt,
    )?;
    crypto.decrypt(&envelope.encrypt)
}

/// Replaces the byte at `index` with a different printable ASCII byte of the same class,
/// so the field stays plausible (digits stay digits, Base64 stays Base64).
fn tamper(value: &str, index: usize, pick: u8) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = value.as_bytes().to_vec();
    let old = bytes[index];
    let alphabet: &[u8] = if old.is_ascii_digit() {
        b"0123456789"
    } else {
        B64
    };
    let mut new = alphabet[usize::from(pick) % alphabet.len()];
    if new == old {
        new = alphabet[(usize::from(pick) + 1) % alphabet.len()];
    }
    bytes[index] = new;
    String::from_utf8(bytes).expect("ascii")
}

#[test]
fn round_trips_edge_messages() {
    let crypto = crypto();
    let megabyte: Vec<u8> = (0..1_048_576u32).map(|i| (i % 251) as u8).collect();
    for msg in [
        Vec::new(),
        "检查完成，混凝土强度合格".as_bytes().to_vec(),
        megabyte,
    ] {
        let sealed = crypto.seal(&msg, "1700000000", "42");
        assert_eq!(open(&crypto, &sealed).expect("round trip"), msg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn round_trips_any_message(msg in proptest::collection::vec(any::<u8>(), 0..4096),
                               ts in "[0-9]{10}", nonce in "[0-9]{1,12}") {
        let crypto = crypto();
        let sealed = crypto.seal(&msg, &ts, &nonce);
        prop_assert_eq!(open(&crypto, &sealed).expect("round trip"), msg);
    }

    #[test]
    fn refuses_every_single_byte_tampering(msg in "[a-z\u{4e00}-\u{4e2f}]{0,200}", pick in any::<u8>()) {
        let crypto = crypto();
        let sealed = crypto.seal(msg.as_bytes(), "1700000000", "1372623149");
        let fields: [fn(&mut Sealed) -> &mut String; 4] = [
            |s| &mut s.encrypt,
            |s| &mut s.msg_signature,
            |s| &mut s.timestamp,
            |s| &mut s.nonce,
        ];
        for field in fields {
            let len = field(&mut sealed.clone()).len();
            for index in 0..len {
                let mut forged = sealed.clone();
                let target = field(&mut forged);
                // Base64 '=' padding is structural; changing it is a different length class.
                if target.as_bytes()[index] == b'=' {
                    continue;
                }
                *target = tamper(target, index, pick);
                prop_assert!(open(&crypto, &forged).is_err(), "accepted a change at {index}");
            }
        }
    }

    #[test]
    fn never_panics_on_arbitrary_envelopes(body in proptest::collection::vec(any::<u8>(), 0..512),
                                           sig in "[0-9a-f]{0,40}") {
        let crypto = crypto();
        let query = CallbackQuery { msg_signature: sig, timestamp: "1".into(), nonce: "2".into(), echostr: None };
        let _ = crypto.open(&query, &body);
        let _ = wecom::event::parse(&body, 1 << 16);
    }

    #[test]
    fn decrypt_never_panics_on_signed_garbage(cipher in proptest::collection::vec(any::<u8>(), 0..256)) {
        use base64::Engine as _;
        let crypto = crypto();
        let encrypt = base64::engine::general_purpose::STANDARD.encode(&cipher);
        let _ = crypto.decrypt(&encrypt);
    }
}
