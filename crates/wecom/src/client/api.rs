//! Request paths of the WeCom APIs used by the client; they double as the `api` field
//! of [`super::Error`], so callers can match on them.

/// `GET /cgi-bin/gettoken`
pub const GETTOKEN: &str = "/cgi-bin/gettoken";
/// `GET /cgi-bin/get_jsapi_ticket` (corp ticket)
pub const JSAPI_TICKET: &str = "/cgi-bin/get_jsapi_ticket";
/// `GET /cgi-bin/ticket/get?type=agent_config` (app ticket)
pub const AGENT_TICKET: &str = "/cgi-bin/ticket/get";
/// `GET /cgi-bin/department/list`
pub const DEPARTMENT_LIST: &str = "/cgi-bin/department/list";
/// `GET /cgi-bin/department/get`
pub const DEPARTMENT_GET: &str = "/cgi-bin/department/get";
/// `GET /cgi-bin/department/simplelist`
pub const DEPARTMENT_SIMPLELIST: &str = "/cgi-bin/department/simplelist";
/// `POST /cgi-bin/user/list_id`
pub const USER_LIST_ID: &str = "/cgi-bin/user/list_id";
/// `GET /cgi-bin/user/get`
pub const USER_GET: &str = "/cgi-bin/user/get";
/// `GET /cgi-bin/user/simplelist`
pub const USER_SIMPLELIST: &str = "/cgi-bin/user/simplelist";
/// `GET /cgi-bin/user/list`
pub const USER_LIST: &str = "/cgi-bin/user/list";
/// `GET /cgi-bin/tag/list`
pub const TAG_LIST: &str = "/cgi-bin/tag/list";
/// `GET /cgi-bin/tag/get`
pub const TAG_GET: &str = "/cgi-bin/tag/get";
/// `POST /cgi-bin/message/send`
pub const MESSAGE_SEND: &str = "/cgi-bin/message/send";
/// `POST /cgi-bin/message/update_template_card`
pub const UPDATE_TEMPLATE_CARD: &str = "/cgi-bin/message/update_template_card";
/// `POST /cgi-bin/message/recall`
pub const MESSAGE_RECALL: &str = "/cgi-bin/message/recall";
/// `GET /cgi-bin/auth/getuserinfo`
pub const AUTH_GETUSERINFO: &str = "/cgi-bin/auth/getuserinfo";
/// `POST /cgi-bin/auth/getuserdetail`
pub const AUTH_GETUSERDETAIL: &str = "/cgi-bin/auth/getuserdetail";
/// `POST /cgi-bin/media/upload` (multipart)
pub const MEDIA_UPLOAD: &str = "/cgi-bin/media/upload";
/// `GET /cgi-bin/media/get`
pub const MEDIA_GET: &str = "/cgi-bin/media/get";
/// `POST /cgi-bin/appchat/create`
pub const APPCHAT_CREATE: &str = "/cgi-bin/appchat/create";
/// `POST /cgi-bin/appchat/send`
pub const APPCHAT_SEND: &str = "/cgi-bin/appchat/send";
