-- Live org changes (contact events, logins) are numbered from one counter and the last
-- number per entity is kept, so a full sync, which reads WeCom over seconds to minutes,
-- can skip anything changed after it began instead of writing older data over it.
-- Kept identical for both backends.
CREATE TABLE org_change_seq (
    id    SMALLINT PRIMARY KEY CHECK (id = 1),
    value BIGINT   NOT NULL
);
INSERT INTO org_change_seq (id, value) VALUES (1, 0);

CREATE TABLE org_touches (
    entity        TEXT   NOT NULL,
    entity_key    TEXT   NOT NULL,
    seq           BIGINT NOT NULL,
    touched_at_ms BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_key)
);
CREATE INDEX org_touches_seq ON org_touches (entity, seq);
