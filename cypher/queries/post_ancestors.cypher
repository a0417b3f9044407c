/*
name: queries/post_ancestors
:params {id: 1, viewer_id: null}
*/
// The ids of the posts a reply answers, from the top of the thread down to its parent; none by
// an account blocked either way with the viewer.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH path = (:Post {id: $id})-[:REPLY_TO*1..]->(p:Post)
WHERE viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(:User)-[:POSTED]->(p) }
RETURN p.id AS id ORDER BY length(path) DESC
