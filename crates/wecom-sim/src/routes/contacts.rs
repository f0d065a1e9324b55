//! Directory reads (doc section 4.2), filtered by the caller's visibility.

use serde_json::{Value, json};

use super::{ApiErr, ApiResult, Ctx, err, ok};
use crate::codes;
use crate::org::User;
use crate::state::Caller;

/// Fields apps created after 2022-06-20 no longer receive from user/get and user/list.
const PRIVATE_FIELDS: &[&str] = &[
    "mobile",
    "email",
    "biz_mail",
    "avatar",
    "thumb_avatar",
    "gender",
    "address",
    "qr_code",
];

fn hides_private(ctx: &Ctx<'_>, caller: Caller) -> bool {
    match caller {
        Caller::App(a) => ctx
            .cfg
            .apps
            .iter()
            .any(|app| app.agent_id == a && app.new_app_2022),
        Caller::Contacts => false,
    }
}

fn user_json(u: &User, hide_private: bool) -> Value {
    let mut v = serde_json::to_value(u).unwrap_or_default();
    if let (true, Value::Object(m)) = (hide_private, &mut v) {
        for f in PRIVATE_FIELDS {
            m.remove(*f);
        }
    }
    v
}

fn parse_id(raw: &str, code: i64) -> Result<i64, ApiErr> {
    raw.trim()
        .parse()
        .map_err(|_| err(code, format!("not an id: {raw}")))
}

/// A department id from the query that exists (60123) and is visible (60011).
fn visible_dept(ctx: &Ctx<'_>, caller: Caller, raw: &str) -> Result<i64, ApiErr> {
    let id = parse_id(raw, codes::INVALID_PARTY)?;
    if ctx.st.idx.dept(id).is_none() {
        return Err(err(codes::INVALID_PARTY, format!("no department {id}")));
    }
    if !ctx.st.scope(caller).sees_dept(id) {
        return Err(err(
            codes::NO_PRIVILEGE,
            format!("department {id} outside visibility"),
        ));
    }
    Ok(id)
}

/// Visible departments: the subtree of `?id=`, or all visible ones.
fn visible_depts(ctx: &Ctx<'_>, caller: Caller) -> Result<Vec<usize>, ApiErr> {
    let scope = ctx.st.scope(caller);
    let ids: Vec<i64> = match ctx.req.q("id") {
        Some(raw) => ctx.st.idx.subtree(visible_dept(ctx, caller, raw)?),
        None => ctx.st.org.departments.iter().map(|d| d.id).collect(),
    };
    Ok(ids
        .into_iter()
        .filter(|d| scope.sees_dept(*d))
        .filter_map(|d| ctx.st.idx.dept(d))
        .collect())
}

pub(super) fn department_list(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let list: Vec<Value> = visible_depts(ctx, caller)?
        .into_iter()
        .map(|i| serde_json::to_value(&ctx.st.org.departments[i]).unwrap_or_default())
        .collect();
    Ok(ok(json!({ "department": list })))
}

pub(super) fn department_get(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let raw = ctx
        .req
        .q("id")
        .ok_or_else(|| err(codes::INVALID_PARTY, "id missing"))?;
    let id = visible_dept(ctx, caller, raw)?;
    let dept = ctx
        .st
        .idx
        .dept(id)
        .map(|i| serde_json::to_value(&ctx.st.org.departments[i]).unwrap_or_default())
        .unwrap_or_default();
    Ok(ok(json!({ "department": dept })))
}

pub(super) fn department_simplelist(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let list: Vec<Value> = visible_depts(ctx, caller)?
        .into_iter()
        .map(|i| {
            let d = &ctx.st.org.departments[i];
            json!({ "id": d.id, "parentid": d.parentid, "order": d.order })
        })
        .collect();
    Ok(ok(json!({ "department_id": list })))
}

pub(super) fn user_get(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let userid = ctx
        .req
        .q("userid")
        .ok_or_else(|| err(codes::MISSING_USERID, "userid missing"))?;
    let pos = ctx
        .st
        .idx
        .user(userid)
        .ok_or_else(|| err(codes::USER_NOT_FOUND, format!("no user {userid}")))?;
    let user = &ctx.st.org.users[pos];
    if !ctx.st.scope(caller).sees_user(user) {
        return Err(err(
            codes::NO_PRIVILEGE,
            format!("{userid} outside visibility"),
        ));
    }
    Ok(ok(user_json(user, hides_private(ctx, caller))))
}

/// Members of `?department_id=` (and below with the legacy `fetch_child=1`).
fn dept_members(ctx: &Ctx<'_>, caller: Caller) -> Result<Vec<usize>, ApiErr> {
    let raw = ctx
        .req
        .q("department_id")
        .ok_or_else(|| err(codes::INVALID_PARTY, "department_id missing"))?;
    let dept = visible_dept(ctx, caller, raw)?;
    let depts = if ctx.req.q("fetch_child") == Some("1") {
        ctx.st.idx.subtree(dept)
    } else {
        vec![dept]
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for d in depts {
        for &u in ctx.st.idx.users_in(d) {
            if seen.insert(u) {
                out.push(u);
            }
        }
    }
    Ok(out)
}

pub(super) fn user_simplelist(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let list: Vec<Value> = dept_members(ctx, caller)?
        .into_iter()
        .map(|i| {
            let u = &ctx.st.org.users[i];
            json!({
                "userid": u.userid, "name": u.name,
                "department": u.department, "open_userid": u.open_userid,
            })
        })
        .collect();
    Ok(ok(json!({ "userlist": list })))
}

pub(super) fn user_list(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let hide = hides_private(ctx, caller);
    let list: Vec<Value> = dept_members(ctx, caller)?
        .into_iter()
        .map(|i| user_json(&ctx.st.org.users[i], hide))
        .collect();
    Ok(ok(json!({ "userlist": list })))
}

const CURSOR_PREFIX: &str = "SIMCUR";

/// Cursor paging over one row per (member, department); contacts secret only.
pub(super) fn user_list_id(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    if caller != Caller::Contacts {
        return Err(err(
            codes::API_FORBIDDEN,
            "user/list_id needs the contacts secret",
        ));
    }
    let body = ctx.req.json()?;
    let limit = match body.get("limit") {
        None | Some(Value::Null) => 10_000,
        Some(v) => v
            .as_u64()
            .filter(|l| (1..=10_000).contains(l))
            .ok_or_else(|| err(codes::INVALID_PARAM_DETAIL, "limit must be 1..10000"))?,
    };
    let start = match body
        .get("cursor")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
    {
        None => 0,
        Some(c) => c
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|hex| usize::from_str_radix(hex, 16).ok())
            .ok_or_else(|| err(codes::INVALID_PARAM_DETAIL, "invalid cursor"))?,
    };
    let limit = usize::try_from(limit).unwrap_or(10_000);
    let rows = ctx
        .st
        .org
        .users
        .iter()
        .flat_map(|u| u.department.iter().map(move |d| (u.userid.as_str(), *d)));
    let mut page = Vec::with_capacity(limit.min(1024));
    let mut more = false;
    for (userid, d) in rows.skip(start) {
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(json!({ "userid": userid, "department": d }));
    }
    let mut out = json!({ "dept_user": page });
    if more {
        out["next_cursor"] = json!(format!("{CURSOR_PREFIX}{:x}", start + limit));
    }
    Ok(ok(out))
}

pub(super) fn tag_list(ctx: &mut Ctx<'_>, _caller: Caller) -> ApiResult {
    let list: Vec<Value> = ctx
        .st
        .org
        .tags
        .iter()
        .map(|t| json!({ "tagid": t.tagid, "tagname": t.tagname }))
        .collect();
    Ok(ok(json!({ "taglist": list })))
}

pub(super) fn tag_get(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let raw = ctx
        .req
        .q("tagid")
        .ok_or_else(|| err(codes::MISSING_TAGID, "tagid missing"))?;
    let id = parse_id(raw, codes::INVALID_TAGID)?;
    let tag = ctx
        .st
        .org
        .tag(id)
        .ok_or_else(|| err(codes::INVALID_TAGID, format!("no tag {id}")))?;
    let scope = ctx.st.scope(caller);
    let users: Vec<Value> = tag
        .users
        .iter()
        .filter_map(|u| ctx.st.idx.user(u).map(|i| &ctx.st.org.users[i]))
        .filter(|u| scope.sees_user(u))
        .map(|u| json!({ "userid": u.userid, "name": u.name }))
        .collect();
    let parties: Vec<i64> = tag
        .parties
        .iter()
        .copied()
        .filter(|p| scope.sees_dept(*p))
        .collect();
    Ok(ok(
        json!({ "tagname": tag.tagname, "userlist": users, "partylist": parties }),
    ))
}
