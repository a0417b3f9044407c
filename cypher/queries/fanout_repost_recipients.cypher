/*
name: queries/fanout_repost_recipients
:params {reposter_id: 1, active_since: 1763596800.0}
*/
// Active followers of a reposter, who get the repost in their feed unless the post is already
// there (streamed to the job in batches).
MATCH (:User {id: $reposter_id})<-[:FOLLOWS]-(f:User)
WHERE f.last_seen_at >= $active_since
RETURN f.id AS id
