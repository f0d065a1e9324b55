//! Shared helpers for the integration tests: a spawned simulator and a JSON client.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use serde_json::{Value, json};
use wecom_sim::{SimConfig, SimHandle};

/// A running simulator plus a client for it.
pub struct Env {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn new(config: SimConfig) -> Self {
        let sim = wecom_sim::spawn(config).await.expect("simulator starts");
        Self {
            sim,
            http: reqwest::Client::new(),
        }
    }

    pub async fn default() -> Self {
        Self::new(SimConfig::default()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON answer")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Value {
        self.http
            .post(self.url(path))
            .query(&[("access_token", token)])
            .json(body)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON answer")
    }

    pub async fn token_for(&self, secret: &str) -> String {
        let corp = self.sim.corp_id().to_owned();
        let v = self
            .get(
                "/cgi-bin/gettoken",
                &[("corpid", &corp), ("corpsecret", secret)],
            )
            .await;
        assert_eq!(v["errcode"], 0, "{v}");
        v["access_token"].as_str().expect("token string").to_owned()
    }

    pub async fn app_token(&self) -> String {
        let secret = self.sim.config().apps[0].secret.clone();
        self.token_for(&secret).await
    }

    pub async fn contacts_token(&self) -> String {
        let secret = self.sim.config().contacts_secret.clone();
        self.token_for(&secret).await
    }

    pub fn agent(&self) -> i64 {
        self.sim.config().apps[0].agent_id
    }

    /// An active member (status 1) of the generated org.
    pub fn active_user(&self, nth: usize) -> String {
        self.sim
            .org()
            .users
            .iter()
            .filter(|u| u.status == 1)
            .nth(nth)
            .expect("enough active users")
            .userid
            .clone()
    }

    pub async fn send_text(&self, token: &str, touser: &str, content: &str) -> Value {
        let body = json!({
            "touser": touser, "msgtype": "text", "agentid": self.agent(),
            "text": { "content": content },
        });
        self.post("/cgi-bin/message/send", token, &body).await
    }
}

pub fn errcode(v: &Value) -> i64 {
    v["errcode"].as_i64().expect("errcode present")
}

/// A button_interaction card body.
pub fn card(agent: i64, touser: &str, task_id: &str) -> Value {
    json!({
        "touser": touser, "msgtype": "template_card", "agentid": agent,
        "template_card": {
            "card_type": "button_interaction",
            "main_title": { "title": "巡检单 #42 待确认", "desc": "3 号泵房" },
            "card_action": { "type": 1, "url": "https://app.example.com/insp/42" },
            "task_id": task_id,
            "button_list": [
                { "text": "通过", "style": 1, "key": "approve" },
                { "text": "驳回", "style": 2, "key": "reject" }
            ]
        }
    })
}
