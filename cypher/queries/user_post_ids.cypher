/*
name: queries/user_post_ids
:params {id: 1}
*/
// Every post id of a user (to take them out of feeds and caches when the account goes).
MATCH (:User {id: $id})-[:POSTED]->(p:Post)
RETURN collect(p.id) AS ids
