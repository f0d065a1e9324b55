//! Browser sessions: created at WeCom login, checked on every request, revocable.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::{Store, StoreError};

/// A new session, as the login flow creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 hex of the cookie token.
    pub token_hash: String,
    /// The member.
    pub userid: String,
    /// The token state-changing requests must echo in a header.
    pub csrf_token: String,
    /// Unix ms.
    pub now_ms: i64,
    /// Absolute end of the session, unix ms.
    pub expires_at_ms: i64,
    /// Client IP at login.
    pub ip: Option<String>,
    /// Browser at login.
    pub user_agent: Option<String>,
}

/// A stored session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 hex of the cookie token.
    pub token_hash: String,
    /// The member.
    pub userid: String,
    /// CSRF token.
    pub csrf_token: String,
    /// Unix ms.
    pub created_at_ms: i64,
    /// Last request, unix ms.
    pub last_seen_at_ms: i64,
    /// Absolute expiry, unix ms.
    pub expires_at_ms: i64,
    /// When it was revoked, if it was.
    pub revoked_at_ms: Option<i64>,
    /// IP at login.
    pub ip: Option<String>,
    /// Browser at login.
    pub user_agent: Option<String>,
}

impl std::fmt::Debug for Session {
    // The CSRF token is a credential for this session: keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("userid", &self.userid)
            .field("created_at_ms", &self.created_at_ms)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("revoked_at_ms", &self.revoked_at_ms)
            .finish_non_exhaustive()
    }
}

/// The sessions repository; get one from [`Store::sessions`].
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'a> {
    store: &'a Store,
}

const COLUMNS: &str = "token_hash, userid, csrf_token, created_at_ms, last_seen_at_ms, \
                       expires_at_ms, revoked_at_ms, ip, user_agent";

impl<'a> Sessions<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Stores a new session.
    pub async fn create(&self, s: &NewSession) -> Result<(), StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::create_on(&mut conn, s).await
    }

    /// [`Sessions::create`] inside the caller's transaction.
    pub async fn create_on(conn: &mut AnyConnection, s: &NewSession) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $4, $5, NULL, $6, $7)"
        ))
        .bind(&s.token_hash)
        .bind(&s.userid)
        .bind(&s.csrf_token)
        .bind(s.now_ms)
        .bind(s.expires_at_ms)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The session with this token hash, revoked or not.
    pub async fn get(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM sessions WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(self.store.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Records activity (for idle expiry).
    pub async fn touch(&self, token_hash: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at_ms = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now_ms)
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// Ends one session. `false` when it was already revoked or unknown.
    pub async fn revoke(&self, token_hash: &str, now_ms: i64) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::revoke_on(&mut conn, token_hash, now_ms).await
    }

    /// [`Sessions::revoke`] inside the caller's transaction.
    pub async fn revoke_on(
        conn: &mut AnyConnection,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at_ms = $2 WHERE token_hash = $1 AND revoked_at_ms IS NULL",
        )
        .bind(token_hash)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of a member (they left, or an admin asked). Returns how many.
    pub async fn revoke_user(&self, userid: &str, now_ms: i64) -> Result<u64, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::revoke_user_on(&mut conn, userid, now_ms).await
    }

    /// [`Sessions::revoke_user`] inside the caller's transaction.
    pub async fn revoke_user_on(
        conn: &mut AnyConnection,
        userid: &str,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at_ms = $2 WHERE userid = $1 AND revoked_at_ms IS NULL",
        )
        .bind(userid)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// Open sessions of a member, newest first.
    pub async fn active_for(&self, userid: &str, now_ms: i64) -> Result<Vec<Session>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM sessions WHERE userid = $1 AND revoked_at_ms IS NULL \
             AND expires_at_ms > $2 ORDER BY created_at_ms DESC"
        ))
        .bind(userid)
        .bind(now_ms)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Deletes sessions that ended before `before_ms`. Returns how many.
    pub async fn purge(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at_ms < $1 OR revoked_at_ms < $1")
                .bind(before_ms)
                .execute(self.store.pool())
                .await?;
        Ok(done.rows_affected())
    }
}

fn from_row(row: &AnyRow) -> Result<Session, StoreError> {
    Ok(Session {
        token_hash: row.try_get(0)?,
        userid: row.try_get(1)?,
        csrf_token: row.try_get(2)?,
        created_at_ms: row.try_get(3)?,
        last_seen_at_ms: row.try_get(4)?,
        expires_at_ms: row.try_get(5)?,
        revoked_at_ms: row.try_get(6)?,
        ip: row.try_get(7)?,
        user_agent: row.try_get(8)?,
    })
}
