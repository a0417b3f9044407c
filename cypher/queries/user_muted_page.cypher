/*
name: queries/user_muted_page
:params {user_id: 1, after_at: null, after_id: 0, limit: 20}
*/
// The accounts a user mutes, most recent first, after the cursor (muted-at time, user id).
MATCH (:User {id: $user_id})-[mute:MUTES]->(x:User)
WHERE $after_at IS NULL OR mute.at < $after_at OR (mute.at = $after_at AND x.id < $after_id)
RETURN x.id AS id, mute.at AS at, x.id AS sort_id
ORDER BY at DESC, sort_id DESC LIMIT $limit
