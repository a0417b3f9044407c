/*
name: analytics/repost_cascades
:params {limit: 10}
*/
// Repost cascades by depth, for the most reposted posts: depth 1 counts the reposters who follow
// the author, depth 2 those who follow a depth-1 reposter instead, and so on to depth 4;
// `further` counts the reposters reached no closer (beyond depth 4, or through no reposter).
MATCH (a:User)-[:POSTED]->(p:Post)
WITH a, p, COUNT { (p)<-[:REPOSTED]-() } AS reposts
WHERE reposts > 0
ORDER BY reposts DESC, p.id DESC
LIMIT $limit
WITH a, p, reposts, [(r:User)-[:REPOSTED]->(p) WHERE r <> a | r] AS reposters
WITH a, p, reposts, reposters,
     [r IN reposters WHERE EXISTS { (r)-[:FOLLOWS]->(a) }] AS d1
WITH a, p, reposts, reposters, d1,
     [r IN reposters WHERE NOT r IN d1 AND any(x IN d1 WHERE EXISTS { (r)-[:FOLLOWS]->(x) })] AS d2
WITH a, p, reposts, reposters, d1, d2,
     [r IN reposters WHERE NOT r IN d1 + d2
                       AND any(x IN d2 WHERE EXISTS { (r)-[:FOLLOWS]->(x) })] AS d3
WITH a, p, reposts, reposters, d1, d2, d3,
     [r IN reposters WHERE NOT r IN d1 + d2 + d3
                       AND any(x IN d3 WHERE EXISTS { (r)-[:FOLLOWS]->(x) })] AS d4
RETURN toString(p.id) AS id, a.username AS author, reposts,
       size(d1) AS depth_1, size(d2) AS depth_2, size(d3) AS depth_3, size(d4) AS depth_4,
       size(reposters) - size(d1) - size(d2) - size(d3) - size(d4) AS further
ORDER BY reposts DESC, id DESC
