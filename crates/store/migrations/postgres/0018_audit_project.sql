-- The project an audit row is about, so 管理 → 审计日志 can filter one project's history
-- (its ledger, tasks and approvals) on an index. Identical in both trees.
--
-- Nullable and never backfilled: rewriting old rows would break the hash chain (rule 4 in
-- ../README.md). The hash covers the column only when it is set, so rows written before
-- it existed still verify; the store's project filter also matches those older rows whose
-- target is the project itself.

ALTER TABLE audit_log ADD COLUMN project_id BIGINT;
CREATE INDEX audit_log_project ON audit_log (project_id, id);
