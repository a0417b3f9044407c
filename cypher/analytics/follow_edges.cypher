/*
name: analytics/follow_edges
:params {limit: 100000}
*/
// The follow graph as an edge list (source, target usernames), e.g. for networkx or pandas.
MATCH (a:User)-[f:FOLLOWS]->(b:User)
RETURN a.username AS source, b.username AS target, f.at AS followed_at
ORDER BY a.id, b.id
LIMIT $limit
