/*
name: queries/refresh_family_revoke
:params {family: "family-1", digest: "9f86d081884c7d65"}
*/
// Revokes every refresh token of the family of the token with this digest, or of $family.
OPTIONAL MATCH (given:RefreshToken {digest: $digest})
WITH coalesce(given.family, $family) AS family
MATCH (u:User)-[:HAS_REFRESH_TOKEN]->(t:RefreshToken {family: family})
SET t.revoked = true
RETURN family, u.id AS user_id, count(t) AS revoked
