/*
name: analytics/communities
:params {limit: 20}
*/
// The communities found by `flock analytics run communities`, largest first: their size, their
// most central members, and the share of their members' follows that stay inside.
MATCH (u:User)
WHERE u.community IS NOT NULL
WITH u.community AS community, u
ORDER BY u.pagerank DESC, u.id
WITH community, count(u) AS size, collect(u.username)[..3] AS central_members,
     sum(COUNT { (u)-[:FOLLOWS]->(:User {community: community}) }) AS inside,
     sum(COUNT { (u)-[:FOLLOWS]->(:User) }) AS follows
ORDER BY size DESC, community
LIMIT $limit
RETURN community, size, central_members,
       CASE follows WHEN 0 THEN 0.0 ELSE round(toFloat(inside) / follows, 4) END AS inside_share
