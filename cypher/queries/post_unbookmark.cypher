/*
name: queries/post_unbookmark
:params {user_id: 1, id: 1, kind: "Tweet"}
*/
// Takes a bookmark back; nothing happens when there was none.
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
OPTIONAL MATCH (:User {id: $user_id})-[bookmark:BOOKMARKED]->(p)
DELETE bookmark
WITH DISTINCT p
RETURN p.id AS post_id
