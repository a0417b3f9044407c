// Bulk-creates follows between seeded users: $pairs is a list of [follower id, followed id].
UNWIND $pairs AS pair
MATCH (a:User {id: pair[0]})
MATCH (b:User {id: pair[1]})
CREATE (a)-[:FOLLOWS {at: $now}]->(b)
