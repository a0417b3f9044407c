/*
name: queries/user_sessions_end_all
:params {user_id: 1, now: 1764201600.0}
*/
// "Log out everywhere": every web session of the user ends, every refresh-token family stops
// working, every app the user authorized loses its authorization, and every access token
// issued before $now is refused (graph/revocation.py).
// Returns how many sessions and refresh tokens ended.
MATCH (u:User {id: $user_id})
SET u.tokens_valid_after = $now
WITH u
CALL (u) {
  OPTIONAL MATCH (u)-[:HAS_SESSION]->(s:WebSession)
  DETACH DELETE s
  RETURN count(s) AS sessions
}
CALL (u) {
  OPTIONAL MATCH (u)-[:HAS_REFRESH_TOKEN]->(t:RefreshToken)
  SET t.revoked = true
  RETURN count(t) AS tokens
}
CALL (u) {
  OPTIONAL MATCH (u)-[:AUTHORIZED]->(z:Authorization)
  SET z.revoked = true
  RETURN count(z) AS apps
}
RETURN sessions, tokens
