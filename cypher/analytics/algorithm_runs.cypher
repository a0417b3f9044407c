/*
name: analytics/algorithm_runs
:params {}
*/
// The last run of each graph algorithm (`flock analytics run`): when, with which parameters,
// over how many accounts and follows, and what it found.
MATCH (r:AlgorithmRun)
RETURN r.name AS algorithm, datetime({epochSeconds: toInteger(r.ran_at)}) AS ran_at,
       r.params AS params, r.stats AS stats, r.took_ms AS took_ms, r.nodes AS accounts,
       r.edges AS follows
ORDER BY algorithm
