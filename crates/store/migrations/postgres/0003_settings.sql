-- Small named values (sync cursors, last sync time), JSON TEXT.
-- Identical in ../sqlite/0003_settings.sql.
CREATE TABLE settings (
    name          TEXT   PRIMARY KEY,
    value         TEXT   NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
