/*
name: queries/web_session_user
:params {digest: "9f86d081884c7d65", now: 1764201600.0}
*/
// The signed-in user of a live web session (graph/user_views.py shows their own profile).
MATCH (s:WebSession {digest: $digest})<-[:HAS_SESSION]-(u:User)
WHERE s.expires_at > $now
RETURN u.id AS id
