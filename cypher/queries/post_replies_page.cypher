/*
name: queries/post_replies_page
:params {id: 1, after_id: 0, limit: 20, viewer_id: null}
*/
// The direct replies to a post, oldest first, after the cursor's id: their ids, tombstones
// included (the posts are shown through posts_views); none by an account blocked either way
// with the viewer.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH (:Post {id: $id})<-[:REPLY_TO]-(p:Reply)
WHERE p.id > $after_id
  AND (viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(:User)-[:POSTED]->(p) })
RETURN p.id AS id ORDER BY id ASC LIMIT $limit
