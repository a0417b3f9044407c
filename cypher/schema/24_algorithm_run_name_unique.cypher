/*
name: schema/24_algorithm_run_name_unique
:params {}
*/
// One record of the last run per graph algorithm.
CREATE CONSTRAINT algorithm_run_name IF NOT EXISTS FOR (r:AlgorithmRun) REQUIRE r.name IS UNIQUE
