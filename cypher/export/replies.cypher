/*
name: export/replies
:params {after: -1, batch: 5000}
*/
// `flock export`, the replies among one page of posts: which post answers which, between which
// accounts, when.
MATCH (p:Post)
WHERE p.id > $after AND NOT p:Deleted
WITH p
ORDER BY p.id
LIMIT $batch
RETURN p.id AS id,
       [(author:User)-[:POSTED]->(p)-[:REPLY_TO]->(parent:Post)<-[:POSTED]-(to:User)
        WHERE NOT parent:Deleted |
        [p.id, parent.id, author.id, to.id, p.created_at]] AS rows
