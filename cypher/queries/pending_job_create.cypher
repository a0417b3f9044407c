/*
name: queries/pending_job_create
:params {id: 1, function: "jobs.tasks.feeds.regenerate_feed", args: "[1]", retry: "{\"max\": 5, \"intervals\": [1, 5]}", now: 1764201600.0}
*/
// Keeps a job that could not be queued (Redis down) until the worker's relay can queue it,
// with the retry policy it was queued with (JSON: max tries and intervals).
CREATE (:PendingJob {id: $id, function: $function, args: $args, retry: $retry, created_at: $now})
