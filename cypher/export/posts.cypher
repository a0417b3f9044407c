/*
name: export/posts
:params {after: -1, batch: 5000}
*/
// `flock export`, one page of posts in id order: ids, author, time, and what it answers or
// quotes; not their text, and none deleted.
MATCH (p:Post)
WHERE p.id > $after AND NOT p:Deleted
WITH p
ORDER BY p.id
LIMIT $batch
OPTIONAL MATCH (author:User)-[:POSTED]->(p)
OPTIONAL MATCH (p)-[:REPLY_TO]->(parent:Post)
OPTIONAL MATCH (p)-[:QUOTES]->(quoted:Post)
RETURN p.id AS id, [[p.id, author.id, p.created_at, parent.id, quoted.id]] AS rows
