//! The official WeCom test vectors (shared/docs/wecom-protocol.md §2), byte for byte.

use wecom::callback::{CallbackCrypto, CallbackError, CallbackQuery};

const A_TOKEN: &str = "QDG6eK";
const A_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const A_CORP: &str = "wx5823bf96d3bd56c7";

const B_TOKEN: &str = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
const B_KEY: &str = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";
const B_CORP: &str = "ww1436e0e65a779aee";

const A_POST_ENCRYPT: &str = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

const A_POST_MSG: &str = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

fn crypto_a() -> CallbackCrypto {
    CallbackCrypto::new(A_TOKEN, A_KEY, A_CORP).expect("official key A is valid")
}

fn crypto_b() -> CallbackCrypto {
    CallbackCrypto::new(B_TOKEN, B_KEY, B_CORP).expect("official key B is valid")
}

fn query(sig: &str, ts: &str, nonce: &str, echostr: Option<&str>) -> CallbackQuery {
    CallbackQuery {
        msg_signature: sig.into(),
        timestamp: ts.into(),
        nonce: nonce.into(),
        echostr: echostr.map(Into::into),
    }
}

#[test]
fn set_a_url_verification() {
    let echostr =
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    let q = query(
        "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "1409659589",
        "263014780",
        Some(echostr),
    );
    assert_eq!(
        crypto_a().verify_url(&q).expect("verifies"),
        b"1616140317555161061"
    );
}

#[test]
fn set_a_url_verification_from_the_wire_encoding() {
    // The echostr as WeCom sends it, percent-encoded; a '+' must never become a space.
    let raw = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
    let pairs: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect();
    let q = query(
        &pairs["msg_signature"],
        &pairs["timestamp"],
        &pairs["nonce"],
        Some(&pairs["echostr"]),
    );
    assert_eq!(
        crypto_a().verify_url(&q).expect("verifies"),
        b"1616140317555161061"
    );
}

#[test]
fn set_a_message_decrypts_with_pad_30() {
    let body = format!(
        "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{A_POST_ENCRYPT}]]></Encrypt></xml>"
    );
    let q = query(
        "477715d11cdb4164915debcba66cb864d751f3e6",
        "1409659813",
        "1372623149",
        None,
    );
    let msg = crypto_a().open(&q, body.as_bytes()).expect("opens");
    assert_eq!(msg.len(), 284);
    assert_eq!(msg, A_POST_MSG.as_bytes());

    // The Python sample's envelope adds AgentID, which the signature does not cover.
    let with_agent = body.replace(
        "</ToUserName>",
        "</ToUserName><AgentID><![CDATA[218]]></AgentID>",
    );
    assert_eq!(
        crypto_a().open(&q, with_agent.as_bytes()).expect("opens"),
        msg
    );

    let inbound = wecom::event::parse(&msg, 1 << 20).expect("parses");
    assert_eq!(inbound.from_user, "mycreate");
    assert_eq!(inbound.create_time, 1409659813);
    assert_eq!(inbound.agent_id, Some(218));
    assert_eq!(inbound.msg_id.as_deref(), Some("4561255354251345929"));
    assert_eq!(
        inbound.body,
        wecom::event::Body::Text {
            content: "hello".into()
        }
    );
}

#[test]
fn set_a_signature_worked_example() {
    assert_eq!(
        wecom::callback::msg_signature(A_TOKEN, "1409659813", "1372623149", A_POST_ENCRYPT),
        "477715d11cdb4164915debcba66cb864d751f3e6"
    );
}

#[test]
fn set_b_url_verification() {
    let echostr =
        "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==";
    let q = query(
        "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
        "1476416373",
        "47744683",
        Some(echostr),
    );
    assert_eq!(
        crypto_b().verify_url(&q).expect("verifies"),
        b"1288432023552776189"
    );
}

#[test]
fn set_b_message_without_cdata() {
    let encrypt = "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+";
    let body = format!(
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
    );
    let q = query(
        "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
        "1476422779",
        "1597212914",
        None,
    );
    let msg = crypto_b().open(&q, body.as_bytes()).expect("opens");
    let expected = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";
    assert_eq!(msg.len(), 228);
    assert_eq!(msg, expected.as_bytes());
    let inbound = wecom::event::parse(&msg, 1 << 20).expect("parses");
    assert_eq!(
        inbound.body,
        wecom::event::Body::Text {
            content: "你好".into()
        }
    );
}

#[test]
fn derived_encrypt_vector() {
    let msg = "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content></xml>";
    let crypto = crypto_a();
    let encrypt = crypto.encrypt_with_random(msg.as_bytes(), *b"0123456789abcdef");
    assert_eq!(
        encrypt,
        "sKqRbbiSUnDhFHOvPjtUMUfes4/2uKY1g9DFmYoQAgeG2lGZONATyKWRDvzuxzQiQdIha6gkfdfKPf+dWPq89c8dFM29NV2Dcenu3P4StHpPh3tJx8AQoZsK6m19Bm5KeqGAgP7QPvJw7kTS0KZTeoMvKNrQFcNXV9XtcJEfo+8T955q4mm3bFkRylRmigVZ6s35VNAL/DDWjTCA+4+aPGLYz0GEGzJUwarw0YS+bgN1SNnGDXdMWPBZEx9hQmVV9VxcCl/krOM0d+3UxNooujbT/4o7g5tmGTPOS/LAwko8lEXNqimYLmLiu5LJ6cMrTOUtiR342qpmtrqS6C/MtOktxDu4/Pch+lVtAMMHlamPyjtgLvfoTBpL3PCgCopB"
    );
    assert_eq!(
        crypto.signature("1409659813", "1372623149", &encrypt),
        "fd6903c7056304d70ccd43f9c2d048ae661c2171"
    );
}

#[test]
fn passive_reply_opens_as_a_request() {
    let crypto = crypto_a();
    let reply = crypto.seal_reply(
        "<xml><Content><![CDATA[收到]]></Content></xml>",
        "1409659813",
        "1372623149",
    );
    let root_sig = reply
        .split("<MsgSignature><![CDATA[")
        .nth(1)
        .and_then(|s| s.split("]]>").next())
        .expect("signature present");
    let q = query(root_sig, "1409659813", "1372623149", None);
    let opened = crypto
        .open(&q, reply.as_bytes())
        .expect("reply verifies and decrypts");
    assert_eq!(
        opened,
        "<xml><Content><![CDATA[收到]]></Content></xml>".as_bytes()
    );
    assert!(reply.contains("<TimeStamp>1409659813</TimeStamp>"));
}

#[test]
fn wrong_corp_and_wrong_token_are_rejected() {
    let other_corp = CallbackCrypto::new(A_TOKEN, A_KEY, "ww0000000000000000").expect("valid");
    let echostr =
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    let q = query(
        "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "1409659589",
        "263014780",
        Some(echostr),
    );
    assert_eq!(
        other_corp.verify_url(&q),
        Err(CallbackError::ReceiveIdMismatch)
    );
    let other_token = CallbackCrypto::new("other", A_KEY, A_CORP).expect("valid");
    assert_eq!(other_token.verify_url(&q), Err(CallbackError::BadSignature));
}

#[test]
fn bad_keys_are_refused() {
    for key in ["", "short", &"a".repeat(44), &format!("{}!", &A_KEY[..42])] {
        assert_eq!(
            CallbackCrypto::new(A_TOKEN, key, A_CORP).map(|_| ()),
            Err(CallbackError::BadKey),
            "{key:?}"
        );
    }
}
