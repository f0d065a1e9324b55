-- Decision cards pushed to approvers: which card (task_id) belongs to which instance and
-- member, and the outbox row that sent it (its response_code updates the card later).
-- Kept identical for both backends.
CREATE TABLE approval_cards (
    task_id       TEXT     PRIMARY KEY,
    instance_id   BIGINT   NOT NULL REFERENCES approval_instances (id) ON DELETE CASCADE,
    userid        TEXT     NOT NULL,
    step          BIGINT   NOT NULL,
    outbox_key    TEXT     NOT NULL,
    closed        SMALLINT NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    created_at_ms BIGINT   NOT NULL
);
CREATE INDEX approval_cards_open ON approval_cards (instance_id, userid, closed);
