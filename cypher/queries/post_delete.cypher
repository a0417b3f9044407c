// Deletes a post. One that has replies stays as a :Deleted tombstone without text, author,
// likes or history, so its thread stays readable; the rest is removed entirely.
MATCH (p:Post {id: $id})
OPTIONAL MATCH (p)-[:REVISION]->(revision:Revision)
DETACH DELETE revision
WITH DISTINCT p
OPTIONAL MATCH (p)-[rel:LIKES|TAGGED|MENTIONS|POSTED]-()
DELETE rel
WITH DISTINCT p
SET p:Deleted, p.text = null, p.deleted_at = $now
WITH p
WHERE NOT EXISTS { (p)<-[:REPLY_TO]-() }
DETACH DELETE p
RETURN count(*) AS removed
