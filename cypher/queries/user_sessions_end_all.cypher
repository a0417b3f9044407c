/*
name: queries/user_sessions_end_all
:params {user_id: 1}
*/
// "Log out everywhere": every web session of the user ends and every refresh-token family
// stops working. Returns how many of each.
MATCH (u:User {id: $user_id})
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
RETURN sessions, tokens
