/*
name: queries/user_likes_page
:params {user_id: 1, max_id: 9223372036854775807, limit: 20}
*/
// The posts a user liked, most recently liked first, below $max_id (a like's id; likes made
// before they had ids use their time's): the like ids and the posts' ids. Posts by accounts
// blocked either way are left out.
MATCH (me:User {id: $user_id})-[like:LIKES]->(p:Post)<-[:POSTED]-(author:User)
WITH me, p, author,
     coalesce(like.id, toInteger(like.at * 1000 - 1704067200000) * 4194304) AS id
WHERE id < $max_id AND NOT p:Deleted
  AND NOT EXISTS { (me)-[:BLOCKS]-(author) }
RETURN id, p.id AS post_id
ORDER BY id DESC
LIMIT $limit
