/*
name: queries/refresh_token_create
:params {user_id: 1, digest: "9f86d081884c7d65", family: "family-1", expires_at: 1766793600.0, now: 1764201600.0}
*/
// Stores a new refresh token of a family (by its digest only) and drops the user's expired
// ones. Returns nothing when the account is gone.
MATCH (u:User {id: $user_id})
CREATE (u)-[:HAS_REFRESH_TOKEN]->(:RefreshToken {
  digest: $digest, family: $family, expires_at: $expires_at, created_at: $now
})
WITH u
CALL (u) {
  MATCH (u)-[:HAS_REFRESH_TOKEN]->(old:RefreshToken)
  WHERE old.expires_at < $now
  DETACH DELETE old
}
RETURN u.id AS user_id
