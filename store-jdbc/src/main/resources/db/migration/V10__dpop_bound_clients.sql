-- RFC 9449 §5.2 dpop_bound_access_tokens: a client that gets tokens only with a DPoP proof
-- (1) or also without (0, every client registered before).
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0;
