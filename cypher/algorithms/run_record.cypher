/*
name: algorithms/run_record
:params {algorithm: "pagerank", ran_at: 0.0, params: "{}", stats: "{}", took_ms: 1, nodes: 1, edges: 0}
*/
// The last run of one algorithm: when, with which parameters, over how much of the graph, and
// what it found (its statistics as JSON), as GDS's write mode reports them.
MERGE (r:AlgorithmRun {name: $algorithm})
SET r.ran_at = $ran_at, r.params = $params, r.stats = $stats, r.took_ms = $took_ms,
    r.nodes = $nodes, r.edges = $edges
RETURN r.name AS name
