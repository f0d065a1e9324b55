//! Directory reads: visibility, 2022 field restrictions, list_id paging.

mod common;

use std::collections::HashSet;

use common::{Env, errcode};
use serde_json::{Value, json};
use wecom_sim::{SimApp, SimConfig, Visibility, codes};

/// App 1000002 sees only the subtree of department 2; app 1000003 is a 2022 app.
async fn scoped_env() -> Env {
    Env::new(SimConfig {
        apps: vec![
            SimApp {
                visibility: Visibility::Departments(vec![2]),
                ..SimApp::default()
            },
            SimApp {
                agent_id: 1_000_003,
                secret: "new-app-secret".into(),
                visibility: Visibility::Root,
                new_app_2022: true,
            },
        ],
        ..SimConfig::default()
    })
    .await
}

#[tokio::test]
async fn visibility_limits_reads() {
    let env = scoped_env().await;
    let org = env.sim.org();
    let token = env.app_token().await;
    let visible: HashSet<i64> = org.subtree(2).into_iter().collect();

    let v = env
        .get("/cgi-bin/department/list", &[("access_token", &token)])
        .await;
    let got: HashSet<i64> = v["department"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(got, visible);

    let v = env
        .get(
            "/cgi-bin/department/list",
            &[("access_token", &token), ("id", "1")],
        )
        .await;
    assert_eq!(errcode(&v), codes::NO_PRIVILEGE);
    let v = env
        .get(
            "/cgi-bin/department/simplelist",
            &[("access_token", &token), ("id", "99999")],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_PARTY);

    let outsider = org
        .users
        .iter()
        .find(|u| !u.department.iter().any(|d| visible.contains(d)))
        .expect("someone outside department 2");
    let insider = org
        .users
        .iter()
        .find(|u| u.department.iter().any(|d| visible.contains(d)))
        .expect("someone inside department 2");
    let v = env
        .get(
            "/cgi-bin/user/get",
            &[("access_token", &token), ("userid", &outsider.userid)],
        )
        .await;
    assert_eq!(errcode(&v), codes::NO_PRIVILEGE);
    let v = env
        .get(
            "/cgi-bin/user/get",
            &[("access_token", &token), ("userid", &insider.userid)],
        )
        .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(v["mobile"], json!(insider.mobile));
    let v = env
        .get(
            "/cgi-bin/user/get",
            &[("access_token", &token), ("userid", "nobody")],
        )
        .await;
    assert_eq!(errcode(&v), codes::USER_NOT_FOUND);
}

#[tokio::test]
async fn new_2022_apps_lose_private_fields() {
    let env = scoped_env().await;
    let token = env.token_for("new-app-secret").await;
    let user = env.sim.org().users[0].clone();
    let v = env
        .get(
            "/cgi-bin/user/get",
            &[("access_token", &token), ("userid", &user.userid)],
        )
        .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(v["name"], json!(user.name));
    for f in [
        "mobile", "email", "biz_mail", "avatar", "gender", "address", "qr_code",
    ] {
        assert!(v.get(f).is_none(), "{f} should be hidden");
    }
    let dept = user.main_department.to_string();
    let v = env
        .get(
            "/cgi-bin/user/list",
            &[("access_token", &token), ("department_id", &dept)],
        )
        .await;
    let list = v["userlist"].as_array().expect("userlist");
    assert!(!list.is_empty());
    assert!(list.iter().all(|u| u.get("mobile").is_none()));
}

#[tokio::test]
async fn user_lists_match_the_org_field_by_field() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let org = env.sim.org();
    let dept = org.users[3].main_department;
    let v = env
        .get(
            "/cgi-bin/user/list",
            &[
                ("access_token", &token),
                ("department_id", &dept.to_string()),
            ],
        )
        .await;
    let got: Vec<wecom_sim::User> =
        serde_json::from_value(v["userlist"].clone()).expect("users deserialize");
    let want: Vec<wecom_sim::User> = org.users_in(dept).into_iter().cloned().collect();
    assert_eq!(got, want);

    let v = env
        .get("/cgi-bin/department/list", &[("access_token", &token)])
        .await;
    let depts: Vec<wecom_sim::Department> =
        serde_json::from_value(v["department"].clone()).expect("departments deserialize");
    assert_eq!(depts, org.departments);

    let tag = &org.tags[0];
    let v = env
        .get(
            "/cgi-bin/tag/get",
            &[("access_token", &token), ("tagid", &tag.tagid.to_string())],
        )
        .await;
    assert_eq!(v["tagname"], json!(tag.tagname));
    assert_eq!(
        v["userlist"].as_array().map(Vec::len),
        Some(tag.users.len())
    );
    let v = env
        .get(
            "/cgi-bin/tag/get",
            &[("access_token", &token), ("tagid", "777")],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_TAGID);
}

#[tokio::test]
async fn list_id_pages_with_an_opaque_cursor_and_needs_the_contacts_secret() {
    let env = Env::default().await;
    let app = env.app_token().await;
    let v = env
        .post("/cgi-bin/user/list_id", &app, &json!({"limit": 10}))
        .await;
    assert_eq!(errcode(&v), codes::API_FORBIDDEN);

    let token = env.contacts_token().await;
    let v = env
        .post("/cgi-bin/user/list_id", &token, &json!({"limit": 0}))
        .await;
    assert_eq!(errcode(&v), codes::INVALID_PARAM_DETAIL);

    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let v = env
            .post(
                "/cgi-bin/user/list_id",
                &token,
                &json!({"cursor": cursor, "limit": 37}),
            )
            .await;
        assert_eq!(errcode(&v), 0, "{v}");
        rows.extend(v["dept_user"].as_array().expect("rows").iter().cloned());
        match v.get("next_cursor").and_then(Value::as_str) {
            Some(c) if !c.is_empty() => cursor = c.to_owned(),
            _ => break,
        }
    }
    let org = env.sim.org();
    let want: usize = org.users.iter().map(|u| u.department.len()).sum();
    assert_eq!(rows.len(), want);
    assert_eq!(rows[0]["userid"], json!(org.users[0].userid));
}
