/*
name: schema/11_pending_job_id_unique
:params {}
*/
// Jobs kept in the graph while Redis was down (jobs/queue.py), one node each.
CREATE CONSTRAINT pending_job_id_unique IF NOT EXISTS
FOR (j:PendingJob) REQUIRE j.id IS UNIQUE
