/*
name: queries/web_session_user
:params {digest: "9f86d081884c7d65", now: 1764201600.0}
*/
// The signed-in user of a live web session: their own profile (as user_me shows it) and id.
MATCH (s:WebSession {digest: $digest})<-[:HAS_SESSION]-(u:User)
WHERE s.expires_at > $now
RETURN u.id AS id, u {
  id: toString(u.id), .username, .display_name, .bio, .location, .website, .created_at, .email, .roles,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  following_count: COUNT { (u)-[:FOLLOWS]->() },
  tweet_count: COUNT { (u)-[:POSTED]->(t:Tweet) },
  followed_by_me: false
} AS user
