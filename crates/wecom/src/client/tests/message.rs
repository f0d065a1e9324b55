//! message/send wire format, validation and response decoding.

use serde_json::json;

use crate::client::message::SendRequest;
use crate::client::*;

fn text(to: Recipients) -> Message {
    Message::new(
        to,
        MessageBody::Text {
            content: "hello".into(),
        },
    )
}

#[test]
fn joins_recipients_with_pipes() {
    let mut message = text(Recipients::users(["zhangsan", "lisi"]));
    message.to.parties = vec![1, 2];
    message.to.tags = vec![7];
    let v = serde_json::to_value(SendRequest::new(&message, 1000002)).unwrap();
    assert_eq!(
        v,
        json!({"touser":"zhangsan|lisi","toparty":"1|2","totag":"7","agentid":1000002,
            "msgtype":"text","text":{"content":"hello"},"safe":0,"enable_id_trans":0,
            "enable_duplicate_check":1})
    );
    let v = serde_json::to_value(SendRequest::new(&text(Recipients::all()), 1)).unwrap();
    assert_eq!(v["touser"], "@all");
    assert!(v.get("toparty").is_none());
}

#[test]
fn template_card_wire_matches_doc_example() {
    let card = TemplateCard {
        main_title: Some(MainTitle {
            title: Some("巡检单 #42 待确认".into()),
            desc: Some("3 号泵房".into()),
        }),
        horizontal_content_list: vec![HorizontalContent {
            keyname: "提交人".into(),
            value: Some("张三".into()),
            ..HorizontalContent::default()
        }],
        card_action: Some(CardAction::url("https://app.example.com/insp/42")),
        ..TemplateCard::button_interaction(
            "insp-42-v1",
            vec![
                Button::callback("通过", "approve", 1),
                Button::callback("驳回", "reject", 2),
            ],
        )
    };
    let mut message = text(Recipients::users(["zhangsan", "lisi"]));
    message.body = MessageBody::TemplateCard(Box::new(card));
    message.duplicate_check_interval = Some(1800);
    message.validate().unwrap();
    let v = serde_json::to_value(SendRequest::new(&message, 1000002)).unwrap();
    assert_eq!(
        v,
        json!({"touser":"zhangsan|lisi","msgtype":"template_card","agentid":1000002,
         "template_card":{"card_type":"button_interaction",
          "main_title":{"title":"巡检单 #42 待确认","desc":"3 号泵房"},
          "horizontal_content_list":[{"keyname":"提交人","value":"张三"}],
          "card_action":{"type":1,"url":"https://app.example.com/insp/42"},
          "task_id":"insp-42-v1",
          "button_list":[{"text":"通过","style":1,"key":"approve"},{"text":"驳回","style":2,"key":"reject"}]},
         "safe":0,"enable_id_trans":0,"enable_duplicate_check":1,"duplicate_check_interval":1800})
    );
}

#[test]
fn textcard_and_markdown_wire() {
    let mut message = text(Recipients::users(["a"]));
    message.body = MessageBody::TextCard {
        title: "t".into(),
        description: "<div class=\"gray\">d</div>".into(),
        url: "https://x".into(),
        btntxt: None,
    };
    let v = serde_json::to_value(SendRequest::new(&message, 1)).unwrap();
    assert_eq!(v["msgtype"], "textcard");
    assert_eq!(
        v["textcard"],
        json!({"title":"t","description":"<div class=\"gray\">d</div>","url":"https://x"})
    );
    message.body = MessageBody::Markdown {
        content: "# h".into(),
    };
    let v = serde_json::to_value(SendRequest::new(&message, 1)).unwrap();
    assert_eq!(v["markdown"], json!({"content":"# h"}));
}

#[test]
fn validates_before_sending() {
    assert!(text(Recipients::default()).validate().is_err());
    assert!(
        text(Recipients::users((0..1001).map(|i| format!("u{i}"))))
            .validate()
            .is_err()
    );
    assert!(
        text(Recipients::users((0..1000).map(|i| format!("u{i}"))))
            .validate()
            .is_ok()
    );
    let mut m = text(Recipients::users(["a"]));
    m.to.parties = (0..101).collect();
    assert!(m.validate().is_err());
    let mut m = text(Recipients::users(["a"]));
    m.to.tags = (0..101).collect();
    assert!(m.validate().is_err());
    assert!(text(Recipients::users(["a|b"])).validate().is_err());
    let mut all = Recipients::all();
    all.users.push("a".into());
    assert!(text(all).validate().is_err());
    let mut m = text(Recipients::users(["a"]));
    m.body = MessageBody::Text {
        content: "汉".repeat(683),
    }; // 2049 bytes
    assert!(m.validate().is_err());
    m.body = MessageBody::Text {
        content: "汉".repeat(682),
    };
    assert!(m.validate().is_ok());
    m.duplicate_check_interval = Some(14_401);
    assert!(m.validate().is_err());
}

#[test]
fn splits_large_recipient_lists() {
    let mut m = text(Recipients::users((0..2500).map(|i| format!("u{i}"))));
    m.to.parties = vec![3];
    let chunks = m.split();
    assert_eq!(
        chunks.iter().map(|c| c.to.users.len()).collect::<Vec<_>>(),
        [1000, 1000, 500]
    );
    assert_eq!(chunks[0].to.parties, [3]);
    assert!(chunks[1].to.parties.is_empty() && chunks[2].to.parties.is_empty());
    assert_eq!(chunks[2].to.users[0], "u2000");
    assert!(
        chunks
            .iter()
            .all(|c| c.enable_duplicate_check && c.validate().is_ok())
    );
    assert_eq!(text(Recipients::users(["a"])).split().len(), 1);
}

#[test]
fn decodes_send_results() {
    let r: SendResult = serde_json::from_str(
        r#"{"errcode":0,"errmsg":"ok","invaliduser":"userid1|userid2","invalidparty":"partyid1|2",
            "invalidtag":"","unlicenseduser":"u3","msgid":"xx","response_code":"rc"}"#,
    )
    .unwrap();
    assert_eq!(r.invaliduser, ["userid1", "userid2"]);
    assert_eq!(r.invalidparty, [2]);
    assert!(r.invalidtag.is_empty());
    assert_eq!(r.unlicenseduser, ["u3"]);
    assert_eq!(r.response_code.as_deref(), Some("rc"));
    let r: SendResult = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","msgid":"m"}"#).unwrap();
    assert_eq!(r.msgid, "m");
    assert!(r.response_code.is_none() && r.invaliduser.is_empty());
}

#[test]
fn message_roundtrips_for_outboxes() {
    let m = text(Recipients::users(["a"]));
    let stored = serde_json::to_string(&m).unwrap();
    let back: Message = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, m);
    // Older rows without the flag still get duplicate checking.
    let old: Message = serde_json::from_value(
        json!({"to":{"users":["a"]},"body":{"msgtype":"text","content":"x"}}),
    )
    .unwrap();
    assert!(old.enable_duplicate_check);
}
