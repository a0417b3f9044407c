/*
name: analytics/community_bridges
:params {limit: 20}
*/
// Bridges between communities: accounts that follow or are followed across communities, by
// betweenness, then by how many other communities they reach; the accounts through which news
// crosses from one group to another.
MATCH (u:User)-[:FOLLOWS]-(v:User)
WHERE u.community IS NOT NULL AND v.community IS NOT NULL AND v.community <> u.community
WITH u, count(*) AS cross_follows, count(DISTINCT v.community) AS communities_reached
ORDER BY coalesce(u.betweenness, 0.0) DESC, communities_reached DESC, u.id
LIMIT $limit
RETURN u.username AS username, u.community AS community, communities_reached, cross_follows,
       round(coalesce(u.betweenness, 0.0), 6) AS betweenness
