/*
name: queries/post_quotes_page
:params {id: 1, max_id: 9223372036854775807, limit: 20, viewer_id: null}
*/
// The posts that quote a post, newest first, older than $max_id: their ids; none by an account
// blocked either way with the viewer.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH (:Post {id: $id})<-[:QUOTES]-(q:Post)
WHERE q.id < $max_id AND NOT q:Deleted
  AND (viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(:User)-[:POSTED]->(q) })
RETURN q.id AS id ORDER BY id DESC LIMIT $limit
