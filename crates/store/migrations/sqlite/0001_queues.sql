-- Inbox and outbox queues. Kept in step with ../postgres/0001_queues.sql: same tables,
-- columns and indexes; only the id column's auto-increment syntax differs.
-- Instants are unix milliseconds (BIGINT); status is TEXT.

CREATE TABLE inbox (
    -- AUTOINCREMENT: ids are never reused after purges, so "oldest first" stays true.
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    source             TEXT    NOT NULL,
    dedupe_key         TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    payload            TEXT    NOT NULL,
    received_at_ms     BIGINT  NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'processing', 'done', 'dead')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT  NOT NULL,
    claimed_until_ms   BIGINT,
    last_error         TEXT,
    finished_at_ms     BIGINT
);
CREATE UNIQUE INDEX inbox_dedupe_key ON inbox (dedupe_key);
-- Stats, dead-letter pages and purges.
CREATE INDEX inbox_status ON inbox (status, id);
-- Claims scan only open rows, however many done rows pile up.
CREATE INDEX inbox_open ON inbox (id) WHERE status IN ('pending', 'processing');

CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key    TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    agent_id           BIGINT  NOT NULL,
    recipient          TEXT,
    payload            TEXT    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'processing', 'done', 'dead')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_at_ms      BIGINT  NOT NULL,
    next_attempt_at_ms BIGINT  NOT NULL,
    claimed_until_ms   BIGINT,
    last_error         TEXT,
    msgid              TEXT,
    response_code      TEXT,
    sent_at_ms         BIGINT
);
CREATE UNIQUE INDEX outbox_idempotency_key ON outbox (idempotency_key);
CREATE INDEX outbox_status ON outbox (status, id);
CREATE INDEX outbox_open ON outbox (id) WHERE status IN ('pending', 'processing');
