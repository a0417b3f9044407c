/*
name: queries/user_delete
:params {id: 1, now: 1764201600.0}
*/
// Deletes an account with everything it wrote, liked, reposted, bookmarked and followed. Its posts go the way
// post_delete takes them: tombstones where others replied, gone entirely otherwise. Its
// uploaded images go too (a task deletes their stored bytes), its refresh tokens and web sessions. Returns
// the ids the after-effects need, read before anything they depend on is deleted.
MATCH (u:User {id: $id})
OPTIONAL MATCH (u)-[:POSTED]->(post:Post)
WITH u, collect(post) AS posts
WITH u, posts, [p IN posts | p.id] AS post_ids,
     // what else changes: counts on posts it liked or answered, and on accounts it followed
     [(u)-[:LIKES|REPOSTED]->(marked:Post) | marked.id] +
       [(u)-[:POSTED]->(:Reply)-[:REPLY_TO]->(parent:Post) | parent.id] +
       [(u)-[:POSTED]->(:Post)-[:QUOTES]->(quoted:Post) | quoted.id] AS touched_post_ids,
     // its reposts leave the feeds they reached
     [(u)-[repost:REPOSTED]->(reposted:Post) | [repost.id, reposted.id]] AS reposts,
     [(u)-[:FOLLOWS]->(followed:User) | followed.id] AS followed_ids,
     // read before the follows go: whose feeds hold its posts
     [(u)<-[:FOLLOWS]-(follower:User) | follower.id] AS follower_ids,
     [(u)-[:UPLOADED]->(image:Media) | image.id] AS media_ids
CALL (u) {
  MATCH (u)-[:UPLOADED]->(image:Media)
  DETACH DELETE image
}
CALL (u) {
  MATCH (u)-[:HAS_REFRESH_TOKEN]->(token:RefreshToken)
  DETACH DELETE token
}
CALL (u) {
  MATCH (u)-[:HAS_SESSION]->(web_session:WebSession)
  DETACH DELETE web_session
}
CALL (u) {
  MATCH (u)-[:AUTHORIZED|GRANTED_CODE]->(grant:Authorization|OAuthCode)
  DETACH DELETE grant
}
CALL (posts) {
  UNWIND posts AS p
  OPTIONAL MATCH (p)-[:REVISION]->(revision:Revision)
  DETACH DELETE revision
  WITH DISTINCT p
  OPTIONAL MATCH (p)-[rel:LIKES|TAGGED|MENTIONS|POSTED|REPOSTED|BOOKMARKED|QUOTES]-()
  DELETE rel
  WITH DISTINCT p
  SET p:Deleted, p.text = null, p.deleted_at = $now
  WITH p
  WHERE NOT EXISTS { (p)<-[:REPLY_TO]-() }
  DETACH DELETE p
}
DETACH DELETE u
RETURN post_ids, touched_post_ids, reposts, followed_ids, follower_ids, media_ids
