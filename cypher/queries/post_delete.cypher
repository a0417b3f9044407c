/*
name: queries/post_delete
:params {id: 1, now: 1764201600.0}
*/
// Deletes a post. One that has replies stays as a :Deleted tombstone without text, author,
// likes, reposts, bookmarks, images or history, so its thread stays readable; the rest is
// removed entirely. Posts that quote it keep its id (`quote_id`) and show it as unavailable.
// Returns the ids of the removed images, whose stored bytes a job then deletes.
MATCH (p:Post {id: $id})
OPTIONAL MATCH (p)-[:HAS_MEDIA]->(image:Media)
WITH p, collect(image) AS images
WITH p, images, [m IN images | m.id] AS media_ids
FOREACH (m IN images | DETACH DELETE m)
WITH p, media_ids
CALL (p) {
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
RETURN media_ids
