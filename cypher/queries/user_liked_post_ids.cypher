/*
name: queries/user_liked_post_ids
:params {floor: 0, limit: 20, user_id: 1}
*/
// The posts a user liked with ids from $floor up, newest first, at most $limit (for the Redis
// copy of their likes, which tells liked_by_me on warm pages).
MATCH (:User {id: $user_id})-[:LIKES]->(p:Post)
WHERE p.id >= $floor
RETURN p.id AS id
ORDER BY id DESC
LIMIT $limit
