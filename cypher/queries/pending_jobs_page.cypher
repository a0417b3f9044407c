/*
name: queries/pending_jobs_page
:params {limit: 20}
*/
// The oldest kept jobs, in the order they were made.
MATCH (j:PendingJob)
RETURN j.id AS id, j.function AS function, j.args AS args, j.retry AS retry
ORDER BY j.id
LIMIT $limit
