/*
name: export/follows
:params {after: -1, batch: 5000}
*/
// `flock export`, the follows of one page of accounts (in follower id order): who, whom, when.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $batch
RETURN u.id AS id, [(u)-[f:FOLLOWS]->(v:User) | [u.id, v.id, f.at]] AS rows
