/*
name: seed/follows
:params {pairs: [[1, 2], [2, 1]], now: 1764201600.0}
*/
// Bulk-creates follows between seeded users: $pairs is a list of [follower id, followed id].
UNWIND $pairs AS pair
MATCH (a:User {id: pair[0]})
MATCH (b:User {id: pair[1]})
CREATE (a)-[:FOLLOWS {at: $now}]->(b)
