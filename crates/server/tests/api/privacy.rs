//! Members' personal data at rest (issue 16): what a sync copies from WeCom is sealed in
//! `org_members`, opens back to what WeCom said, is found by phone or email through keyed
//! digests, shows masked in the directory, moves to a new key with a reseal, and a
//! tampered value fails to open with an error, not a panic.

use std::collections::BTreeMap;

use std::sync::Arc;

use base64::Engine as _;
use domain::clock::Clock;
use reqwest::{Method, StatusCode};
use server::config::Settings;
use server::org::personal;
use server::org::sync as org_sync;
use server::sealed::{FieldCipher, SealError, mask_email, mask_mobile};
use server::startup::{Application, Options};
use store::sqlx::Row as _;
use wecom::client::Secret;

use crate::approvals::{call, sign_in};
use crate::helpers::{LOGS, TestApp, spawn_app};

const KEY_A: [u8; 32] = [0xA1; 32];
const KEY_B: [u8; 32] = [0xB2; 32];

/// The personal columns of `org_members`, as SQL reads them.
const PERSONAL: [&str; 5] = ["mobile", "email", "biz_mail", "telephone", "address"];

/// One member's raw row: personal column → stored text.
async fn raw(app: &TestApp, userid: &str) -> BTreeMap<&'static str, Option<String>> {
    let row = store::sqlx::query(
        "SELECT mobile, email, biz_mail, telephone, address, mobile_digest, email_digest, \
           biz_mail_digest FROM org_members WHERE userid = $1",
    )
    .bind(userid)
    .fetch_one(app.state.store.pool())
    .await
    .expect("row");
    let mut out = BTreeMap::new();
    for column in PERSONAL
        .into_iter()
        .chain(["mobile_digest", "email_digest", "biz_mail_digest"])
    {
        out.insert(column, row.try_get(column).expect(column));
    }
    out
}

/// Every text the `org_members` table holds, in one string to search.
async fn whole_table(app: &TestApp) -> String {
    let rows = store::sqlx::query(
        "SELECT userid, name, position, mobile, email, biz_mail, telephone, address, avatar, \
           alias, direct_leaders, extra, mobile_digest, email_digest, biz_mail_digest \
         FROM org_members",
    )
    .fetch_all(app.state.store.pool())
    .await
    .expect("rows");
    let mut all = String::new();
    for row in &rows {
        for i in 0..15 {
            let text: Option<String> = row.try_get(i).expect("text");
            all.push_str(text.as_deref().unwrap_or(""));
            all.push('\n');
        }
    }
    all
}

/// What WeCom holds for a member: personal column → value (empty ones left out).
fn in_wecom(app: &TestApp, userid: &str) -> BTreeMap<&'static str, String> {
    let org = app.sim.org();
    let u = org
        .users
        .iter()
        .find(|u| u.userid == userid)
        .expect("simulated member");
    [
        ("mobile", &u.mobile),
        ("email", &u.email),
        ("biz_mail", &u.biz_mail),
        ("telephone", &u.telephone),
        ("address", &u.address),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect()
}

async fn sync_with(app: &TestApp, cipher: &FieldCipher) -> org_sync::SyncReport {
    org_sync::sync(
        &app.state.wecom,
        &app.state.store,
        cipher,
        app.clock.now_ms(),
    )
    .await
    .expect("sync")
}

async fn find(app: &TestApp, cipher: &FieldCipher, contact: &str) -> Vec<String> {
    personal::find_by_contact(&app.state.store, cipher, contact)
        .await
        .expect("lookup")
}

fn b64(key: &[u8; 32]) -> Secret {
    Secret::new(base64::engine::general_purpose::STANDARD.encode(key))
}

#[tokio::test]
async fn a_synced_org_is_sealed_at_rest_and_still_found_by_phone() {
    let app = spawn_app().await;
    let cipher = &app.state.cipher;
    let report = sync_with(&app, cipher).await;
    assert!(report.members > 100, "{report:?}");

    // No mobile, email or address of anyone appears anywhere in the table.
    let table = whole_table(&app).await;
    let users = app.sim.org().users.clone();
    let mut sealed_values = 0;
    for u in &users {
        for value in [&u.mobile, &u.email, &u.biz_mail, &u.telephone, &u.address] {
            if !value.is_empty() {
                assert!(!table.contains(value.as_str()), "{value} in plain text");
            }
        }
        // Each stored value names the key and opens back to what WeCom said.
        let stored = raw(&app, &u.userid).await;
        for (column, plain) in in_wecom(&app, &u.userid) {
            let sealed = stored[column].as_deref().expect(column);
            assert!(sealed.starts_with("v2:k1:"), "{column}: {sealed}");
            assert_eq!(cipher.open(sealed).expect("opens"), plain, "{column}");
            sealed_values += 1;
        }
        assert_eq!(stored["mobile_digest"].as_deref().map(str::len), Some(64));
    }
    assert!(sealed_values > 3 * users.len(), "{sealed_values}");

    // The store gives sealed text back; opening it gives WeCom's values.
    let userid = app.active_user(3);
    let wecom = in_wecom(&app, &userid);
    let mut member = app
        .state
        .store
        .org()
        .member(&userid)
        .await
        .expect("read")
        .expect("member");
    assert_ne!(member.mobile.as_ref(), wecom.get("mobile"));
    let opened = personal::open(cipher, &mut member);
    assert_eq!((opened.stale, opened.unreadable), (false, 0));
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    assert_eq!(given(&member.mobile).as_ref(), wecom.get("mobile"));
    assert_eq!(given(&member.email).as_ref(), wecom.get("email"));
    assert_eq!(given(&member.address).as_ref(), wecom.get("address"));

    // Lookups by phone and email go through the digests, in any spelling.
    let mobile = wecom["mobile"].clone();
    assert_eq!(find(&app, cipher, &mobile).await, vec![userid.clone()]);
    let spaced = format!("+86 {} {} {}", &mobile[..3], &mobile[3..7], &mobile[7..]);
    assert_eq!(find(&app, cipher, &spaced).await, vec![userid.clone()]);
    let biz_mail = wecom["biz_mail"].to_uppercase();
    assert_eq!(find(&app, cipher, &biz_mail).await, vec![userid.clone()]);
    assert!(find(&app, cipher, "13000000000").await.is_empty());
    let other_key = FieldCipher::new("k1", &KEY_A).expect("cipher");
    assert!(
        find(&app, &other_key, &mobile).await.is_empty(),
        "a digest is useless without the key"
    );
    // A repeat sync compares opened values: nothing to write.
    let again = sync_with(&app, cipher).await;
    assert_eq!((again.added, again.changed, again.resealed), (0, 0, 0));

    // The directory finds the member by phone and shows their contacts masked only.
    let viewer = sign_in(&app, &app.active_user(10)).await;
    let path = format!("directory/members?q={mobile}");
    let (status, body) = call(&app, &viewer, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: Vec<api::DirectoryEntry> = serde_json::from_value(body.clone()).expect("entries");
    assert_eq!(found.len(), 1, "{body}");
    assert_eq!(found[0].userid, userid);
    assert_eq!(found[0].masked_mobile, Some(mask_mobile(&mobile)));
    assert_eq!(found[0].masked_email, Some(mask_email(&wecom["biz_mail"])));
    assert!(
        found[0]
            .masked_mobile
            .as_deref()
            .is_some_and(|m| m.contains("****"))
    );
    let text = body.to_string();
    assert!(
        !text.contains(&mobile) && !text.contains(&wecom["biz_mail"]),
        "{text}"
    );

    // Signing in rewrites the member's row: still sealed.
    let stored = raw(&app, &app.active_user(10)).await;
    assert!(
        stored["mobile"]
            .as_deref()
            .is_some_and(|m| m.starts_with("v2:k1:"))
    );

    // Nothing personal went into the logs.
    let logs = String::from_utf8_lossy(&LOGS.lock().expect("logs")).into_owned();
    for u in &users {
        assert!(!logs.contains(&u.mobile), "a mobile in the logs");
        assert!(!logs.contains(&u.biz_mail), "an email in the logs");
    }
}

#[tokio::test]
async fn plain_text_left_by_an_older_build_is_sealed_at_start_and_by_the_next_sync() {
    let app = spawn_app().await;
    let cipher = &app.state.cipher;
    sync_with(&app, cipher).await;
    let (first, second) = (app.active_user(1), app.active_user(2));
    // What a build from before sealing wrote: plain text, no digests.
    for userid in [&first, &second] {
        let wecom = in_wecom(&app, userid);
        store::sqlx::query(
            "UPDATE org_members SET mobile = $2, email = $3, mobile_digest = NULL, \
               email_digest = NULL WHERE userid = $1",
        )
        .bind(userid.as_str())
        .bind(wecom["mobile"].as_str())
        .bind(wecom["email"].as_str())
        .execute(app.state.store.pool())
        .await
        .expect("plain row");
    }
    assert!(
        find(&app, cipher, &in_wecom(&app, &first)["mobile"])
            .await
            .is_empty()
    );

    // The next sync rewrites a member it finds stale even though WeCom changed nothing.
    let report = sync_with(&app, cipher).await;
    assert_eq!((report.changed, report.resealed), (0, 2), "{report:?}");
    let stored = raw(&app, &first).await;
    assert!(
        stored["mobile"]
            .as_deref()
            .is_some_and(|m| m.starts_with("v2:k1:"))
    );
    assert_eq!(
        find(&app, cipher, &in_wecom(&app, &first)["mobile"]).await,
        vec![first.clone()]
    );

    // A start seals what is left, before serving.
    let wecom = in_wecom(&app, &second);
    store::sqlx::query("UPDATE org_members SET address = 'plain', mobile = $2 WHERE userid = $1")
        .bind(second.as_str())
        .bind(wecom["mobile"].as_str())
        .execute(app.state.store.pool())
        .await
        .expect("plain row");
    let mut settings = Settings::clone(&app.state.settings);
    settings.server.bind = "127.0.0.1:0".into();
    let options = Options {
        clock: app.clock.clone() as Arc<dyn Clock>,
        run_workers: false,
    };
    let restarted = Application::build(settings, options)
        .await
        .expect("restart");
    let stored = raw(&app, &second).await;
    for column in ["mobile", "address"] {
        let sealed = stored[column].as_deref().expect(column);
        assert!(sealed.starts_with("v2:k1:"), "{column}: {sealed}");
    }
    assert_eq!(
        cipher
            .open(stored["address"].as_deref().expect("address"))
            .expect("opens"),
        "plain"
    );
    assert_eq!(
        find(&app, cipher, &wecom["mobile"]).await,
        vec![second.clone()]
    );
    assert!(!whole_table(&app).await.contains(&wecom["mobile"]));
    drop(restarted);

    // Nothing is left: a reseal pass finds no work.
    let report = personal::reseal(&app.state.store, cipher)
        .await
        .expect("reseal");
    assert_eq!((report.rewritten, report.plaintext), (0, 0), "{report}");
    assert!(report.is_complete());
}

#[tokio::test]
async fn a_rotation_moves_every_value_to_the_new_key() {
    let app = spawn_app().await;
    let key_a = FieldCipher::new("a", &KEY_A).expect("a");
    sync_with(&app, &key_a).await;
    let userid = app.active_user(5);
    let wecom = in_wecom(&app, &userid);
    let before = raw(&app, &userid).await;
    assert!(
        before["mobile"]
            .as_deref()
            .is_some_and(|m| m.starts_with("v2:a:"))
    );

    // B becomes current, A is retired: everything still opens and is still found.
    let rotated = FieldCipher::new("b", &KEY_B)
        .expect("b")
        .with_retired("a", &KEY_A)
        .expect("retired a");
    let mobile = &wecom["mobile"];
    assert_eq!(find(&app, &rotated, mobile).await, vec![userid.clone()]);
    assert_eq!(
        rotated
            .open(before["mobile"].as_deref().expect("mobile"))
            .expect("opens"),
        *mobile
    );

    // `gantry reseal` with those settings rewrites every value under B.
    let under_a = "SELECT (SELECT COUNT(*) FROM org_members WHERE mobile LIKE 'v2:a:%') \
        + (SELECT COUNT(*) FROM org_members WHERE email LIKE 'v2:a:%') \
        + (SELECT COUNT(*) FROM org_members WHERE biz_mail LIKE 'v2:a:%') \
        + (SELECT COUNT(*) FROM org_members WHERE telephone LIKE 'v2:a:%') \
        + (SELECT COUNT(*) FROM org_members WHERE address LIKE 'v2:a:%')";
    let count_under_a = || async {
        store::sqlx::query_scalar::<_, i64>(under_a)
            .fetch_one(app.state.store.pool())
            .await
            .expect("count")
    };
    let values = u64::try_from(count_under_a().await).expect("count");
    assert!(values > 600, "{values}");
    let mut settings = Settings::clone(&app.state.settings);
    settings.security.field_key = b64(&KEY_B);
    settings.security.field_key_id = "b".into();
    settings.security.retired_field_keys = BTreeMap::from([("a".to_owned(), b64(&KEY_A))]);
    let report = personal::run_reseal(&settings).await.expect("reseal");
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.key_id, "b");
    assert_eq!(report.plaintext, 0);
    assert_eq!(report.rekeyed, BTreeMap::from([("a".to_owned(), values)]));
    assert_eq!(
        report.rewritten, report.members,
        "every member has a mobile"
    );
    assert!(report.to_string().contains("under a"), "{report}");
    assert_eq!(count_under_a().await, 0);
    let after = raw(&app, &userid).await;
    for column in wecom.keys() {
        let sealed = after[column].as_deref().expect(column);
        assert!(sealed.starts_with("v2:b:"), "{column}: {sealed}");
        assert_ne!(Some(sealed), before[column].as_deref());
    }

    // A removed afterwards: B alone opens everything and finds the member.
    let only_b = FieldCipher::new("b", &KEY_B).expect("b");
    for (column, plain) in &wecom {
        let sealed = after[column].as_deref().expect(column);
        assert_eq!(
            only_b.open(sealed).expect("opens under b"),
            *plain,
            "{column}"
        );
    }
    assert_eq!(find(&app, &only_b, mobile).await, vec![userid.clone()]);
    assert!(matches!(
        key_a.open(after["mobile"].as_deref().expect("mobile")),
        Err(SealError::UnknownKey(id)) if id == "b"
    ));
    let again = personal::reseal(&app.state.store, &only_b)
        .await
        .expect("again");
    assert_eq!(again.rewritten, 0, "{again}");

    // A tampered value fails to open with a clear error, everywhere, without a panic.
    let sealed = after["mobile"].clone().expect("mobile");
    let (head, body) = sealed.rsplit_once(':').expect("header");
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("b64");
    bytes[14] ^= 0x40;
    let tampered = format!(
        "{head}:{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    );
    store::sqlx::query("UPDATE org_members SET mobile = $2 WHERE userid = $1")
        .bind(userid.as_str())
        .bind(tampered.as_str())
        .execute(app.state.store.pool())
        .await
        .expect("tamper");
    let err = only_b.open(&tampered).expect_err("tampered");
    assert!(matches!(err, SealError::Unauthentic));
    assert!(err.to_string().contains("failed authentication"), "{err}");
    let mut member = app
        .state
        .store
        .org()
        .member(&userid)
        .await
        .expect("read")
        .expect("member");
    let opened = personal::open(&only_b, &mut member);
    assert_eq!(opened.unreadable, 1);
    assert_eq!(
        member.mobile, None,
        "an unreadable value is unknown, not garbage"
    );
    assert_eq!(member.email.as_ref(), wecom.get("email"));
    let report = personal::reseal(&app.state.store, &only_b)
        .await
        .expect("reseal");
    assert_eq!(report.unreadable, BTreeMap::from([("b".to_owned(), 1)]));
    assert!(!report.is_complete());
    assert!(report.to_string().contains("UNREADABLE"), "{report}");
    assert_eq!(
        raw(&app, &userid).await["mobile"].as_deref(),
        Some(tampered.as_str()),
        "left as it is"
    );
    // The next sync takes WeCom's value again.
    let fixed = sync_with(&app, &only_b).await;
    assert_eq!(fixed.changed, 1, "{fixed:?}");
    let stored = raw(&app, &userid).await;
    assert_eq!(
        only_b
            .open(stored["mobile"].as_deref().expect("mobile"))
            .expect("opens"),
        *mobile
    );
}

#[tokio::test]
async fn reseal_refuses_to_run_without_a_configured_key() {
    let app = spawn_app().await;
    let mut settings = Settings::clone(&app.state.settings);
    settings.security.field_key = Secret::new("");
    let err = personal::run_reseal(&settings).await.expect_err("refused");
    assert!(
        err.to_string().contains("security.field_key is empty"),
        "{err}"
    );
}
