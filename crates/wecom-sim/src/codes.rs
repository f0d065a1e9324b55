//! The WeCom errcodes the simulator answers with (doc 90313 unless marked otherwise).
//!
//! Codes marked UNVERIFIED are the simulator's choice where no public source says what
//! WeCom really returns; tests should refer to these constants, not the numbers.

/// Success.
pub const OK: i64 = 0;
/// 不合法的secret参数.
pub const INVALID_SECRET: i64 = 40001;
/// 不合法的媒体文件类型 (bad `type` on media/upload).
pub const INVALID_MEDIA_TYPE: i64 = 40004;
/// 不合法的type参数 (ticket/get type).
pub const INVALID_TYPE: i64 = 40005;
/// 不合法的文件大小.
pub const INVALID_FILE_SIZE: i64 = 40006;
/// 不合法的media_id参数.
pub const INVALID_MEDIA_ID: i64 = 40007;
/// 不合法的msgtype参数.
pub const INVALID_MSGTYPE: i64 = 40008;
/// 上传图片大小不是有效值.
pub const INVALID_IMAGE_SIZE: i64 = 40009;
/// 上传视频大小不是有效值.
pub const INVALID_VIDEO_SIZE: i64 = 40011;
/// 不合法的CorpID.
pub const INVALID_CORPID: i64 = 40013;
/// 不合法的access_token.
pub const INVALID_TOKEN: i64 = 40014;
/// 不合法的oauth_code.
pub const INVALID_OAUTH_CODE: i64 = 40029;
/// 不合法的UserID列表长度 (touser > 1000).
pub const INVALID_USER_LIST_LEN: i64 = 40032;
/// 不合法的参数. Also used when touser, toparty and totag are all empty (UNVERIFIED).
pub const INVALID_PARAM: i64 = 40035;
/// 不合法的agentid (no such app).
pub const INVALID_AGENTID: i64 = 40056;
/// 不合法的参数 (API-specific). UNVERIFIED uses: duplicate `task_id` within an app,
/// malformed template_card, unknown or >24 h old msgid on message/recall.
pub const INVALID_PARAM_DETAIL: i64 = 40058;
/// Duplicate template_card `task_id` within one app (UNVERIFIED: 40058).
pub const DUPLICATE_TASK_ID: i64 = INVALID_PARAM_DETAIL;
/// message/recall of an unknown or >24 h old msgid (UNVERIFIED: 40058).
pub const RECALL_INVALID_MSGID: i64 = INVALID_PARAM_DETAIL;
/// 不合法的标签ID.
pub const INVALID_TAGID: i64 = 40068;
/// 缺少access_token参数.
pub const MISSING_TOKEN: i64 = 41001;
/// 缺少corpid参数.
pub const MISSING_CORPID: i64 = 41002;
/// 缺少secret参数.
pub const MISSING_SECRET: i64 = 41004;
/// 缺少media_id参数.
pub const MISSING_MEDIA_ID: i64 = 41006;
/// 缺少auth code参数.
pub const MISSING_CODE: i64 = 41008;
/// 缺少userid参数.
pub const MISSING_USERID: i64 = 41009;
/// 缺少url参数 (textcard).
pub const MISSING_URL: i64 = 41010;
/// 缺少agentid参数.
pub const MISSING_AGENTID: i64 = 41011;
/// 缺少title参数 (textcard).
pub const MISSING_TITLE: i64 = 41016;
/// 缺少tagid参数.
pub const MISSING_TAGID: i64 = 41017;
/// 缺少 description 参数 (textcard).
pub const MISSING_DESCRIPTION: i64 = 41033;
/// access_token已过期.
pub const TOKEN_EXPIRED: i64 = 42001;
/// require GET method (WeChat code; UNVERIFIED for WeCom).
pub const REQUIRE_GET: i64 = 43001;
/// require POST method (WeChat code; UNVERIFIED for WeCom).
pub const REQUIRE_POST: i64 = 43002;
/// 多媒体文件为空.
pub const EMPTY_MEDIA: i64 = 44001;
/// 文本消息content参数为空.
pub const EMPTY_CONTENT: i64 = 44004;
/// 消息内容大小超过限制.
pub const CONTENT_TOO_LONG: i64 = 45002;
/// 图文消息的文章数量不符合系统限制.
pub const BAD_ARTICLE_COUNT: i64 = 45008;
/// 接口调用超过限制 (also the ticket quotas, whose real code is UNVERIFIED).
pub const FREQ_LIMIT: i64 = 45009;
/// 解析JSON内容错误 (body is not JSON).
pub const BAD_JSON: i64 = 47001;
/// API接口无权限调用.
pub const API_FORBIDDEN: i64 = 48002;
/// 不允许删除根部门 (mutation helpers).
pub const ROOT_DELETE: i64 = 60007;
/// 部门已存在 (mutation helpers: sibling name taken).
pub const DEPT_EXISTS: i64 = 60008;
/// 部门存在循环关系 (mutation helpers).
pub const DEPT_CYCLE: i64 = 60010;
/// 指定的成员/部门/标签参数无权限.
pub const NO_PRIVILEGE: i64 = 60011;
/// UserID已存在 (mutation helpers).
pub const USERID_EXISTS: i64 = 60102;
/// UserID不存在.
pub const USER_NOT_FOUND: i64 = 60111;
/// 无效的部门id.
pub const INVALID_PARTY: i64 = 60123;
/// 无效的父部门id (mutation helpers).
pub const INVALID_PARENT: i64 = 60124;
/// response_code unknown, already used or older than 72 h (UNVERIFIED: 60140, seen in
/// one public codebase only).
pub const RESPONSE_CODE_INVALID: i64 = 60140;
/// UserID、部门ID、标签ID全部非法或无权限.
pub const ALL_RECIPIENTS_INVALID: i64 = 81013;
/// 不合法的PartyID列表长度 (> 100).
pub const INVALID_PARTY_LIST_LEN: i64 = 82002;
/// 不合法的TagID列表长度 (> 100).
pub const INVALID_TAG_LIST_LEN: i64 = 82003;
/// 成员票据过期.
pub const USER_TICKET_EXPIRED: i64 = 84014;
/// 成员票据无效.
pub const USER_TICKET_INVALID: i64 = 84015;
/// 参数 chatid 不合法 (also: chatid already exists, UNVERIFIED).
pub const INVALID_CHATID: i64 = 86001;
/// 参数 chatid 不存在.
pub const CHATID_NOT_FOUND: i64 = 86003;
/// 参数 群名不合法.
pub const INVALID_CHAT_NAME: i64 = 86004;
/// 参数 群主不合法.
pub const INVALID_CHAT_OWNER: i64 = 86005;
/// 群成员数过多或过少.
pub const CHAT_MEMBER_COUNT: i64 = 86006;
/// 不合法的群成员.
pub const INVALID_CHAT_MEMBER: i64 = 86007;
/// 无权限操作指定的应用 (token of another app).
pub const WRONG_APP: i64 = 301002;

/// The errmsg WeCom-style text for a code (the simulator appends details after a comma).
pub fn errmsg(code: i64) -> &'static str {
    match code {
        OK => "ok",
        INVALID_SECRET => "invalid credential",
        INVALID_MEDIA_TYPE => "invalid media type",
        INVALID_TYPE => "invalid type",
        INVALID_FILE_SIZE => "invalid file size",
        INVALID_MEDIA_ID => "invalid media_id",
        INVALID_MSGTYPE => "invalid message type",
        INVALID_IMAGE_SIZE => "invalid image size",
        INVALID_VIDEO_SIZE => "invalid video size",
        INVALID_CORPID => "invalid corpid",
        INVALID_TOKEN => "invalid access_token",
        INVALID_OAUTH_CODE => "invalid code",
        INVALID_USER_LIST_LEN => "invalid userid list size",
        INVALID_PARAM => "invalid parameter",
        INVALID_AGENTID => "invalid agentid",
        INVALID_PARAM_DETAIL => "invalid parameter",
        INVALID_TAGID => "invalid tagid",
        MISSING_TOKEN => "access_token missing",
        MISSING_CORPID => "corpid missing",
        MISSING_SECRET => "corpsecret missing",
        MISSING_MEDIA_ID => "media_id missing",
        MISSING_CODE => "code missing",
        MISSING_USERID => "userid missing",
        MISSING_URL => "url missing",
        MISSING_AGENTID => "agentid missing",
        MISSING_TITLE => "title missing",
        MISSING_TAGID => "tagid missing",
        MISSING_DESCRIPTION => "description missing",
        TOKEN_EXPIRED => "access_token expired",
        REQUIRE_GET => "require GET method",
        REQUIRE_POST => "require POST method",
        EMPTY_MEDIA => "empty media data",
        EMPTY_CONTENT => "empty content",
        CONTENT_TOO_LONG => "content size out of limit",
        BAD_ARTICLE_COUNT => "article size out of limit",
        FREQ_LIMIT => "api freq out of limit",
        BAD_JSON => "data format error",
        API_FORBIDDEN => "api forbidden",
        ROOT_DELETE => "not allow to delete root department",
        DEPT_EXISTS => "department existed",
        DEPT_CYCLE => "department cycle",
        INVALID_PARENT => "invalid parent party id",
        NO_PRIVILEGE => "no privilege to access/modify contact/party/agent",
        USERID_EXISTS => "userid existed",
        USER_NOT_FOUND => "invalid userid",
        INVALID_PARTY => "invalid party id",
        RESPONSE_CODE_INVALID => "invalid response_code",
        ALL_RECIPIENTS_INVALID => "all touser/toparty/totag invalid",
        INVALID_PARTY_LIST_LEN => "invalid party list size",
        INVALID_TAG_LIST_LEN => "invalid tag list size",
        USER_TICKET_EXPIRED => "user_ticket expired",
        USER_TICKET_INVALID => "invalid user_ticket",
        INVALID_CHATID => "invalid chatid",
        CHATID_NOT_FOUND => "chatid not found",
        INVALID_CHAT_NAME => "invalid chat name",
        INVALID_CHAT_OWNER => "invalid chat owner",
        CHAT_MEMBER_COUNT => "invalid chat member count",
        INVALID_CHAT_MEMBER => "invalid chat member",
        WRONG_APP => "api forbidden for this agent",
        _ => "error",
    }
}
