/*
name: queries/post_history
:params {id: 1, kind: "Tweet"}
*/
// A post and its earlier texts, newest first.
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p) AND NOT p:Deleted
OPTIONAL MATCH (p)-[:REVISION]->(revision:Revision)
WITH p, revision ORDER BY revision.replaced_at DESC
RETURN toString(p.id) AS id, p.text AS text, p.created_at AS created_at, p.edited_at AS edited_at,
       [r IN collect(revision) | r {.text, .written_at, .replaced_at}] AS revisions
