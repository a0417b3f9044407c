/*
name: queries/web_session_delete
:params {digest: "9f86d081884c7d65"}
*/
// Ends one web session (log-out); returns whose it was.
MATCH (s:WebSession {digest: $digest})
OPTIONAL MATCH (u:User)-[:HAS_SESSION]->(s)
DETACH DELETE s
RETURN u.id AS user_id
