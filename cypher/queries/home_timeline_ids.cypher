/*
name: queries/home_timeline_ids
:params {viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20}
*/
// The ids of a home timeline, newest first, to (re)build its Redis feed. Same rules as
// home_timeline, without the hydration.
MATCH (viewer:User {id: $viewer_id})
CALL (viewer) {
  MATCH (viewer)-[:POSTED]->(p:Post)
  RETURN p
  UNION
  MATCH (viewer)-[:FOLLOWS]->(:User)-[:POSTED]->(p:Post)
  RETURN p
}
WITH viewer, p
WHERE p.id < $max_id AND p.id > $since_id
  AND (p:Tweet
       OR p.parent_author_id = viewer.id
       OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
RETURN p.id AS id ORDER BY id DESC LIMIT $limit
