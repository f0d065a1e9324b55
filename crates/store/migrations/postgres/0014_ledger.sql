-- The project ledger (项目台账): the fields a company records about each project.
-- Kept in step with the other backend's 0014_ledger.sql; only the float type differs.
-- Amounts are fen (分); days count from 1970-01-01 in China time, as tasks do.

ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN client TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN contract_fen BIGINT;
ALTER TABLE projects ADD COLUMN budget_fen BIGINT;
ALTER TABLE projects ADD COLUMN contract_status TEXT NOT NULL DEFAULT 'negotiating';
ALTER TABLE projects ADD COLUMN planned_start INTEGER;
ALTER TABLE projects ADD COLUMN planned_finish INTEGER;
ALTER TABLE projects ADD COLUMN actual_start INTEGER;
ALTER TABLE projects ADD COLUMN actual_finish INTEGER;
-- Bumped by every ledger edit, so two people editing at once cannot overwrite each other.
ALTER TABLE projects ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX projects_status ON projects (status);

CREATE TABLE project_tags (
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    tag        TEXT   NOT NULL,
    PRIMARY KEY (project_id, tag)
);
CREATE INDEX project_tags_tag ON project_tags (tag);
