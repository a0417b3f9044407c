/*
name: queries/user_followers_page
:params {username: "ann", after_at: null, after_id: 0, limit: 20, viewer_id: 1}
*/
// Who follows a user, newest first, after the cursor (followed-at time, user id).
// Accounts blocked either way with the viewer are left out; graph/user_views.py shows them.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
MATCH (:User {username_key: toLower($username)})<-[follow:FOLLOWS]-(x:User)
WHERE (viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(x) })
  AND ($after_at IS NULL OR follow.at < $after_at OR (follow.at = $after_at AND x.id < $after_id))
WITH x, follow ORDER BY follow.at DESC, x.id DESC LIMIT $limit
RETURN x.id AS id, follow.at AS at, x.id AS sort_id
