/*
name: queries/user_liked_among
:params {user_id: 1, ids: [1, 2]}
*/
// Which of these posts the user liked (for a page the cached liked set does not cover).
MATCH (:User {id: $user_id})-[:LIKES]->(p:Post)
WHERE p.id IN $ids
RETURN p.id AS id
