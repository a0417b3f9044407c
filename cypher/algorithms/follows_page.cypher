/*
name: algorithms/follows_page
:params {after: -1, batch: 5000}
*/
// One page of the follow graph for the graph algorithms: the next `batch` accounts after the
// id `after`, each with the ids it follows. Pages are short reads: the site is not paused.
MATCH (u:User)
WHERE u.id > $after
WITH u
ORDER BY u.id
LIMIT $batch
RETURN u.id AS id, [(u)-[:FOLLOWS]->(f:User) | f.id] AS follows
