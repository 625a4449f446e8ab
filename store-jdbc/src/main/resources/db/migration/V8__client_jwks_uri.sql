-- Where a private_key_jwt client serves its JWK set (RFC 7591 §2 jwks_uri), when it registered a
-- URL instead of the set itself; jwks then holds the set that URL served at registration. An
-- instance of the previous version, which knows no jwks_uri, keeps authenticating such a client
-- with that set while a rolling upgrade runs.
ALTER TABLE client_keys ADD COLUMN jwks_uri TEXT;
