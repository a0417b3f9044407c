/*
name: queries/oauth_code_family
:params {digest: "9f86d081884c7d65", family: "family-1"}
*/
// Notes the log-in (token family) a spent authorization code gave, to revoke it if the code is
// presented again.
MATCH (c:OAuthCode {digest: $digest})
SET c.family = $family
RETURN c.family AS family
