-- Members' personal fields (mobile, email, biz_mail, telephone, address) are sealed by
-- the server (AES-256-GCM, `v2:<key id>:…`), so they can no longer be compared in SQL.
-- Lookups by phone or email go through keyed digests (HMAC-SHA256, lowercase hex) the
-- server computes. Rows written before this are still plain text with no digests: the
-- server's reseal pass seals them and fills the digests at startup (Rust logic, so not
-- here). Identical in both trees (see ../postgres/0019_member_digests.sql).

ALTER TABLE org_members ADD COLUMN mobile_digest TEXT;
ALTER TABLE org_members ADD COLUMN email_digest TEXT;
ALTER TABLE org_members ADD COLUMN biz_mail_digest TEXT;

CREATE INDEX org_members_mobile_digest ON org_members (mobile_digest);
CREATE INDEX org_members_email_digest ON org_members (email_digest);
CREATE INDEX org_members_biz_mail_digest ON org_members (biz_mail_digest);
