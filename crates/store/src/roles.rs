//! System roles (admin, finance) granted inside Gantry.

use sqlx::{AnyConnection, Row as _};

use crate::{Store, StoreError};

/// One grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// The member.
    pub userid: String,
    /// `admin` or `finance`.
    pub role: String,
    /// Who granted it.
    pub granted_by: String,
    /// When, unix ms.
    pub granted_at_ms: i64,
}

/// The roles repository; get one from [`Store::roles`].
#[derive(Debug, Clone, Copy)]
pub struct Roles<'a> {
    store: &'a Store,
}

impl<'a> Roles<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Grants `role`; `false` when the member already had it.
    pub async fn grant(
        &self,
        userid: &str,
        role: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::grant_on(&mut conn, userid, role, by, now_ms).await
    }

    /// [`Roles::grant`] inside the caller's transaction.
    pub async fn grant_on(
        conn: &mut AnyConnection,
        userid: &str,
        role: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO system_roles (userid, role, granted_by, granted_at_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (userid, role) DO NOTHING",
        )
        .bind(userid)
        .bind(role)
        .bind(by)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Revokes `role`; `false` when the member did not have it.
    pub async fn revoke(&self, userid: &str, role: &str) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::revoke_on(&mut conn, userid, role).await
    }

    /// [`Roles::revoke`] inside the caller's transaction.
    pub async fn revoke_on(
        conn: &mut AnyConnection,
        userid: &str,
        role: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM system_roles WHERE userid = $1 AND role = $2")
            .bind(userid)
            .bind(role)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The roles of one member.
    pub async fn of(&self, userid: &str) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT role FROM system_roles WHERE userid = $1 ORDER BY role")
                .bind(userid)
                .fetch_all(self.store.pool())
                .await?,
        )
    }

    /// Every grant, by member.
    pub async fn all(&self) -> Result<Vec<RoleGrant>, StoreError> {
        let rows = sqlx::query(
            "SELECT userid, role, granted_by, granted_at_ms FROM system_roles ORDER BY userid, role",
        )
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoleGrant {
                    userid: r.try_get(0)?,
                    role: r.try_get(1)?,
                    granted_by: r.try_get(2)?,
                    granted_at_ms: r.try_get(3)?,
                })
            })
            .collect()
    }
}
