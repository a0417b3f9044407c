/*
name: analytics/most_reposted_posts
:params {days: 7, limit: 10}
*/
// The most reposted tweets and replies of the last `days` days, with their quotes and likes.
MATCH (a:User)-[:POSTED]->(p:Post)
WHERE p.created_at >= datetime().epochSeconds - $days * 86400
WITH a, p, COUNT { (p)<-[:REPOSTED]-() } AS reposts
WHERE reposts > 0
ORDER BY reposts DESC, p.id DESC
LIMIT $limit
RETURN toString(p.id) AS id, a.username AS author, p.text AS text, reposts,
       COUNT { (p)<-[:QUOTES]-(:Post) } AS quotes, COUNT { (p)<-[:LIKES]-() } AS likes
