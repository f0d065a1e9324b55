-- Browser sessions of members signed in through WeCom OAuth. The cookie carries a random
-- token; only its SHA-256 is stored, so a copy of this table opens no session.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    userid          TEXT NOT NULL,
    csrf_token      TEXT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    revoked_at_ms   BIGINT,
    ip              TEXT,
    user_agent      TEXT
);

CREATE INDEX sessions_by_user ON sessions (userid);
CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);
