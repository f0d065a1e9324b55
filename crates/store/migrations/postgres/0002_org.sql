-- The WeCom directory mirror. Kept in step with ../sqlite/0002_org.sql (identical).
-- Lists that are only ever read whole (leaders, direct_leaders) are JSON TEXT; lists that
-- are queried (memberships, tag members) are rows. Booleans are SMALLINT 0/1.

CREATE TABLE org_departments (
    id            BIGINT PRIMARY KEY,
    name          TEXT   NOT NULL,
    name_en       TEXT,
    parent_id     BIGINT NOT NULL,
    sort_order    BIGINT NOT NULL,
    leaders       TEXT   NOT NULL DEFAULT '[]',
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX org_departments_parent ON org_departments (parent_id);

-- Never hard-deleted: left_at_ms marks leavers that approvals, tasks and audit rows
-- still point at.
CREATE TABLE org_members (
    userid          TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    main_department BIGINT,
    position        TEXT,
    mobile          TEXT,
    email           TEXT,
    biz_mail        TEXT,
    gender          INTEGER,
    status          INTEGER NOT NULL,
    avatar          TEXT,
    alias           TEXT,
    telephone       TEXT,
    address         TEXT,
    direct_leaders  TEXT    NOT NULL DEFAULT '[]',
    extra           TEXT    NOT NULL DEFAULT 'null',
    left_at_ms      BIGINT,
    updated_at_ms   BIGINT  NOT NULL
);

-- No foreign key to org_departments: a member may arrive before their department, and a
-- leaver's memberships outlive departments deleted later.
CREATE TABLE org_memberships (
    userid        TEXT     NOT NULL REFERENCES org_members (userid) ON DELETE CASCADE,
    department_id BIGINT   NOT NULL,
    is_leader     SMALLINT NOT NULL DEFAULT 0 CHECK (is_leader IN (0, 1)),
    sort_order    BIGINT   NOT NULL DEFAULT 0,
    -- Position in the member's department list, to give it back in WeCom's order.
    seq           BIGINT   NOT NULL,
    PRIMARY KEY (userid, department_id)
);
CREATE INDEX org_memberships_department ON org_memberships (department_id, sort_order);

CREATE TABLE org_tags (
    id            BIGINT PRIMARY KEY,
    name          TEXT   NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE org_tag_members (
    tag_id BIGINT NOT NULL REFERENCES org_tags (id) ON DELETE CASCADE,
    userid TEXT   NOT NULL,
    PRIMARY KEY (tag_id, userid)
);
-- "Which tags is this member in?"
CREATE INDEX org_tag_members_userid ON org_tag_members (userid);

CREATE TABLE org_tag_departments (
    tag_id        BIGINT NOT NULL REFERENCES org_tags (id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL,
    PRIMARY KEY (tag_id, department_id)
);
CREATE INDEX org_tag_departments_department ON org_tag_departments (department_id);
