-- What the housekeeping sweeps look for, indexed so a tick reads only what is due.
-- Kept identical for both backends.

-- When an instance's next reminder or escalation falls due (NULL: none pending).
ALTER TABLE approval_instances ADD COLUMN next_timeout_at_ms BIGINT;
CREATE INDEX approval_instances_next_timeout ON approval_instances (next_timeout_at_ms);

-- Leavers to follow up.
CREATE INDEX org_members_left ON org_members (left_at_ms);
