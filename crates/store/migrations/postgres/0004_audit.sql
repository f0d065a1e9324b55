-- The tamper-evident audit log. Kept in step with ../sqlite/0004_audit.sql: same tables,
-- columns and indexes; only the id column's DDL differs.
--
-- Each row's hash covers the previous row's hash and all of its own columns (see
-- crates/store/src/audit), so editing, removing or reordering a row breaks the chain.
-- Ids are the chain positions 1, 2, 3, …, assigned by the appender from audit_head
-- under its row lock: never by the database, so the sequence has no gaps.

CREATE TABLE audit_log (
    -- No IDENTITY: a sequence is not transactional, so a rolled-back business
    -- transaction would leave a gap that verify must report as a deleted row.
    id          BIGINT  PRIMARY KEY,
    at_ms       BIGINT  NOT NULL,
    -- A WeCom userid, or 'system' for workers and syncs.
    actor       TEXT    NOT NULL,
    ip          TEXT,
    -- What happened, e.g. 'project.update'.
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    -- JSON text of the target before and after the change; NULL for create / delete.
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE UNIQUE INDEX audit_log_hash ON audit_log (hash);
-- The admin console's filters, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

-- The chain's head: the last id and hash. Appenders lock this one row, so concurrent
-- appends queue up instead of forking the chain; verify compares it with the last row,
-- so cutting rows off the end also means editing this row.
CREATE TABLE audit_head (
    id        SMALLINT PRIMARY KEY CHECK (id = 1),
    last_id   BIGINT   NOT NULL,
    last_hash TEXT     NOT NULL
);
-- The genesis hash (64 zeros) is store::audit::GENESIS_HASH.
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
