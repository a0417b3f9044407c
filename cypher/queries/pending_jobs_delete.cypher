// Forgets kept jobs once they are in the queue.
MATCH (j:PendingJob)
WHERE j.id IN $ids
DELETE j
