/*
name: queries/post_like
:params {user_id: 1, id: 1, kind: "Tweet", now: 1764201600.0, like_id: 2}
*/
// Likes a post, once. Writing to the post first locks it, so two concurrent likes by one user
// cannot both create the relationship (MERGE alone does not lock). A like's id orders the
// author's notifications. No row for a missing or deleted post, or one whose author and the
// user are blocked either way.
// `notify_ids`: who is to be told at once (the author, unless it is the user or mutes them).
MATCH (u:User {id: $user_id})
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
  AND NOT EXISTS { (u)-[:BLOCKS]-(:User)-[:POSTED]->(p) }
SET p._lock = true
REMOVE p._lock
MERGE (u)-[like:LIKES]->(p)
  ON CREATE SET like.at = $now, like.id = $like_id
RETURN COUNT { (p)<-[:LIKES]-() } AS like_count, like.id = $like_id AS created,
       [(a:User)-[:POSTED]->(p) WHERE a <> u AND NOT EXISTS { (a)-[:MUTES]->(u) } | a.id]
         AS notify_ids
