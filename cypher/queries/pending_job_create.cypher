/*
name: queries/pending_job_create
:params {id: 1, function: "jobs.tasks.feeds.regenerate_feed", args: "[1]", now: 1764201600.0}
*/
// Keeps a job that could not be queued (Redis down) until the worker's relay can queue it.
CREATE (:PendingJob {id: $id, function: $function, args: $args, created_at: $now})
