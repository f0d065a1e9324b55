-- Comments on a task, with photos (keys into the photo store), oldest first.
CREATE TABLE task_comments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    userid     TEXT   NOT NULL,
    at_ms      BIGINT NOT NULL,
    body       TEXT   NOT NULL,
    photos     TEXT   NOT NULL DEFAULT '[]'
);
CREATE INDEX task_comments_task ON task_comments (task_id, id);
