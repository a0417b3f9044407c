// Deletes an account and what it wrote. Posts that others replied to stay as tombstones,
// so their threads stay readable; the rest go, with their edit history.
MATCH (u:User {id: $id})
OPTIONAL MATCH (u)-[:POSTED]->(post)
WITH u, collect(post) AS posts
CALL (posts) {
  UNWIND posts AS post
  OPTIONAL MATCH (post)-[:REVISION]->(revision:Revision)
  WITH post, collect(revision) AS revisions,
       EXISTS { (post)<-[:REPLY_TO]-() } AS answered
  FOREACH (r IN revisions | DETACH DELETE r)
  FOREACH (_ IN CASE WHEN answered THEN [1] ELSE [] END |
    SET post:Deleted, post.text = null, post.deleted_at = timestamp() / 1000.0)
  WITH post, answered WHERE NOT answered
  DETACH DELETE post
}
WITH u, [p IN posts | p.id] AS post_ids
DETACH DELETE u
RETURN post_ids
