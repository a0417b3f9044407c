/*
name: queries/fanout_recipients
:params {author_id: 1, active_since: 1763596800.0, parent_author_id: 2}
*/
// Active followers of an author who should get the post in their feed (streamed to the job in
// batches). For a reply, only those who follow, or are, the author it answers. Not those who
// mute the author (a block has ended the follow).
MATCH (author:User {id: $author_id})<-[:FOLLOWS]-(f:User)
WHERE f.last_seen_at >= $active_since
  AND NOT EXISTS { (f)-[:MUTES]->(author) }
  AND ($parent_author_id IS NULL
       OR f.id = $parent_author_id
       OR EXISTS { (f)-[:FOLLOWS]->(:User {id: $parent_author_id}) })
RETURN f.id AS id
