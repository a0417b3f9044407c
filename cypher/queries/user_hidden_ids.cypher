/*
name: queries/user_hidden_ids
:params {user_id: 1}
*/
// The accounts hidden from a user everywhere: those they block and those that block them
// (copied in Redis for warm pages, which show no post of theirs, nor quote or repost).
MATCH (:User {id: $user_id})-[:BLOCKS]-(x:User)
RETURN collect(DISTINCT x.id) AS ids
