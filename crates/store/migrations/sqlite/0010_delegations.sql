-- Out-of-office delegation: while away, a member's new approval seats go to a delegate.
-- Kept identical for both backends.
CREATE TABLE approval_delegations (
    userid        TEXT   NOT NULL,
    delegate      TEXT   NOT NULL,
    from_ms       BIGINT NOT NULL,
    until_ms      BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (userid, from_ms),
    CHECK (from_ms < until_ms),
    CHECK (userid <> delegate)
);
