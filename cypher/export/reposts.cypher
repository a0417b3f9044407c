/*
name: export/reposts
:params {after: -1, batch: 5000}
*/
// `flock export`, the reposts of one page of accounts: the repost's id, who, which post, when.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $batch
RETURN u.id AS id, [(u)-[r:REPOSTED]->(p:Post) WHERE NOT p:Deleted | [r.id, u.id, p.id, r.at]] AS rows
