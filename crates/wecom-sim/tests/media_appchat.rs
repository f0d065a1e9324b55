//! media/upload + media/get, and app group chats.

mod common;

use common::{Env, errcode};
use serde_json::{Value, json};
use wecom_sim::{SimApp, SimConfig, Visibility, codes};

async fn upload(env: &Env, token: &str, kind: &str, data: Vec<u8>) -> Value {
    let part = reqwest::multipart::Part::bytes(data)
        .file_name("photo.png")
        .mime_str("image/png")
        .expect("mime");
    let form = reqwest::multipart::Form::new().part("media", part);
    env.http
        .post(env.url("/cgi-bin/media/upload"))
        .query(&[("access_token", token), ("type", kind)])
        .multipart(form)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn upload_then_download() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let v = upload(&env, &token, "image", data.clone()).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["type"], "image");
    let media_id = v["media_id"].as_str().expect("media_id").to_owned();
    let resp = env
        .http
        .get(env.url("/cgi-bin/media/get"))
        .query(&[("access_token", token.as_str()), ("media_id", &media_id)])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.expect("bytes").to_vec(), data);

    let v = env
        .get(
            "/cgi-bin/media/get",
            &[("access_token", &token), ("media_id", "nope")],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_MEDIA_ID);
    let v = upload(&env, &token, "image", vec![1, 2, 3]).await;
    assert_eq!(errcode(&v), codes::INVALID_FILE_SIZE);
    let v = upload(&env, &token, "gif", vec![1; 100]).await;
    assert_eq!(errcode(&v), codes::INVALID_MEDIA_TYPE);

    let user = env.active_user(0);
    let body = json!({"touser": user, "msgtype": "image", "agentid": env.agent(),
                      "image": {"media_id": media_id}});
    let v = env.post("/cgi-bin/message/send", &token, &body).await;
    assert_eq!(errcode(&v), 0, "{v}");
}

#[tokio::test]
async fn appchat_needs_root_visibility() {
    let env = Env::new(SimConfig {
        apps: vec![
            SimApp::default(),
            SimApp {
                agent_id: 1_000_009,
                secret: "narrow".into(),
                visibility: Visibility::Departments(vec![2]),
                new_app_2022: false,
            },
        ],
        ..SimConfig::default()
    })
    .await;
    let (a, b) = (env.active_user(0), env.active_user(1));
    let narrow = env.token_for("narrow").await;
    let body = json!({"name": "3号泵房整改群", "owner": a, "userlist": [a, b], "chatid": "pump3"});
    let v = env.post("/cgi-bin/appchat/create", &narrow, &body).await;
    assert_eq!(errcode(&v), codes::API_FORBIDDEN);

    let token = env.app_token().await;
    let v = env.post("/cgi-bin/appchat/create", &token, &body).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["chatid"], "pump3");
    let v = env
        .post("/cgi-bin/appchat/create", &token, &json!({"userlist": [a]}))
        .await;
    assert_eq!(errcode(&v), codes::CHAT_MEMBER_COUNT);
    let send = json!({"chatid": "pump3", "msgtype": "text", "text": {"content": "请及时整改"}});
    let v = env.post("/cgi-bin/appchat/send", &token, &send).await;
    assert_eq!(errcode(&v), 0, "{v}");
    let v = env
        .post(
            "/cgi-bin/appchat/send",
            &token,
            &json!({"chatid": "nope", "msgtype": "text", "text": {"content": "x"}}),
        )
        .await;
    assert_eq!(errcode(&v), codes::CHATID_NOT_FOUND);
    assert_eq!(env.sim.appchat_messages().len(), 1);
}
