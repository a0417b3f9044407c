/*
name: queries/user_muted_page
:params {user_id: 1, after_at: null, after_id: 0, limit: 20}
*/
// The accounts a user mutes, most recent first, after the cursor (muted-at time, user id).
MATCH (me:User {id: $user_id})-[mute:MUTES]->(x:User)
WHERE $after_at IS NULL OR mute.at < $after_at OR (mute.at = $after_at AND x.id < $after_id)
RETURN x {
  id: toString(x.id), .username, .display_name, .bio,
  followed_by_me: EXISTS { (me)-[:FOLLOWS]->(x) }
} AS user, mute.at AS at, x.id AS sort_id
ORDER BY at DESC, sort_id DESC LIMIT $limit
