/*
name: backup/restore_finish
:params {batch: 5000}
*/
// Unmark a batch of restored nodes; run until it returns 0.
MATCH (n:Restoring)
WITH n LIMIT $batch
REMOVE n:Restoring, n.archive_id
RETURN count(n) AS finished
