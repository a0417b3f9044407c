/*
name: queries/post_like
:params {user_id: 1, id: 1, kind: "Tweet", now: 1764201600.0}
*/
// Likes a post, once. Writing to the post first locks it, so two concurrent likes by one user
// cannot both create the relationship (MERGE alone does not lock).
MATCH (u:User {id: $user_id})
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
SET p._lock = true
REMOVE p._lock
MERGE (u)-[like:LIKES]->(p)
  ON CREATE SET like.at = $now
RETURN COUNT { (p)<-[:LIKES]-() } AS like_count
