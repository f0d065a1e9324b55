//! OAuth2 identity inside the WeCom client (§4.6): `code` → user, `user_ticket` →
//! sensitive fields.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::contacts::Gender;
use super::{Client, Error, Result, api, wire};

/// Who opened the page. `Debug` hides the `user_ticket` (a bearer credential).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserIdentity {
    /// A member of the corp.
    Member {
        /// UserID.
        userid: String,
        /// Only with `snsapi_privateinfo` and for users in the visibility; 1800 s.
        user_ticket: Option<String>,
    },
    /// Someone outside the corp.
    NonMember {
        /// openid.
        openid: String,
        /// External contact id, when the person is one.
        external_userid: Option<String>,
    },
}

impl fmt::Debug for UserIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member {
                userid,
                user_ticket,
            } => f
                .debug_struct("Member")
                .field("userid", userid)
                .field("user_ticket", &user_ticket.as_ref().map(|_| "***"))
                .finish(),
            Self::NonMember {
                openid,
                external_userid,
            } => f
                .debug_struct("NonMember")
                .field("openid", openid)
                .field("external_userid", external_userid)
                .finish(),
        }
    }
}

/// Sensitive member fields from `auth/getuserdetail`; only those the admin enabled and
/// the member consented to are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserDetail {
    /// UserID.
    pub userid: String,
    /// Gender.
    pub gender: Option<Gender>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Personal QR code URL.
    pub qr_code: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Business email.
    pub biz_mail: Option<String>,
    /// Address.
    pub address: Option<String>,
}

/// The getuserinfo answer; the capitalised names are the old path's spelling.
#[derive(Deserialize, Default)]
#[serde(default)]
struct UserInfoWire {
    #[serde(alias = "UserId", deserialize_with = "wire::opt_string")]
    userid: Option<String>,
    #[serde(deserialize_with = "wire::opt_string")]
    user_ticket: Option<String>,
    #[serde(alias = "OpenId", deserialize_with = "wire::opt_string")]
    openid: Option<String>,
    #[serde(deserialize_with = "wire::opt_string")]
    external_userid: Option<String>,
}

impl UserInfoWire {
    fn into_identity(self) -> Result<UserIdentity> {
        match (self.userid, self.openid) {
            (Some(userid), _) => Ok(UserIdentity::Member {
                userid,
                user_ticket: self.user_ticket,
            }),
            (None, Some(openid)) => Ok(UserIdentity::NonMember {
                openid,
                external_userid: self.external_userid,
            }),
            (None, None) => Err(Error::decode(
                api::AUTH_GETUSERINFO,
                "neither userid nor openid",
            )),
        }
    }
}

impl Client {
    /// `auth/getuserinfo`: exchanges an OAuth `code` (single use, 5 min). A bad code is
    /// errcode 40029 (restart OAuth).
    pub async fn get_user_info(&self, code: &str) -> Result<UserIdentity> {
        if code.is_empty() {
            return Err(Error::InvalidRequest("OAuth code is empty".into()));
        }
        let info: UserInfoWire = self
            .get_json(api::AUTH_GETUSERINFO, &[("code", code.to_owned())])
            .await?;
        info.into_identity()
    }

    /// `auth/getuserdetail`: sensitive fields for a `user_ticket`.
    pub async fn get_user_detail(&self, user_ticket: &str) -> Result<UserDetail> {
        if user_ticket.is_empty() {
            return Err(Error::InvalidRequest("user_ticket is empty".into()));
        }
        self.post_json(
            api::AUTH_GETUSERDETAIL,
            &serde_json::json!({ "user_ticket": user_ticket }),
        )
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn identity(json: &str) -> Result<UserIdentity> {
        serde_json::from_str::<UserInfoWire>(json)
            .unwrap()
            .into_identity()
    }

    #[test]
    fn decodes_identities() {
        let member = identity(r#"{"errcode":0,"userid":"zhangsan","user_ticket":"T"}"#).unwrap();
        assert_eq!(
            member,
            UserIdentity::Member {
                userid: "zhangsan".into(),
                user_ticket: Some("T".into())
            }
        );
        assert!(!format!("{member:?}").contains("\"T\""));
        let legacy = identity(r#"{"UserId":"lisi","DeviceId":"d"}"#).unwrap();
        assert!(matches!(
            legacy,
            UserIdentity::Member {
                user_ticket: None,
                ..
            }
        ));
        let outsider = identity(r#"{"openid":"o1","external_userid":""}"#).unwrap();
        assert_eq!(
            outsider,
            UserIdentity::NonMember {
                openid: "o1".into(),
                external_userid: None
            }
        );
        assert!(identity(r#"{"errcode":0}"#).is_err());
    }

    #[test]
    fn decodes_detail() {
        let d: UserDetail =
            serde_json::from_str(r#"{"userid":"a","gender":"1","mobile":"138","extra":1}"#)
                .unwrap();
        assert_eq!(d.gender, Some(Gender::Male));
        assert_eq!(d.mobile.as_deref(), Some("138"));
        assert!(d.biz_mail.is_none());
    }
}
