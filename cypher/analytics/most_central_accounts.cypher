/*
name: analytics/most_central_accounts
:params {limit: 20}
*/
// The most central accounts by PageRank (written by `flock analytics run pagerank`), with their
// betweenness, core number, community and followers beside it.
MATCH (u:User)
WHERE u.pagerank IS NOT NULL
WITH u
ORDER BY u.pagerank DESC, u.id
LIMIT $limit
RETURN u.username AS username, round(u.pagerank, 6) AS pagerank,
       round(u.betweenness, 6) AS betweenness, u.coreness AS coreness, u.community AS community,
       COUNT { (u)<-[:FOLLOWS]-() } AS followers
