/*
name: queries/web_session_create
:params {user_id: 1, digest: "9f86d081884c7d65", expires_at: 1766793600.0, now: 1764201600.0}
*/
// Starts a web session for the user (by its token's digest only) and drops their expired ones.
// Returns nothing when the account is gone.
MATCH (u:User {id: $user_id})
CREATE (u)-[:HAS_SESSION]->(:WebSession {digest: $digest, expires_at: $expires_at, created_at: $now})
WITH u
CALL (u) {
  MATCH (u)-[:HAS_SESSION]->(old:WebSession)
  WHERE old.expires_at < $now
  DETACH DELETE old
}
RETURN u.id AS user_id
