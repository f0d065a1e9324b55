-- Projects and who works on them in which role; and the work a leaver leaves behind.
-- Kept in step with the other backend's 0008_projects.sql; only id syntax differs.
-- The ledger's remaining fields (client, location, amounts, dates) arrive with the
-- project ledger itself.

CREATE TABLE projects (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    -- The owning department: its leaders see the project and hear about its troubles.
    department_id BIGINT NOT NULL,
    status        TEXT   NOT NULL,
    created_by    TEXT   NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX projects_department ON projects (department_id);

-- One row per (project, member, role): a member may hold several roles.
CREATE TABLE project_members (
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    userid      TEXT   NOT NULL,
    role        TEXT   NOT NULL,
    added_by    TEXT   NOT NULL,
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (project_id, userid, role)
);
CREATE INDEX project_members_role ON project_members (project_id, role);
CREATE INDEX project_members_userid ON project_members (userid);

-- Work a member who left still holds, flagged once per (leaver, kind, item) for someone
-- to hand over; resolved when it is.
CREATE TABLE reassignments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    leaver         TEXT   NOT NULL,
    kind           TEXT   NOT NULL,
    item           TEXT   NOT NULL,
    project_id     BIGINT,
    detail         TEXT   NOT NULL,
    flagged_at_ms  BIGINT NOT NULL,
    resolved_at_ms BIGINT,
    resolved_by    TEXT,
    UNIQUE (leaver, kind, item)
);
CREATE INDEX reassignments_open ON reassignments (project_id, resolved_at_ms);

-- Which leaves have been followed up (work flagged, PMs told), so each leave is handled
-- once whichever path (contact event or full sync) marked it.
CREATE TABLE leavers_handled (
    userid        TEXT   NOT NULL,
    left_at_ms    BIGINT NOT NULL,
    handled_at_ms BIGINT NOT NULL,
    PRIMARY KEY (userid, left_at_ms)
);
