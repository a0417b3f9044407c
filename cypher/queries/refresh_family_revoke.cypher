/*
name: queries/refresh_family_revoke
:params {family: "family-1", digest: "9f86d081884c7d65"}
*/
// Revokes every refresh token of the family of the token with this digest, or of $family.
OPTIONAL MATCH (given:RefreshToken {digest: $digest})
WITH coalesce(given.family, $family) AS family
MATCH (t:RefreshToken {family: family})
SET t.revoked = true
RETURN count(t) AS revoked
