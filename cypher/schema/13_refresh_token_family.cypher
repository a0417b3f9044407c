/*
name: schema/13_refresh_token_family
:params {}
*/
// A refresh token's family (one log-in and its rotations), revoked all at once.
CREATE INDEX refresh_token_family IF NOT EXISTS FOR (t:RefreshToken) ON (t.family)
