/*
name: queries/user_posts_page
:params {kind: "Tweet", max_id: 9223372036854775807, username: "ann", limit: 20}
*/
// A user's tweets or replies ($kind), newest first, older than $max_id: their ids (the posts
// are shown through posts_views).
MATCH (:User {username_key: toLower($username)})-[:POSTED]->(p:Post)
WHERE p.id < $max_id AND $kind IN labels(p)
RETURN p.id AS id ORDER BY id DESC LIMIT $limit
