-- Files in the file store that the code has to account for: an upload stays unkept until
-- a check-in, comment or approval uses it, and is deleted (row and object) when nothing
-- has within `files.unused_upload_hours`; a kept file is never deleted by the sweep.
-- Files stored before this table existed have no row and are kept. Identical in both trees.

CREATE TABLE stored_files (
    -- The file store key (`photos/ab/ab12…`).
    object_key    TEXT   PRIMARY KEY,
    -- Last time it was uploaded while unkept (a new upload restarts the clock).
    uploaded_at_ms BIGINT NOT NULL,
    -- When something first kept it; NULL while it is an unused upload.
    kept_at_ms    BIGINT
);

CREATE INDEX stored_files_unkept ON stored_files (uploaded_at_ms) WHERE kept_at_ms IS NULL;
