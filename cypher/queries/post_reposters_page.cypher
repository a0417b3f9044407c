/*
name: queries/post_reposters_page
:params {id: 1, after_at: null, after_id: 0, limit: 20, viewer_id: 1}
*/
// Who reposted a post, most recent first, after the cursor (reposted-at time, user id).
// Accounts blocked either way with the viewer are left out; graph/user_views.py shows them.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH (p:Post {id: $id})<-[repost:REPOSTED]-(x:User)
WHERE (viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(x) })
  AND ($after_at IS NULL OR repost.at < $after_at OR (repost.at = $after_at AND x.id < $after_id))
WITH x, repost ORDER BY repost.at DESC, x.id DESC LIMIT $limit
RETURN x.id AS id, repost.at AS at, x.id AS sort_id
