/*
name: queries/pending_jobs_delete
:params {ids: [1, 2]}
*/
// Forgets kept jobs once they are in the queue.
MATCH (j:PendingJob)
WHERE j.id IN $ids
DELETE j
