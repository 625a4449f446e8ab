-- The change log is read in the order of a gapless sequence, not by its writers' clocks (an
-- instance whose clock ran ahead wrote entries the others read too late, or never). A
-- transaction that appends takes the next number from change_log_sequence, whose one row it then
-- holds locked until it commits, so numbers commit in order: an instance that has applied entry n
-- knows that n + 1 is the next to come, and that it was missed if it is gone.
DROP TABLE change_log;
CREATE TABLE change_log (
    seq        BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    expires_at BIGINT
);
CREATE TABLE change_log_sequence (
    last_seq BIGINT NOT NULL
);
INSERT INTO change_log_sequence (last_seq) VALUES (0);

-- Memory keeps a revoked family for one access-token lifetime after its revocation (its refresh
-- tokens are checked in the store): start-up reads those by revoked_at.
CREATE INDEX revoked_families_by_revocation ON revoked_families (revoked_at);
