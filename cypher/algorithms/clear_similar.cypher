/*
name: algorithms/clear_similar
:params {ids: [1]}
*/
// Node similarity's old lists of accounts that now have none (their last run's picks).
MATCH (u:User)-[old:SIMILAR]->()
WHERE u.id IN $ids
DELETE old
RETURN count(old) AS removed
