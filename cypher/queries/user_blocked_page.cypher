/*
name: queries/user_blocked_page
:params {user_id: 1, after_at: null, after_id: 0, limit: 20}
*/
// The accounts a user blocks, most recent first, after the cursor (blocked-at time, user id).
MATCH (:User {id: $user_id})-[block:BLOCKS]->(x:User)
WHERE $after_at IS NULL OR block.at < $after_at OR (block.at = $after_at AND x.id < $after_id)
RETURN x.id AS id, block.at AS at, x.id AS sort_id
ORDER BY at DESC, sort_id DESC LIMIT $limit
