/*
name: queries/fanout_repost_recipients
:params {batch: 1000, reposter_id: 1, post_id: 2, active_since: 1763596800.0}
*/
// Active followers of a reposter, who get the repost in their feed unless the post is already
// there (to the job in batches). Not those who mute the reposter or the post's author,
// nor those blocked either way with its author.
MATCH (reposter:User {id: $reposter_id})<-[:FOLLOWS]-(f:User)
MATCH (author:User)-[:POSTED]->(:Post {id: $post_id})
WHERE f.last_seen_at >= $active_since
  AND NOT EXISTS { (f)-[:MUTES]->(reposter) }
  AND NOT EXISTS { (f)-[:MUTES|BLOCKS]->(author) }
  AND NOT EXISTS { (f)<-[:BLOCKS]-(author) }
// In lists of $batch ids: ten rows for ten thousand followers, not ten thousand rows.
WITH collect(f.id) AS ids
UNWIND range(0, size(ids) - 1, $batch) AS start
RETURN ids[start..start + $batch] AS ids
