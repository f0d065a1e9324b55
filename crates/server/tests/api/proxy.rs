//! A TCP forwarder the tests can cut: "the database went down" without touching the real
//! server other tests share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{Backing, fresh_pg_database};
use tokio::sync::watch;

/// Forwards 127.0.0.1:`port()` to `upstream` while up; refuses and cuts connections while down.
pub struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    pub async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = watch::channel(0u64);
        let (flag, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let mut cut_rx = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let (mut client, mut server) = (client, server);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        Proxy { port, up, cut }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database "stops": open connections are cut, new ones refused.
    pub fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    /// The database is back.
    pub fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn forwards_and_cuts() {
    let Ok(admin) = std::env::var("GANTRY_TEST_PG_URL") else {
        return;
    };
    let proxy = Proxy::start("127.0.0.1:5432".into()).await;
    let name = format!("proxy{}", rand::random::<u32>());
    let fresh = crate::helpers::fresh_pg_database(&admin, &name).await;
    let via = fresh.replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port()), 1);
    let opts = store::StoreOptions {
        lazy: true,
        ..Default::default()
    };
    let store = store::Store::connect_opts(&via, &opts)
        .await
        .expect("connect through the proxy");
    store.migrate().await.expect("migrate through the proxy");
    store.ping().await.expect("ping");
    proxy.down();
    assert!(store.ping().await.is_err());
    proxy.up();
    store.ping().await.expect("ping after");
}

/// A fresh PostgreSQL database named `name`, reached through a proxy the test can cut;
/// `None` when GANTRY_TEST_PG_URL is unset.
pub async fn proxied_pg(name: &str) -> Option<(Backing, Proxy)> {
    let admin = std::env::var("GANTRY_TEST_PG_URL").ok()?;
    let direct = fresh_pg_database(&admin, name).await;
    let upstream = direct
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let proxy = Proxy::start(upstream.clone()).await;
    let backing = Backing {
        database_url: direct.replacen(&upstream, &format!("127.0.0.1:{}", proxy.port()), 1),
        cache_url: "memory".into(),
        namespace: name.to_owned(),
        bucket: None,
    };
    Some((backing, proxy))
}
