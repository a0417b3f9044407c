/*
name: export/likes
:params {after: -1, batch: 5000}
*/
// `flock export`, the likes of one page of accounts: who liked which post, when.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $batch
RETURN u.id AS id, [(u)-[l:LIKES]->(p:Post) WHERE NOT p:Deleted | [u.id, p.id, l.at]] AS rows
