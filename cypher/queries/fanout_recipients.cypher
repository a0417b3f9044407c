/*
name: queries/fanout_recipients
:params {batch: 1000, author_id: 1, active_since: 1763596800.0, parent_author_id: 2}
*/
// Active followers of an author who should get the post in their feed (to the job in
// batches). For a reply, only those who follow, or are, the author it answers. Not those who
// mute the author (a block has ended the follow).
// Those who mute the author are read once, not looked for from each follower.
MATCH (author:User {id: $author_id})
WITH author, COLLECT { MATCH (m:User)-[:MUTES]->(author) RETURN m.id } AS muters
MATCH (author)<-[:FOLLOWS]-(f:User)
WHERE f.last_seen_at >= $active_since
  AND NOT f.id IN muters
  AND ($parent_author_id IS NULL
       OR f.id = $parent_author_id
       OR EXISTS { (f)-[:FOLLOWS]->(:User {id: $parent_author_id}) })
// In lists of $batch ids: ten rows for ten thousand followers, not ten thousand rows.
WITH collect(f.id) AS ids
UNWIND range(0, size(ids) - 1, $batch) AS start
RETURN ids[start..start + $batch] AS ids
