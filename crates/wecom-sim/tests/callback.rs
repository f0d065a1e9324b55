//! The WeCom side of callbacks, against a tiny app server started in the test.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use common::{Env, card, errcode};
use wecom::callback::{CallbackCrypto, CallbackQuery};
use wecom_sim::{CallbackTarget, SimConfig};

const TOKEN: &str = "QDG6eK";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// The test app: fails the first `fail_first` POSTs with 500 (or sleeps when `slow`),
/// then decrypts and stores the plaintext.
#[derive(Default)]
struct AppState {
    corp_id: String,
    fail_first: usize,
    slow: bool,
    posts: AtomicUsize,
    received: Mutex<Vec<String>>,
}

async fn handler(req: HttpRequest, body: web::Bytes, st: web::Data<AppState>) -> HttpResponse {
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, &st.corp_id).expect("crypto");
    let query: CallbackQuery = web::Query::<CallbackQuery>::from_query(req.query_string())
        .expect("query")
        .into_inner();
    if req.method() == actix_web::http::Method::GET {
        return match crypto.verify_url(&query) {
            Ok(plain) => HttpResponse::Ok().body(plain),
            Err(_) => HttpResponse::Forbidden().finish(),
        };
    }
    let n = st.posts.fetch_add(1, Ordering::SeqCst);
    if n < st.fail_first {
        if st.slow {
            tokio::time::sleep(Duration::from_millis(1600)).await;
        } else {
            return HttpResponse::InternalServerError().finish();
        }
    }
    let plain = crypto
        .open(&query, &body)
        .expect("valid signature and ciphertext");
    st.received
        .lock()
        .expect("lock")
        .push(String::from_utf8(plain).expect("utf-8"));
    HttpResponse::Ok().finish()
}

async fn app_server(state: AppState) -> (CallbackTarget, web::Data<AppState>) {
    let data = web::Data::new(state);
    let d = data.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(d.clone())
            .default_service(web::to(handler))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    let target = CallbackTarget {
        url: format!("http://127.0.0.1:{port}/wecom/callback"),
        token: TOKEN.into(),
        encoding_aes_key: AES_KEY.into(),
    };
    (target, data)
}

fn fast_config() -> SimConfig {
    SimConfig {
        callback_timeout: Duration::from_millis(1000),
        verify_timeout: Duration::from_secs(5),
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn verify_url_round_trip() {
    let env = Env::new(fast_config()).await;
    let (target, _) = app_server(AppState {
        corp_id: env.sim.corp_id().into(),
        ..AppState::default()
    })
    .await;
    let reply = env
        .sim
        .verify_url(&target.url, TOKEN, AES_KEY)
        .await
        .expect("verified");
    assert_eq!(reply.len(), 19);
    let wrong = env
        .sim
        .verify_url(&target.url, "other-token", AES_KEY)
        .await;
    assert!(wrong.is_err());
}

#[tokio::test]
async fn retries_on_non_200_until_delivered() {
    let env = Env::new(fast_config()).await;
    let (target, app) = app_server(AppState {
        corp_id: env.sim.corp_id().into(),
        fail_first: 2,
        ..AppState::default()
    })
    .await;
    let xml = env
        .sim
        .xml_text_message("zhangsan", "检查完成", env.agent());
    let d = env
        .sim
        .send_callback(&target, &xml, Some(env.agent()))
        .await
        .expect("sent");
    assert!(d.delivered);
    let statuses: Vec<_> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
    assert_eq!(*app.received.lock().expect("lock"), vec![xml.clone()]);
    let parsed = wecom::event::parse(xml.as_bytes(), 1 << 20).expect("parses");
    assert_eq!(parsed.from_user, "zhangsan");
}

#[tokio::test]
async fn gives_up_after_three_timeouts() {
    let env = Env::new(fast_config()).await;
    let (target, app) = app_server(AppState {
        corp_id: env.sim.corp_id().into(),
        fail_first: 3,
        slow: true,
        ..AppState::default()
    })
    .await;
    let xml = env
        .sim
        .xml_app_event("zhangsan", "enter_agent", "", env.agent());
    let d = env
        .sim
        .send_callback(&target, &xml, Some(env.agent()))
        .await
        .expect("sent");
    assert!(!d.delivered);
    assert_eq!(d.attempts.len(), 3);
    assert!(
        d.attempts
            .iter()
            .all(|a| a.error.as_deref() == Some("timeout"))
    );
    assert_eq!(app.posts.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn click_card_sends_a_fresh_response_code() {
    let env = Env::new(fast_config()).await;
    let (target, app) = app_server(AppState {
        corp_id: env.sim.corp_id().into(),
        ..AppState::default()
    })
    .await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let v = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(env.agent(), &user, "insp-7"),
        )
        .await;
    assert_eq!(errcode(&v), 0);
    let d = env
        .sim
        .click_card(&target, &user, "insp-7", "approve")
        .await
        .expect("clicked");
    assert!(d.delivered);
    let received = app.received.lock().expect("lock").clone();
    let inbound = wecom::event::parse(received[0].as_bytes(), 1 << 20).expect("parses");
    let wecom::event::Body::Event(wecom::event::Event::TemplateCard(click)) = inbound.body else {
        panic!("not a card event: {inbound:?}");
    };
    assert_eq!(click.event_key, "approve");
    assert_eq!(click.task_id, "insp-7");
    let code = click.response_code.expect("response code");
    assert_ne!(Some(code.as_str()), v["response_code"].as_str());

    let update = serde_json::json!({
        "userids": [user], "agentid": env.agent(), "response_code": code,
        "button": {"replace_name": "已通过"},
    });
    let r = env
        .post("/cgi-bin/message/update_template_card", &token, &update)
        .await;
    assert_eq!(errcode(&r), 0, "{r}");
    let closed = env
        .sim
        .click_card(&target, &user, "insp-7", "approve")
        .await;
    assert!(matches!(
        closed,
        Err(wecom_sim::SimError::CardClosed { .. })
    ));
    let missing = env.sim.click_card(&target, &user, "nope", "approve").await;
    assert!(matches!(
        missing,
        Err(wecom_sim::SimError::NoSuchCard { .. })
    ));
}
