/*
name: schema/21_oauth_code_digest_unique
:params {}
*/
// Authorization codes are found by their digest when an app spends one.
CREATE CONSTRAINT oauth_code_digest_unique IF NOT EXISTS FOR (c:OAuthCode) REQUIRE c.digest IS UNIQUE
