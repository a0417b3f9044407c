/*
name: queries/reply_create
:params {parent_kind: "Tweet", author_id: 1, parent_id: 1, id: 1, text: "hello #flock @bob", now: 1764201600.0, hashtags: ["flock"], mentions: ["bob"], media_ids: [], client_key: null}
*/
// Replies to a tweet or a reply ($parent_kind: "Tweet" or "Reply"); threads nest.
// root_id is the tweet at the top of the thread; parent_author_id decides whose home
// timelines show the reply (those who follow, or are, the author it answers). No row when the
// parent is missing or deleted, or its author and the replier are blocked either way; nobody
// blocked either way with the author is mentioned. $client_key: the request's Idempotency-Key
// (null when none).
MATCH (author:User {id: $author_id})
MATCH (parent:Post {id: $parent_id})
WHERE $parent_kind IN labels(parent) AND NOT parent:Deleted
  AND NOT EXISTS { (author)-[:BLOCKS]-(:User)-[:POSTED]->(parent) }
CREATE (author)-[:POSTED]->(p:Post:Reply {
  id: $id, text: $text, created_at: $now, client_key: $client_key, root_id: coalesce(parent.root_id, parent.id),
  parent_author_id: [(pa:User)-[:POSTED]->(parent) | pa.id][0]
})-[:REPLY_TO]->(parent)
WITH p, author
CALL (p) {
  UNWIND $hashtags AS tag
  MERGE (h:Hashtag {name: tag})
  CREATE (p)-[:TAGGED]->(h)
}
CALL (p, author) {
  UNWIND $mentions AS name
  MATCH (m:User {username_key: name})
  WHERE NOT EXISTS { (author)-[:BLOCKS]-(m) }
  CREATE (p)-[:MENTIONS]->(m)
}
CALL (p, author) {
  UNWIND range(0, size($media_ids) - 1) AS position
  MATCH (author)-[:UPLOADED]->(m:Media {id: $media_ids[position]})
  CREATE (p)-[:HAS_MEDIA {position: position}]->(m)
}
RETURN p.id AS id,
       // who is to be told at once: those it mentions, answers or quotes, but not the author
       // nor anyone who mutes them
       [(p)-[:MENTIONS|REPLY_TO|QUOTES]->(:Post|User)<-[:POSTED*0..1]-(x:User)
        WHERE x <> author AND NOT EXISTS { (x)-[:MUTES]->(author) } | x.id] AS notify_ids
