/*
name: queries/user_media_posts_page
:params {max_id: 9223372036854775807, username: "ann", limit: 20}
*/
// A user's tweets and replies with images, newest first, older than $max_id: their ids (the
// posts are shown through posts_views).
MATCH (:User {username_key: toLower($username)})-[:POSTED]->(p:Post)
WHERE p.id < $max_id AND NOT p:Deleted AND EXISTS { (p)-[:HAS_MEDIA]->(:Media) }
RETURN p.id AS id ORDER BY id DESC LIMIT $limit
