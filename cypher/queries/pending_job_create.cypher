// Keeps a job that could not be queued (Redis down) until the worker's relay can queue it.
CREATE (:PendingJob {id: $id, function: $function, args: $args, created_at: $now})
