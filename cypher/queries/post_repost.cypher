/*
name: queries/post_repost
:params {user_id: 1, id: 1, kind: "Tweet", repost_id: 2, now: 1764201600.0}
*/
// Reposts a post, once per user; $id may also be a repost's id, which reposts its original.
// Writing to the post first locks it, so concurrent reposts by one user cannot both create the
// relationship, and the count stays exact. No row for a missing or deleted post, or one whose
// author and the user are blocked either way.
// `notify_ids`: who is to be told at once (the author, unless it is the user or mutes them). Returns the original's id and the repost's own id.
MATCH (u:User {id: $user_id})
CALL () {
  MATCH (p:Post {id: $id})
  RETURN p
  UNION
  MATCH ()-[:REPOSTED {id: $id}]->(p:Post)
  RETURN p
}
WITH u, p
WHERE $kind IN labels(p) AND NOT p:Deleted
  AND NOT EXISTS { (u)-[:BLOCKS]-(:User)-[:POSTED]->(p) }
SET p._lock = true
REMOVE p._lock
MERGE (u)-[repost:REPOSTED]->(p)
  ON CREATE SET repost.id = $repost_id, repost.at = $now
RETURN p.id AS post_id, repost.id AS repost_id, repost.id = $repost_id AS created,
       COUNT { (p)<-[:REPOSTED]-() } AS repost_count,
       [(a:User)-[:POSTED]->(p) WHERE a <> u AND NOT EXISTS { (a)-[:MUTES]->(u) } | a.id]
         AS notify_ids
