use proptest::prelude::*;

use super::*;

const KEY: [u8; 32] = [7; 32];
const OTHER: [u8; 32] = [8; 32];

fn cipher() -> FieldCipher {
    FieldCipher::new("k1", &KEY).expect("cipher")
}

/// A `v1:` value as the first format sealed it: no key id, no associated data.
fn v1(key: &[u8; 32], plain: &str) -> String {
    let aead = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let mut bytes = nonce.to_vec();
    bytes.extend(aead.encrypt(&nonce, plain.as_bytes()).expect("seal"));
    format!("v1:{}", BASE64.encode(bytes))
}

fn body(sealed: &str) -> Vec<u8> {
    let (_, b64) = sealed.rsplit_once(':').expect("header");
    BASE64.decode(b64).expect("b64")
}

#[test]
fn round_trip_names_the_key() {
    let c = cipher();
    for plain in ["", "13812345678", "中文 and emoji 🏗️", &"x".repeat(10_000)] {
        let sealed = c.seal(plain).expect("seal");
        assert!(sealed.starts_with("v2:k1:"), "{sealed}");
        assert!(!sealed.contains(plain) || plain.is_empty());
        assert_eq!(c.open(&sealed).expect("open"), plain);
        assert!(c.is_current(&sealed));
        assert_eq!(sealed_key_id(&sealed), Some(SealedBy::V2("k1")));
    }
}

#[test]
fn nonces_differ() {
    let c = cipher();
    let (a, b) = (c.seal("same").expect("a"), c.seal("same").expect("b"));
    assert_ne!(a, b);
    assert_ne!(body(&a)[..NONCE_LEN], body(&b)[..NONCE_LEN]);
}

#[test]
fn tampering_is_detected() {
    let c = cipher();
    let sealed = c.seal("13812345678").expect("seal");
    let bytes = body(&sealed);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        let bad = format!("v2:k1:{}", BASE64.encode(bad));
        assert!(
            matches!(c.open(&bad), Err(SealError::Unauthentic)),
            "byte {i}"
        );
    }
    let truncated = format!("v2:k1:{}", BASE64.encode(&bytes[..bytes.len() - 1]));
    assert!(matches!(c.open(&truncated), Err(SealError::Unauthentic)));
    // The key id is authenticated too: relabelling a value does not open it.
    let relabelled = sealed.replacen("v2:k1:", "v2:k0:", 1);
    let c2 = cipher()
        .with_retired("k0", &KEY)
        .expect("same key, second id");
    assert!(matches!(c2.open(&relabelled), Err(SealError::Unauthentic)));
    for malformed in [
        "",
        "v2:",
        "v2:k1",
        "v2:k1:not base64!",
        "v2:k1:AAAA",
        "v2:K1:AAAA",
        "v1:not base64!",
        "v1:AAAA",
        "v3:k1:AAAA",
        "13812345678",
    ] {
        assert!(
            matches!(c.open(malformed), Err(SealError::Malformed)),
            "{malformed}"
        );
    }
    let err = c.open("v2:k9:AAAA").expect_err("unknown key");
    assert!(matches!(&err, SealError::UnknownKey(id) if id == "k9"));
    assert!(
        err.to_string().contains("security.retired_field_keys"),
        "{err}"
    );
}

#[test]
fn wrong_key_is_rejected() {
    let sealed = cipher().seal("secret").expect("seal");
    let other = FieldCipher::new("k1", &OTHER).expect("other");
    assert!(matches!(other.open(&sealed), Err(SealError::Unauthentic)));
    assert!(matches!(
        FieldCipher::ephemeral().open(&sealed),
        Err(SealError::UnknownKey(_))
    ));
}

#[test]
fn retired_keys_open_but_never_seal() {
    let old = cipher();
    let sealed = old.seal("13812345678").expect("seal");
    let rotated = FieldCipher::new("k2", &OTHER)
        .expect("new")
        .with_retired("k1", &KEY)
        .expect("retired");
    assert_eq!(rotated.open(&sealed).expect("open"), "13812345678");
    assert!(!rotated.is_current(&sealed));
    let resealed = rotated.seal("13812345678").expect("seal");
    assert!(resealed.starts_with("v2:k2:") && rotated.is_current(&resealed));
    assert!(matches!(old.open(&resealed), Err(SealError::UnknownKey(id)) if id == "k2"));
    assert!(
        rotated.clone().with_retired("k2", &KEY).is_err(),
        "ids are unique"
    );
    assert!(FieldCipher::new("K2", &KEY).is_err());
    assert!(FieldCipher::new("", &KEY).is_err());
}

#[test]
fn first_format_values_still_open() {
    let plain = "zhangsan@example.com";
    let c = cipher();
    assert_eq!(c.open(&v1(&KEY, plain)).expect("open"), plain);
    let rotated = FieldCipher::new("k2", &OTHER)
        .expect("new")
        .with_retired("old", &KEY)
        .expect("retired");
    let old = v1(&KEY, plain);
    assert_eq!(
        rotated.open(&old).expect("opened by the retired key"),
        plain
    );
    assert!(!rotated.is_current(&old));
    assert_eq!(
        sealed_key_id(&old).map(|s| s.key_id().to_owned()),
        Some("legacy".into())
    );
    let unknown = v1(&[9; 32], plain);
    assert!(matches!(
        rotated.open(&unknown),
        Err(SealError::Unauthentic)
    ));
}

#[test]
fn digests_are_keyed_normalised_and_apart_from_the_aes_key() {
    let c = cipher();
    let d = c.digest(Lookup::Mobile, "13812345678").expect("digest");
    assert_eq!(d.len(), 64);
    assert_eq!(
        c.digest(Lookup::Mobile, "+86 138-1234-5678"),
        Some(d.clone())
    );
    assert_ne!(c.digest(Lookup::Email, "13812345678"), Some(d.clone()));
    assert_ne!(
        FieldCipher::new("k1", &OTHER)
            .expect("other")
            .digest(Lookup::Mobile, "13812345678"),
        Some(d.clone())
    );
    assert_eq!(
        c.digest(Lookup::Email, " ZhangSan@Example.COM"),
        c.digest(Lookup::Email, "zhangsan@example.com")
    );
    assert_eq!(c.digest(Lookup::Mobile, " - "), None);
    // Not a plain HMAC under the AES key.
    let raw = hex::encode(hmac_sha256(&KEY, &[b"mobile", b"\0", b"13812345678"]));
    assert_ne!(d, raw);
    let rotated = FieldCipher::new("k2", &OTHER)
        .expect("new")
        .with_retired("k1", &KEY)
        .expect("retired");
    let all = rotated.lookup_digests(Lookup::Mobile, "13812345678");
    assert_eq!(all.len(), 2);
    assert!(all.contains(&d), "a row not yet resealed is still found");
}

#[test]
fn search_texts_are_recognised() {
    assert_eq!(Lookup::of_search("13812345678"), Some(Lookup::Mobile));
    assert_eq!(Lookup::of_search("+86 138 1234 5678"), Some(Lookup::Mobile));
    assert_eq!(Lookup::of_search("a@b.cn"), Some(Lookup::Email));
    assert_eq!(Lookup::of_search("张三"), None);
    assert_eq!(Lookup::of_search("1234"), None);
    assert_eq!(Lookup::of_search(""), None);
}

#[test]
fn keys_from_config() {
    use crate::config::decode_key;
    let b64 = BASE64.encode(KEY);
    assert_eq!(
        decode_key("security.field_key", &b64).expect("valid"),
        Some(KEY)
    );
    assert_eq!(decode_key("security.field_key", " ").expect("empty"), None);
    let short = decode_key("security.field_key", &BASE64.encode([1u8; 16])).expect_err("short");
    assert!(short.to_string().contains("32 bytes (got 16)"), "{short}");
    let junk = decode_key("security.field_key", "%%%").expect_err("junk");
    assert!(junk.to_string().contains("not Base64"), "{junk}");
    let debug = format!(
        "{:?}",
        cipher().with_retired("k0", &OTHER).expect("retired")
    );
    assert!(
        debug.contains("***") && debug.contains("k0") && !debug.contains("7, 7"),
        "{debug}"
    );
}

proptest! {
    #[test]
    fn any_text_round_trips(plain in "\\PC{0,200}") {
        let c = cipher();
        let sealed = c.seal(&plain).expect("seal");
        prop_assert_eq!(c.open(&sealed).expect("open"), plain);
    }

    #[test]
    fn opening_any_text_never_panics(text in "(v1:|v2:|v2:k1:)?\\PC{0,120}") {
        let _ = cipher().open(&text);
        let _ = sealed_key_id(&text);
        let _ = cipher().digest(Lookup::Mobile, &text);
        let _ = Lookup::of_search(&text);
    }
}
