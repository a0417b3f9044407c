/*
name: queries/post_ancestors
:params {id: 1}
*/
// The ids of the posts a reply answers, from the top of the thread down to its parent.
MATCH path = (:Post {id: $id})-[:REPLY_TO*1..]->(p:Post)
RETURN p.id AS id ORDER BY length(path) DESC
