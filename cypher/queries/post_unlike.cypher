/*
name: queries/post_unlike
:params {id: 1, kind: "Tweet", user_id: 1}
*/
// Takes a like back; nothing happens when there was none.
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
OPTIONAL MATCH (:User {id: $user_id})-[like:LIKES]->(p)
DELETE like
WITH DISTINCT p
RETURN COUNT { (p)<-[:LIKES]-() } AS like_count
