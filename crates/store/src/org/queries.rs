//! Derived org queries the rest of Gantry needs: approver chains, department subtrees,
//! tag audiences. Recursive CTEs run the same on SQLite and PostgreSQL; `UNION` (not
//! `UNION ALL`) also stops a corrupted parent cycle from recursing forever.

use sqlx::Row as _;

use super::Org;
use crate::StoreError;

/// The department subtree rooted at `$1`, as a CTE named `sub`.
const SUBTREE: &str = "WITH RECURSIVE sub(id) AS ( \
       SELECT CAST($1 AS BIGINT) \
       UNION SELECT d.id FROM org_departments d JOIN sub ON d.parent_id = sub.id)";

impl Org<'_> {
    /// UserIDs of current members of `department_id` or any department below it.
    pub async fn userids_under(&self, department_id: i64) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "{SUBTREE} SELECT DISTINCT m.userid FROM org_memberships m \
             JOIN org_members o ON o.userid = m.userid \
             WHERE m.department_id IN (SELECT id FROM sub) AND o.left_at_ms IS NULL \
             ORDER BY m.userid"
        );
        Ok(sqlx::query_scalar(&sql)
            .bind(department_id)
            .fetch_all(self.store.pool())
            .await?)
    }

    /// Current members a tag reaches: tagged directly, or in a tagged department's subtree.
    pub async fn userids_with_tag(&self, tag_id: i64) -> Result<Vec<String>, StoreError> {
        let sql = "WITH RECURSIVE sub(id) AS ( \
               SELECT department_id FROM org_tag_departments WHERE tag_id = $1 \
               UNION SELECT d.id FROM org_departments d JOIN sub ON d.parent_id = sub.id), \
             reached(userid) AS ( \
               SELECT userid FROM org_tag_members WHERE tag_id = $1 \
               UNION SELECT userid FROM org_memberships WHERE department_id IN (SELECT id FROM sub)) \
             SELECT r.userid FROM reached r JOIN org_members o ON o.userid = r.userid \
             WHERE o.left_at_ms IS NULL ORDER BY r.userid";
        Ok(sqlx::query_scalar(sql)
            .bind(tag_id)
            .fetch_all(self.store.pool())
            .await?)
    }

    /// Leaders of the member's main department and of up to `levels - 1` departments above
    /// it, nearest first, without the member and without leavers. This is the approver chain
    /// of "the initiator's department leader up N levels".
    pub async fn leaders_up(&self, userid: &str, levels: u32) -> Result<Vec<String>, StoreError> {
        let Some(member) = self.member(userid).await? else {
            return Ok(Vec::new());
        };
        let mut department = member
            .main_department
            .or_else(|| member.departments.first().map(|m| m.department_id));
        let mut chain: Vec<String> = Vec::new();
        for _ in 0..levels {
            let Some(id) = department else { break };
            for leader in self.leaders_of(id).await? {
                if leader != userid && !chain.contains(&leader) {
                    chain.push(leader);
                }
            }
            department = self
                .department(id)
                .await?
                .map(|d| d.parent_id)
                .filter(|&parent| parent != 0 && parent != id);
        }
        Ok(chain)
    }

    /// The member's leaders level by level, nearest first, `levels` non-empty levels at
    /// most: level 1 is their main department's leaders, or (when they lead it themself)
    /// the first department above with another leader; each next level goes further up.
    /// This is what approval rules mean by "department leader N levels up".
    pub async fn leader_levels(
        &self,
        userid: &str,
        levels: u32,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        let Some(member) = self.member(userid).await? else {
            return Ok(Vec::new());
        };
        let mut department = member
            .main_department
            .or_else(|| member.departments.first().map(|m| m.department_id));
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut hops = 0;
        while let Some(id) = department {
            if out.len() >= usize::try_from(levels).unwrap_or(usize::MAX) || hops > 64 {
                break;
            }
            hops += 1;
            let level: Vec<String> = self
                .leaders_of(id)
                .await?
                .into_iter()
                .filter(|l| l != userid && !seen.contains(l))
                .collect();
            if !level.is_empty() {
                seen.extend(level.iter().cloned());
                out.push(level);
            }
            department = self
                .department(id)
                .await?
                .map(|d| d.parent_id)
                .filter(|&parent| parent != 0 && parent != id);
        }
        Ok(out)
    }

    /// Current leaders of one department: WeCom's department_leader list first, then
    /// members flagged leader in it.
    async fn leaders_of(&self, department_id: i64) -> Result<Vec<String>, StoreError> {
        let mut leaders = self
            .department(department_id)
            .await?
            .map(|d| d.leaders)
            .unwrap_or_default();
        let flagged = sqlx::query(
            "SELECT m.userid FROM org_memberships m JOIN org_members o ON o.userid = m.userid \
             WHERE m.department_id = $1 AND m.is_leader = 1 AND o.left_at_ms IS NULL \
             ORDER BY m.sort_order DESC, m.userid",
        )
        .bind(department_id)
        .fetch_all(self.store.pool())
        .await?;
        for row in flagged {
            let userid: String = row.try_get(0)?;
            if !leaders.contains(&userid) {
                leaders.push(userid);
            }
        }
        // Leavers named in WeCom's list are dropped too.
        let mut current = Vec::with_capacity(leaders.len());
        for userid in leaders {
            if self
                .member(&userid)
                .await?
                .is_some_and(|m| m.left_at_ms.is_none())
            {
                current.push(userid);
            }
        }
        Ok(current)
    }
}
