/*
name: queries/post_unrepost
:params {user_id: 1, id: 1, kind: "Tweet"}
*/
// Takes a repost back ($id: the post or the repost); nothing happens when there was none.
// Returns the removed repost's id (null when there was none) for taking it out of feeds.
CALL () {
  MATCH (p:Post {id: $id})
  RETURN p
  UNION
  MATCH ()-[:REPOSTED {id: $id}]->(p:Post)
  RETURN p
}
WITH p
WHERE $kind IN labels(p) AND NOT p:Deleted
OPTIONAL MATCH (:User {id: $user_id})-[repost:REPOSTED]->(p)
WITH p, repost, repost.id AS repost_id
DELETE repost
WITH DISTINCT p, repost_id
RETURN p.id AS post_id, repost_id, COUNT { (p)<-[:REPOSTED]-() } AS repost_count
