-- Approval templates and instances. Kept in step with the other backend's
-- 0009_approvals.sql; only id syntax differs. Definitions and instance state are the
-- domain types as JSON TEXT (read and written whole); what lists and filters need is
-- kept in columns and in approval_people.

CREATE TABLE approval_templates (
    code          TEXT     PRIMARY KEY,
    name          TEXT     NOT NULL,
    definition    TEXT     NOT NULL,
    enabled       SMALLINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Bumped on every change; instances record the version they were planned with.
    version       BIGINT   NOT NULL,
    updated_by    TEXT     NOT NULL,
    updated_at_ms BIGINT   NOT NULL
);

CREATE TABLE approval_instances (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template_code    TEXT   NOT NULL,
    template_version BIGINT NOT NULL,
    title            TEXT   NOT NULL,
    initiator        TEXT   NOT NULL,
    project_id       BIGINT,
    status           TEXT   NOT NULL,
    state            TEXT   NOT NULL,
    -- Optimistic lock: a save names the version it read; two concurrent taps cannot
    -- both win.
    version          BIGINT NOT NULL,
    submitted_at_ms  BIGINT NOT NULL,
    updated_at_ms    BIGINT NOT NULL,
    finished_at_ms   BIGINT
);
CREATE INDEX approval_instances_initiator ON approval_instances (initiator, id);
CREATE INDEX approval_instances_status ON approval_instances (status, id);
CREATE INDEX approval_instances_project ON approval_instances (project_id, id);

-- Who finds an instance in which list (pending: 待我审批, done: 我已处理, cc: 抄送我的);
-- rewritten from the state on every save.
CREATE TABLE approval_people (
    instance_id BIGINT NOT NULL REFERENCES approval_instances (id) ON DELETE CASCADE,
    userid      TEXT   NOT NULL,
    list        TEXT   NOT NULL,
    PRIMARY KEY (instance_id, userid, list)
);
CREATE INDEX approval_people_list ON approval_people (userid, list, instance_id);
