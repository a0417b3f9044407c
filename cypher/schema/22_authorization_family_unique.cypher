/*
name: schema/22_authorization_family_unique
:params {}
*/
// An app's authorization is found by its log-in (token family) on every check of its tokens
// that Redis cannot answer.
CREATE CONSTRAINT authorization_family_unique IF NOT EXISTS FOR (z:Authorization) REQUIRE z.family IS UNIQUE
