/*
name: analytics/top_hashtags
:params {days: 7, limit: 20}
*/
// The most used hashtags over the last `days` days, with how many accounts used them.
MATCH (h:Hashtag)<-[:TAGGED]-(p:Post)<-[:POSTED]-(a:User)
WHERE p.created_at >= datetime().epochSeconds - $days * 86400
RETURN h.name AS hashtag, count(p) AS posts, count(DISTINCT a) AS authors
ORDER BY posts DESC, hashtag
LIMIT $limit
