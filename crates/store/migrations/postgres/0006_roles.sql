-- System roles granted inside Gantry (admins from configuration are not stored here).
CREATE TABLE system_roles (
    userid        TEXT NOT NULL,
    role          TEXT NOT NULL,
    granted_by    TEXT NOT NULL,
    granted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (userid, role)
);
