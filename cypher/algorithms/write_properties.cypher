/*
name: algorithms/write_properties
:params {rows: [{id: 1, props: {pagerank: 0.001}}]}
*/
// One batch of an algorithm's results written back as account properties (GDS's write mode):
// `props` maps property names (pagerank, community, ...) to values. One short transaction.
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u += row.props
RETURN count(u) AS written
