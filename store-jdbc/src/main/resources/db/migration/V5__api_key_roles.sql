-- What an admin API key may do: 'admin' (everything) or 'verifier' (read what verifying tokens
-- takes). Every key stored before roles existed could do everything, so it stays an admin key.
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
