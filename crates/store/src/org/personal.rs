//! Members' personal fields (mobile, email, corp mailbox, landline, address) and the
//! keyed digests that let a row be found by phone or email.
//!
//! The server seals these fields before they reach the store and computes the digests
//! (HMAC under a key the store never sees), so the store only keeps and compares text:
//! writes take a [`SealedMember`], reads give the sealed text back in [`Member`]'s
//! fields. The reseal pass pages through [`PersonalRow`]s and rewrites them with a
//! compare-and-set, so a concurrent sync or login is never overwritten.

use domain::org::Member;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Org;
use crate::StoreError;
use crate::sql::in_list;

/// Keyed digests (lowercase hex) of a member's mobile and email addresses; `None` where
/// the field is absent or empty. Computed by the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digests {
    /// Of the mobile number.
    pub mobile: Option<String>,
    /// Of the personal email.
    pub email: Option<String>,
    /// Of the corp mailbox.
    pub biz_mail: Option<String>,
}

/// A member ready to write: `member`'s personal fields already sealed by the caller, and
/// the digests of what they seal.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedMember {
    /// The member, personal fields sealed.
    pub member: Member,
    /// Their lookup digests.
    pub digests: Digests,
}

/// A member's personal fields as stored: sealed text, or plain text a build from before
/// sealing wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonalFields {
    /// `mobile`.
    pub mobile: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `biz_mail`.
    pub biz_mail: Option<String>,
    /// `telephone`.
    pub telephone: Option<String>,
    /// `address`.
    pub address: Option<String>,
}

/// One member's stored personal fields and digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRow {
    /// Whose.
    pub userid: String,
    /// The fields as stored.
    pub fields: PersonalFields,
    /// The digests as stored.
    pub digests: Digests,
}

/// A rewrite of one member's personal fields, made only if the row still holds `was`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reseal {
    /// Whose.
    pub userid: String,
    /// The fields as read.
    pub was: PersonalFields,
    /// The fields to store instead.
    pub fields: PersonalFields,
    /// The digests to store.
    pub digests: Digests,
}

/// Most userids a digest lookup returns.
const LOOKUP_LIMIT: i64 = 20;

impl Org<'_> {
    /// Up to `limit` members' personal fields, leavers included, in userid order after
    /// `after` (start with `""`).
    pub async fn personal_rows(
        &self,
        after: &str,
        limit: u32,
    ) -> Result<Vec<PersonalRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT userid, mobile, email, biz_mail, telephone, address, mobile_digest, \
               email_digest, biz_mail_digest FROM org_members \
             WHERE userid > $1 ORDER BY userid LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(personal_row).collect()
    }

    /// Applies `rewrites` in one transaction, each only where the row still holds what
    /// was read (a sync or login that wrote in between wins). Returns, for each, whether
    /// it was made. Leaves `updated_at_ms` and the sync journal alone: what the row says
    /// has not changed, only how it is sealed.
    pub async fn reseal(&self, rewrites: &[Reseal]) -> Result<Vec<bool>, StoreError> {
        if rewrites.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.store.begin().await?;
        let mut done = Vec::with_capacity(rewrites.len());
        for r in rewrites {
            let (was, now) = (&r.was, &r.fields);
            let result = sqlx::query(
                "UPDATE org_members SET mobile = $2, email = $3, biz_mail = $4, \
                   telephone = $5, address = $6, mobile_digest = $7, email_digest = $8, \
                   biz_mail_digest = $9 \
                 WHERE userid = $1 AND mobile IS NOT DISTINCT FROM $10 \
                   AND email IS NOT DISTINCT FROM $11 AND biz_mail IS NOT DISTINCT FROM $12 \
                   AND telephone IS NOT DISTINCT FROM $13 \
                   AND address IS NOT DISTINCT FROM $14",
            )
            .bind(r.userid.as_str())
            .bind(now.mobile.as_deref())
            .bind(now.email.as_deref())
            .bind(now.biz_mail.as_deref())
            .bind(now.telephone.as_deref())
            .bind(now.address.as_deref())
            .bind(r.digests.mobile.as_deref())
            .bind(r.digests.email.as_deref())
            .bind(r.digests.biz_mail.as_deref())
            .bind(was.mobile.as_deref())
            .bind(was.email.as_deref())
            .bind(was.biz_mail.as_deref())
            .bind(was.telephone.as_deref())
            .bind(was.address.as_deref())
            .execute(&mut *tx)
            .await?;
            done.push(result.rows_affected() > 0);
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Current members with a mobile, email or corp mailbox digest among `digests`,
    /// sorted, at most 20.
    pub async fn userids_by_digest(&self, digests: &[String]) -> Result<Vec<String>, StoreError> {
        if digests.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT userid FROM org_members WHERE left_at_ms IS NULL AND ({}) \
             ORDER BY userid LIMIT {LOOKUP_LIMIT}",
            digest_match(1, digests.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for digest in digests {
            query = query.bind(digest.as_str());
        }
        Ok(query.fetch_all(self.store.pool()).await?)
    }
}

/// `mobile_digest IN (…) OR email_digest IN (…) OR biz_mail_digest IN (…)` over the
/// parameters `$first…`: digests of different kinds never collide, so one list serves
/// all three columns.
pub(super) fn digest_match(first: usize, n: usize) -> String {
    let list = in_list(first, n);
    format!("mobile_digest IN ({list}) OR email_digest IN ({list}) OR biz_mail_digest IN ({list})")
}

fn personal_row(row: &AnyRow) -> Result<PersonalRow, StoreError> {
    Ok(PersonalRow {
        userid: row.try_get("userid")?,
        fields: PersonalFields {
            mobile: row.try_get("mobile")?,
            email: row.try_get("email")?,
            biz_mail: row.try_get("biz_mail")?,
            telephone: row.try_get("telephone")?,
            address: row.try_get("address")?,
        },
        digests: Digests {
            mobile: row.try_get("mobile_digest")?,
            email: row.try_get("email_digest")?,
            biz_mail: row.try_get("biz_mail_digest")?,
        },
    })
}
