-- Commands carried out from inbox callbacks (新建任务 …), keyed by the callback's dedupe
-- key (its MsgId), so a redelivered, retried or replayed callback does not create a
-- second task: the handler records the key in the transaction that creates the task and
-- rolls back when the key is already there. Identical in both trees.
-- Not purged with the inbox rows: the key must outlive them.

CREATE TABLE inbox_answers (
    dedupe_key     TEXT   PRIMARY KEY,
    answer         TEXT   NOT NULL,
    -- The task the command created; kept (as NULL) when the task is deleted, so the
    -- command is still not carried out again.
    task_id        BIGINT REFERENCES tasks (id) ON DELETE SET NULL,
    answered_at_ms BIGINT NOT NULL
);
