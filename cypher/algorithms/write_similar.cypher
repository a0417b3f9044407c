/*
name: algorithms/write_similar
:params {rows: [{id: 1, similar: [{id: 2, score: 0.5}]}]}
*/
// One batch of node similarity written back: each account's SIMILAR relationships are replaced
// by its new top list (Jaccard of the accounts they follow), in one short transaction.
UNWIND $rows AS row
MATCH (u:User {id: row.id})
CALL (u) {
  MATCH (u)-[old:SIMILAR]->()
  DELETE old
}
WITH u, row
UNWIND row.similar AS pick
MATCH (v:User {id: pick.id})
CREATE (u)-[:SIMILAR {score: pick.score}]->(v)
RETURN count(*) AS written
