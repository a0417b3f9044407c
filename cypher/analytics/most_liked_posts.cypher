/*
name: analytics/most_liked_posts
:params {days: 7, limit: 10}
*/
// The most liked tweets and replies of the last `days` days.
MATCH (a:User)-[:POSTED]->(p:Post)
WHERE p.created_at >= datetime().epochSeconds - $days * 86400
WITH a, p, COUNT { (p)<-[:LIKES]-() } AS likes
ORDER BY likes DESC, p.id DESC
LIMIT $limit
RETURN toString(p.id) AS id, a.username AS author, p.text AS text, likes,
       COUNT { (p)<-[:REPLY_TO]-(:Reply) } AS replies
