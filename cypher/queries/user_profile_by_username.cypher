/*
name: queries/user_profile_by_username
:params {username: "ann", viewer_id: 1}
*/
// A profile as anyone sees it, with counts and whether the viewer follows or mutes them;
// none when the viewer and they are blocked either way.
MATCH (u:User {username_key: toLower($username)})
OPTIONAL MATCH (viewer:User {id: $viewer_id})
WITH u, viewer
WHERE viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(u) }
RETURN u {
  id: toString(u.id), .username, .display_name, .bio, .location, .website, .created_at,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  following_count: COUNT { (u)-[:FOLLOWS]->() },
  tweet_count: COUNT { (u)-[:POSTED]->(t:Tweet) },
  followed_by_me: viewer IS NOT NULL AND EXISTS { (viewer)-[:FOLLOWS]->(u) },
  muted_by_me: viewer IS NOT NULL AND EXISTS { (viewer)-[:MUTES]->(u) }
} AS user
