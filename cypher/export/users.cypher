/*
name: export/users
:params {after: -1, batch: 5000}
*/
// `flock export`, one page of accounts in id order: ids, usernames, when they joined and what
// the graph algorithms wrote; no other personal data.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $batch
RETURN u.id AS id,
       [[u.id, u.username, u.created_at, u.pagerank, u.community, u.component, u.coreness,
         u.betweenness]] AS rows
