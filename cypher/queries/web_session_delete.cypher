/*
name: queries/web_session_delete
:params {digest: "9f86d081884c7d65"}
*/
// Ends one web session (log-out).
MATCH (s:WebSession {digest: $digest})
DETACH DELETE s
