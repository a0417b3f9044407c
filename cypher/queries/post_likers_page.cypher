/*
name: queries/post_likers_page
:params {id: 1, after_at: null, after_id: 0, limit: 20, viewer_id: 1}
*/
// Who liked a post, most recent first, after the cursor (liked-at time, user id).
// Accounts blocked either way with the viewer are left out; graph/user_views.py shows them.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH (p:Post {id: $id})<-[like:LIKES]-(x:User)
WHERE (viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(x) })
  AND ($after_at IS NULL OR like.at < $after_at OR (like.at = $after_at AND x.id < $after_id))
WITH x, like ORDER BY like.at DESC, x.id DESC LIMIT $limit
RETURN x.id AS id, like.at AS at, x.id AS sort_id
