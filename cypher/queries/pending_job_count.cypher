/*
name: queries/pending_job_count
:params {}
*/
// How many jobs are kept in the graph, waiting for Redis to take them (a metric).
MATCH (j:PendingJob)
RETURN count(j) AS jobs
