//! Redis [`Cache`]: shared by all replicas.
//!
//! One multiplexed connection per process, managed by [`ConnectionManager`], which
//! reconnects by itself. Compare-and-* operations and the limiter are Lua scripts, so
//! each is one atomic step on the server.

use std::fmt;
use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ErrorKind, RedisError, Script, ServerErrorKind, Value};

use crate::window::longest_ms;
use crate::{Admission, Cache, CacheError, Window, random_token, ttl_ms};

/// Connecting and every command give up after these, so a dead Redis turns into
/// [`CacheError::Unavailable`] quickly and callers fall back instead of hanging.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);
/// Hard cap per operation, reconnect back-off included.
const OP_DEADLINE: Duration = Duration::from_secs(2);

static DELETE_IF_EQ: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/delete_if_eq.lua")));
static EXPIRE_IF_EQ: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/expire_if_eq.lua")));
static ADMIT: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/admit.lua")));

/// Redis-backed cache. Every key is stored as `{namespace}:{key}`.
#[derive(Clone)]
pub struct RedisCache {
    conn: ConnectionManager,
    namespace: String,
}

impl fmt::Debug for RedisCache {
    // The connection info may hold the password: show the namespace only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCache")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl RedisCache {
    /// Connects to `url` (`redis://[:password@]host[:port][/db]`) and checks the
    /// connection. Fails with [`CacheError::Unavailable`] within about two seconds
    /// when Redis cannot be reached.
    pub async fn connect(url: &str, namespace: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)
            .map_err(|e| CacheError::Other(format!("invalid Redis URL: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            // Few, short reconnect attempts: waiting callers are blocked meanwhile.
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(250));
        // One deadline for connecting and the first PING together.
        let conn = deadline(async {
            let mut conn = ConnectionManager::new_with_config(client, config).await?;
            redis::cmd("PING").query_async::<String>(&mut conn).await?;
            Ok(conn)
        })
        .await?;
        Ok(Self {
            conn,
            namespace: namespace.to_owned(),
        })
    }

    /// The namespace prefix of every key.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn key(&self, key: &str) -> String {
        if self.namespace.is_empty() {
            key.to_owned()
        } else {
            format!("{}:{key}", self.namespace)
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, CacheError> {
        let mut conn = self.conn.clone();
        deadline(cmd.query_async(&mut conn)).await
    }

    async fn script<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, CacheError> {
        let mut conn = self.conn.clone();
        deadline(invocation.invoke_async(&mut conn)).await
    }
}

/// Runs a Redis future under [`OP_DEADLINE`], mapping its errors.
async fn deadline<T>(fut: impl Future<Output = redis::RedisResult<T>>) -> Result<T, CacheError> {
    match tokio::time::timeout(OP_DEADLINE, fut).await {
        Ok(result) => result.map_err(map_error),
        Err(_) => Err(CacheError::Unavailable(format!(
            "no answer from Redis within {OP_DEADLINE:?}"
        ))),
    }
}

/// Connection trouble and fail-overs are `Unavailable`; the rest (auth, types,
/// scripts) is `Other`, because falling back would hide a configuration error.
fn map_error(e: RedisError) -> CacheError {
    let transient = e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || matches!(
            e.kind(),
            ErrorKind::Server(
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::ReadOnly
                    | ServerErrorKind::TryAgain
                    | ServerErrorKind::ClusterDown
            )
        );
    if transient {
        CacheError::Unavailable(e.to_string())
    } else {
        CacheError::Other(e.to_string())
    }
}

#[async_trait::async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        self.query(redis::cmd("GET").arg(self.key(key))).await
    }

    async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<(), CacheError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value);
        if let Some(ttl) = ttl {
            cmd.arg("PX").arg(ttl_ms(ttl));
        }
        let _: Value = self.query(&cmd).await?;
        Ok(())
    }

    async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms(ttl));
        // `OK` when stored, nil when the key exists.
        let reply: Value = self.query(&cmd).await?;
        Ok(!matches!(reply, Value::Nil))
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let removed: i64 = self.query(redis::cmd("DEL").arg(self.key(key))).await?;
        Ok(removed > 0)
    }

    async fn delete_if_eq(&self, key: &str, value: &str) -> Result<bool, CacheError> {
        let mut invocation = DELETE_IF_EQ.prepare_invoke();
        invocation.key(self.key(key)).arg(value);
        let removed: i64 = self.script(&invocation).await?;
        Ok(removed > 0)
    }

    async fn expire_if_eq(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let mut invocation = EXPIRE_IF_EQ.prepare_invoke();
        invocation.key(self.key(key)).arg(value).arg(ttl_ms(ttl));
        let renewed: i64 = self.script(&invocation).await?;
        Ok(renewed > 0)
    }

    async fn admit(
        &self,
        key: &str,
        now_ms: i64,
        windows: &[Window],
        cost: u32,
    ) -> Result<Admission, CacheError> {
        let Some(longest) = longest_ms(windows) else {
            return Ok(Admission::Granted);
        };
        // Decided here so the script never loops on an impossible request.
        if windows.iter().any(|w| cost > w.max) {
            return Ok(Admission::Denied {
                retry_at_ms: i64::MAX,
            });
        }
        let mut invocation = ADMIT.prepare_invoke();
        invocation
            .key(self.key(key))
            .arg(now_ms)
            .arg(cost)
            .arg(random_token())
            .arg(longest);
        for w in windows {
            invocation.arg(w.len_ms()).arg(w.max);
        }
        let reply: Vec<i64> = self.script(&invocation).await?;
        match reply.as_slice() {
            [1] => Ok(Admission::Granted),
            [0, retry_at_ms] => Ok(Admission::Denied {
                retry_at_ms: *retry_at_ms,
            }),
            other => Err(CacheError::Other(format!(
                "unexpected limiter reply {other:?}"
            ))),
        }
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let _: String = self.query(&redis::cmd("PING")).await?;
        Ok(())
    }
}
