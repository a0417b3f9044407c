/*
name: schema/12_refresh_token_digest_unique
:params {}
*/
// API refresh tokens, stored by the SHA-256 digest of the token only (graph/refresh_tokens.py).
CREATE CONSTRAINT refresh_token_digest_unique IF NOT EXISTS
FOR (t:RefreshToken) REQUIRE t.digest IS UNIQUE
