//! Leader lists follow live member changes. WeCom holds leadership once and
//! shows it twice (a department's `department_leader`, a member's `is_leader_in_dept`)
//! but sends no department event when a leader leaves or steps down, so a member write
//! brings the departments' lists in line with the member's own flags.

use sqlx::{AnyConnection, Row};

use super::touches::{Entity, touch};
use crate::StoreError;
use crate::sql::{from_json, to_json};

/// Departments `userid`'s stored memberships say they lead; read before the memberships
/// are replaced, to know which lists may need them taken out.
pub(super) async fn leading(
    conn: &mut AnyConnection,
    userid: &str,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT department_id FROM org_memberships WHERE userid = $1 AND is_leader = 1",
    )
    .bind(userid)
    .fetch_all(&mut *conn)
    .await?)
}

/// Makes `userid` a leader of exactly the departments in `leads` (none for a leaver),
/// looking only at those and at `was_leading` (primary-key reads, no scan).
pub(super) async fn follow_member(
    conn: &mut AnyConnection,
    userid: &str,
    was_leading: &[i64],
    leads: &[i64],
    now_ms: i64,
) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = was_leading.iter().chain(leads).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let Some(row) = sqlx::query("SELECT leaders FROM org_departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            continue;
        };
        let text: String = row.try_get("leaders")?;
        let mut leaders: Vec<String> = from_json("department leaders", &text)?;
        let should = leads.contains(&id);
        let is = leaders.iter().any(|l| l == userid);
        if should == is {
            continue;
        }
        if should {
            leaders.push(userid.to_owned());
        } else {
            leaders.retain(|l| l != userid);
        }
        touch(conn, Entity::Department, &id.to_string(), now_ms).await?;
        sqlx::query("UPDATE org_departments SET leaders = $2, updated_at_ms = $3 WHERE id = $1")
            .bind(id)
            .bind(to_json(&leaders)?)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A leaver is nobody's direct leader any more (WeCom clears them from their reports
/// without sending those reports an event).
pub(super) async fn forget_direct_reports(
    conn: &mut AnyConnection,
    userid: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let pattern = format!("%{}%", to_json(userid)?);
    let rows: Vec<(String, String)> =
        sqlx::query("SELECT userid, direct_leaders FROM org_members WHERE direct_leaders LIKE $1")
            .bind(pattern)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("userid")?, r.try_get("direct_leaders")?)))
            .collect::<Result<_, StoreError>>()?;
    for (report, text) in rows {
        let mut leaders: Vec<String> = from_json("member direct_leaders", &text)?;
        let before = leaders.len();
        leaders.retain(|l| l != userid);
        if leaders.len() == before {
            continue;
        }
        touch(conn, Entity::Member, &report, now_ms).await?;
        sqlx::query(
            "UPDATE org_members SET direct_leaders = $2, updated_at_ms = $3 WHERE userid = $1",
        )
        .bind(report.as_str())
        .bind(to_json(&leaders)?)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
