/*
name: backup/graph_clear
:params {batch: 1000}
*/
// Delete a batch of nodes with their relationships (`flock restore --force`); run until 0.
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(n) AS deleted
