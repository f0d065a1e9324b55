//! Every documented callback kind parses into its typed form; unknown kinds are kept whole.

use wecom::event::{self, Body, ContactChange, Event, EventError};

fn parse(xml: &str) -> Result<event::Inbound, EventError> {
    event::parse(xml.as_bytes(), 1 << 20)
}

fn event_of(xml: &str) -> Event {
    match parse(xml).expect("parses").body {
        Body::Event(event) => event,
        other => panic!("not an event: {other:?}"),
    }
}

const HEAD: &str = "<xml><ToUserName><![CDATA[ww0000000000000000]]></ToUserName>\n<FromUserName><![CDATA[zhangsan]]></FromUserName>\n<CreateTime>1700000000</CreateTime>\n";

#[test]
fn text_message_with_64_bit_msg_id() {
    let inbound = parse(&format!("{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[检查完成]]></Content><MsgId>7300000000000000001</MsgId><AgentID>1000002</AgentID></xml>")).expect("parses");
    assert_eq!(
        inbound.body,
        Body::Text {
            content: "检查完成".into()
        }
    );
    assert_eq!(inbound.msg_id.as_deref(), Some("7300000000000000001"));
    assert_eq!(inbound.dedupe_key(b"ignored"), "msg:7300000000000000001");
    assert_eq!(inbound.kind(), "text");
}

#[test]
fn image_location_and_link_messages() {
    let image = parse(&format!("{HEAD}<MsgType>image</MsgType><PicUrl>http://p/1.jpg</PicUrl><MediaId>m1</MediaId><MsgId>1</MsgId></xml>")).expect("parses");
    assert_eq!(
        image.body,
        Body::Image {
            pic_url: Some("http://p/1.jpg".into()),
            media_id: "m1".into()
        }
    );
    let location = parse(&format!("{HEAD}<MsgType>location</MsgType><Location_X>23.13</Location_X><Location_Y>113.26</Location_Y><Scale>15</Scale><Label>三号工地</Label><MsgId>2</MsgId></xml>")).expect("parses");
    assert!(
        matches!(location.body, Body::Location { ref label, .. } if label.as_deref() == Some("三号工地"))
    );
    let missing = parse(&format!(
        "{HEAD}<MsgType>image</MsgType><MsgId>1</MsgId></xml>"
    ));
    assert_eq!(missing, Err(EventError::MissingField("MediaId")));
}

#[test]
fn menu_and_agent_events() {
    let xml = |event: &str, key: &str| {
        format!(
            "{HEAD}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey><AgentID>1000002</AgentID></xml>"
        )
    };
    assert_eq!(event_of(&xml("enter_agent", "")), Event::EnterAgent);
    assert_eq!(
        event_of(&xml("click", "my_tasks")),
        Event::Click {
            event_key: "my_tasks".into()
        }
    );
    assert_eq!(
        event_of(&xml("view", "https://g/")),
        Event::View {
            url: "https://g/".into()
        }
    );
    let scan = format!(
        "{HEAD}<MsgType>event</MsgType><Event>scancode_waitmsg</Event><EventKey>scan</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>EQ-42</ScanResult></ScanCodeInfo></xml>"
    );
    assert_eq!(
        event_of(&scan),
        Event::ScanCode {
            kind: "scancode_waitmsg".into(),
            event_key: "scan".into(),
            scan_type: Some("qrcode".into()),
            scan_result: Some("EQ-42".into())
        }
    );
    let pics = format!(
        "{HEAD}<MsgType>event</MsgType><Event>pic_sysphoto</Event><EventKey>p</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>aa</PicMd5Sum></item><item><PicMd5Sum>bb</PicMd5Sum></item></PicList></SendPicsInfo></xml>"
    );
    assert!(
        matches!(event_of(&pics), Event::Pictures { md5_sums, .. } if md5_sums == ["aa", "bb"])
    );
}

#[test]
fn template_card_click_with_selections() {
    let xml = format!(
        "{HEAD}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[approve]]></EventKey><TaskId><![CDATA[insp-20231114-0042]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[RESPONSE_CODE_VALUE]]></ResponseCode><AgentID>1000002</AgentID><SelectedItems>\n  <SelectedItem>\n    <QuestionKey><![CDATA[shift]]></QuestionKey>\n    <OptionIds><OptionId><![CDATA[day]]></OptionId><OptionId>night</OptionId></OptionIds>\n  </SelectedItem>\n</SelectedItems></xml>"
    );
    let inbound = parse(&xml).expect("parses");
    let Body::Event(Event::TemplateCard(card)) = &inbound.body else {
        panic!("not a card event")
    };
    assert_eq!(card.event_key, "approve");
    assert_eq!(card.task_id, "insp-20231114-0042");
    assert_eq!(card.card_type, "button_interaction");
    assert_eq!(card.selected_items[0].question_key, "shift");
    assert_eq!(card.selected_items[0].option_ids, ["day", "night"]);
    assert_eq!(
        inbound.dedupe_key(xml.as_bytes()),
        "card:RESPONSE_CODE_VALUE"
    );
    assert_eq!(inbound.kind(), "event:template_card_event");
}

fn contact(body: &str) -> ContactChange {
    let xml = format!(
        "<xml><ToUserName><![CDATA[ww0]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>{body}</xml>"
    );
    match event_of(&xml) {
        Event::ChangeContact(change) => change,
        other => panic!("not a contact change: {other:?}"),
    }
}

#[test]
fn contact_user_changes() {
    let create = contact(
        "<ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name><Department><![CDATA[1,7]]></Department><MainDepartment>7</MainDepartment><IsLeaderInDept><![CDATA[0,1]]></IsLeaderInDept><DirectLeader><![CDATA[lisi,wangwu]]></DirectLeader><Position><![CDATA[安全员]]></Position><Mobile>13800000000</Mobile><Gender>1</Gender><Email><![CDATA[z@example.com]]></Email><Status>1</Status><ExtAttr><Item><Name><![CDATA[工号]]></Name><Type>0</Type><Text><Value><![CDATA[A001]]></Value></Text></Item><Item><Name>主页</Name><Type>1</Type><Web><Title>主页</Title><Url>http://a/</Url></Web></Item></ExtAttr>",
    );
    let ContactChange::CreateUser(user) = create else {
        panic!("not create_user")
    };
    assert_eq!(user.user_id, "zhangsan");
    assert_eq!(user.departments, Some(vec![1, 7]));
    assert_eq!(user.is_leader_in_dept, Some(vec![false, true]));
    assert_eq!(
        user.direct_leader,
        Some(vec!["lisi".to_owned(), "wangwu".to_owned()])
    );
    assert_eq!(user.gender, Some(1));
    assert_eq!(user.ext_attr[0].value, "A001");
    assert_eq!(user.ext_attr[1].value, "http://a/");
    assert_eq!(user.ext_attr[1].title.as_deref(), Some("主页"));

    // Post-2022 events carry ids only: absent fields are None, not empty.
    let update = contact(
        "<ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><NewUserID><![CDATA[zhangsan2]]></NewUserID><Department><![CDATA[1,7]]></Department><MainDepartment>7</MainDepartment>",
    );
    let ContactChange::UpdateUser(user) = update else {
        panic!("not update_user")
    };
    assert_eq!(user.new_user_id.as_deref(), Some("zhangsan2"));
    assert_eq!(user.name, None);
    assert_eq!(user.mobile, None);

    assert_eq!(
        contact("<ChangeType>delete_user</ChangeType><UserID>zs</UserID>"),
        ContactChange::DeleteUser {
            user_id: "zs".into()
        }
    );
}

#[test]
fn contact_party_and_tag_changes() {
    let ContactChange::CreateParty(party) = contact(
        "<ChangeType>create_party</ChangeType><Id>2</Id><Name><![CDATA[项目部]]></Name><ParentId><![CDATA[1]]></ParentId><Order>1</Order>",
    ) else {
        panic!()
    };
    assert_eq!(
        (party.id, party.parent_id, party.order),
        (2, Some(1), Some(1))
    );
    let ContactChange::UpdateParty(party) =
        contact("<ChangeType>update_party</ChangeType><Id>2</Id><ParentId>5</ParentId>")
    else {
        panic!()
    };
    assert_eq!((party.name, party.parent_id), (None, Some(5)));
    assert_eq!(
        contact("<ChangeType>delete_party</ChangeType><Id>2</Id>"),
        ContactChange::DeleteParty { id: 2 }
    );
    let ContactChange::UpdateTag(tag) = contact(
        "<ChangeType><![CDATA[update_tag]]></ChangeType><TagId>1</TagId><AddUserItems><![CDATA[zhangsan,lisi]]></AddUserItems><DelUserItems><![CDATA[wangwu]]></DelUserItems><AddPartyItems><![CDATA[1,2]]></AddPartyItems><DelPartyItems><![CDATA[3]]></DelPartyItems>",
    ) else {
        panic!()
    };
    assert_eq!(tag.add_user_items, ["zhangsan", "lisi"]);
    assert_eq!(tag.del_party_items, [3]);
    assert!(
        matches!(contact("<ChangeType>update_contact_way</ChangeType>"), ContactChange::Unknown { kind, .. } if kind == "update_contact_way")
    );
}

#[test]
fn malformed_known_fields_are_clear_errors() {
    let xml = "<xml><FromUserName>sys</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>change_contact</Event><ChangeType>delete_party</ChangeType><Id>abc</Id></xml>";
    assert_eq!(parse(xml), Err(EventError::BadField("Id")));
    assert_eq!(
        parse("<xml><MsgType>text</MsgType></xml>"),
        Err(EventError::MissingField("FromUserName"))
    );
    assert!(matches!(
        parse("<xml><MsgType>text"),
        Err(EventError::Xml(_))
    ));
}

#[test]
fn sys_approval_change() {
    let xml = "<xml><ToUserName><![CDATA[ww0]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[sys_approval_change]]></Event><AgentID>3010040</AgentID><ApprovalInfo><SpNo>202311140001</SpNo><SpName><![CDATA[设备维修申请]]></SpName><SpStatus>2</SpStatus><TemplateId><![CDATA[TEMPLATE_ID]]></TemplateId><ApplyTime>1699990000</ApplyTime><Applyer><UserId><![CDATA[zhangsan]]></UserId><Party><![CDATA[7]]></Party></Applyer><SpRecord><SpStatus>2</SpStatus><ApproverAttr>1</ApproverAttr><Details><Approver><UserId><![CDATA[lisi]]></UserId></Approver><Speech>好</Speech><SpStatus>2</SpStatus><SpTime>1700000000</SpTime></Details></SpRecord><SpRecord><SpStatus>1</SpStatus><ApproverAttr>2</ApproverAttr></SpRecord><Notifyer><UserId>wangwu</UserId></Notifyer><StatuChangeEvent>2</StatuChangeEvent></ApprovalInfo></xml>";
    let Event::SysApprovalChange(change) = event_of(xml) else {
        panic!()
    };
    assert_eq!(change.sp_no, "202311140001");
    assert_eq!(change.applyer_user_id.as_deref(), Some("zhangsan"));
    assert_eq!(change.sp_records.len(), 2);
    assert_eq!(change.sp_records[0].details[0].user_id, "lisi");
    assert_eq!(change.notifyer, ["wangwu"]);
    assert_eq!(change.statu_change_event, Some(2));
}

#[test]
fn batch_job_and_unknown_kinds_are_kept() {
    let batch = format!(
        "{HEAD}<MsgType>event</MsgType><Event>batch_job_result</Event><BatchJob><JobId>j1</JobId><JobType>sync_user</JobType><ErrCode>0</ErrCode><ErrMsg>ok</ErrMsg></BatchJob></xml>"
    );
    assert!(
        matches!(event_of(&batch), Event::BatchJobResult { job_id, err_code: 0, .. } if job_id == "j1")
    );

    let unknown_event = format!(
        "{HEAD}<MsgType>event</MsgType><Event>open_approval_change</Event><ApprovalInfo><ThirdNo>1</ThirdNo></ApprovalInfo></xml>"
    );
    let Event::Unknown { name, raw } = event_of(&unknown_event) else {
        panic!()
    };
    assert_eq!(name, "open_approval_change");
    assert_eq!(
        raw.child("ApprovalInfo").and_then(|a| a.text_of("ThirdNo")),
        Some("1")
    );

    let unknown_msg = format!("{HEAD}<MsgType>miniprogram_notice</MsgType><Foo>bar</Foo></xml>");
    let inbound = parse(&unknown_msg).expect("parses");
    assert!(
        matches!(&inbound.body, Body::Unknown { kind, raw } if kind == "miniprogram_notice" && raw.text_of("Foo") == Some("bar"))
    );
    // No MsgId: the key is a hash of the exact plaintext, so distinct events never merge.
    let key = inbound.dedupe_key(unknown_msg.as_bytes());
    assert!(key.starts_with("sha1:"));
    assert_ne!(
        key,
        inbound.dedupe_key(format!("{unknown_msg} ").as_bytes())
    );
}

#[test]
fn events_serialize_to_json_and_back() {
    let inbound = parse(&format!("{HEAD}<MsgType>event</MsgType><Event>change_contact</Event><ChangeType>update_tag</ChangeType><TagId>3</TagId><AddUserItems>a</AddUserItems></xml>")).expect("parses");
    let json = serde_json::to_string(&inbound).expect("serializes");
    assert!(json.contains("\"change_type\":\"update_tag\""), "{json}");
    let back: event::Inbound = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, inbound);
}
