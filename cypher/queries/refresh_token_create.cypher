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
