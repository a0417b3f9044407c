/*
name: queries/post_bookmark
:params {user_id: 1, id: 1, kind: "Tweet", bookmark_id: 2, now: 1764201600.0}
*/
// Bookmarks a post, once (private: only its owner lists it). Writing to the post first locks
// it, so concurrent bookmarks by one user cannot both create the relationship.
MATCH (u:User {id: $user_id})
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
  AND NOT EXISTS { (u)-[:BLOCKS]-(:User)-[:POSTED]->(p) }
SET p._lock = true
REMOVE p._lock
MERGE (u)-[bookmark:BOOKMARKED]->(p)
  ON CREATE SET bookmark.id = $bookmark_id, bookmark.at = $now
RETURN bookmark.id AS bookmark_id
