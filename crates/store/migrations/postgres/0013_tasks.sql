-- Schedules and site work: tasks in a hierarchy (phases → tasks → subtasks), links
-- between them, one baseline per task, check-ins and daily reports. Kept in step with the
-- other backend's 0013_tasks.sql; only id and float syntax differ. Days are calendar days (CST)
-- counted from 1970-01-01; a finish day is exclusive (start_day + days).

-- Schedule settings per project: whether moving a task pushes its successors, and the
-- alert thresholds (NULL: the deployment's default).
ALTER TABLE projects ADD COLUMN shift_successors SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN lag_alert_days INTEGER;
ALTER TABLE projects ADD COLUMN escalate_after_days INTEGER;
-- The last day its PM and department leader were told it lags (once a day at most).
ALTER TABLE projects ADD COLUMN alerted_day INTEGER;

CREATE TABLE tasks (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    BIGINT   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    parent_id     BIGINT   REFERENCES tasks (id) ON DELETE CASCADE,
    -- Order among its siblings.
    position      BIGINT   NOT NULL,
    title         TEXT     NOT NULL,
    -- 1: has children (a phase); its dates are rolled up from them.
    summary       SMALLINT NOT NULL DEFAULT 0,
    milestone     SMALLINT NOT NULL DEFAULT 0,
    start_day     INTEGER  NOT NULL,
    days          INTEGER  NOT NULL,
    finish_day    INTEGER  NOT NULL,
    progress      SMALLINT NOT NULL DEFAULT 0,
    status        TEXT     NOT NULL,
    owner         TEXT,
    helpers       TEXT     NOT NULL DEFAULT '[]',
    finished_day  INTEGER,
    -- Reminder bookkeeping: the last day the owner's digest listed it, and whether the
    -- PM has been told it is overdue.
    reminded_day  INTEGER,
    escalated     SMALLINT NOT NULL DEFAULT 0,
    created_by    TEXT     NOT NULL,
    created_at_ms BIGINT   NOT NULL,
    updated_at_ms BIGINT   NOT NULL
);
CREATE INDEX tasks_project ON tasks (project_id, parent_id, position);
CREATE INDEX tasks_owner ON tasks (owner, status);
-- The overdue scan reads only open leaf tasks, by finish day.
CREATE INDEX tasks_open_by_finish ON tasks (finish_day)
    WHERE status IN ('todo', 'doing') AND summary = 0;

CREATE TABLE task_links (
    project_id BIGINT  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    from_id    BIGINT  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    to_id      BIGINT  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    lag        INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX task_links_project ON task_links (project_id);

-- The plan as it was when the baseline was taken (保存基线).
CREATE TABLE task_baselines (
    task_id     BIGINT  PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    project_id  BIGINT  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    start_day   INTEGER NOT NULL,
    finish_day  INTEGER NOT NULL,
    taken_at_ms BIGINT  NOT NULL
);
CREATE INDEX task_baselines_project ON task_baselines (project_id);

-- Site check-ins (打卡) and progress reports on a task; photos are stored media keys.
CREATE TABLE task_checkins (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    userid     TEXT   NOT NULL,
    at_ms      BIGINT NOT NULL,
    latitude   DOUBLE PRECISION,
    longitude  DOUBLE PRECISION,
    address    TEXT   NOT NULL DEFAULT '',
    note       TEXT   NOT NULL DEFAULT '',
    photos     TEXT   NOT NULL DEFAULT '[]',
    progress   SMALLINT
);
CREATE INDEX task_checkins_task ON task_checkins (task_id, at_ms);

-- One daily report (日报) per member per project per day.
CREATE TABLE daily_reports (
    project_id    BIGINT  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    userid        TEXT    NOT NULL,
    day           INTEGER NOT NULL,
    content       TEXT    NOT NULL,
    updated_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (project_id, day, userid)
);
