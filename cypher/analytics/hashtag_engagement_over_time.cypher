/*
name: analytics/hashtag_engagement_over_time
:params {hashtag: "flock", days: 30}
required: hashtag
*/
// Use of #hashtag per day over the last `days` days: posts, distinct authors, likes, replies.
MATCH (h:Hashtag {name: toLower($hashtag)})<-[:TAGGED]-(p:Post)
WHERE p.created_at >= datetime().epochSeconds - $days * 86400
WITH date(datetime({epochSeconds: toInteger(p.created_at)})) AS day, p
RETURN day, count(p) AS posts,
       count(DISTINCT [(a:User)-[:POSTED]->(p) | a.id][0]) AS authors,
       sum(COUNT { (p)<-[:LIKES]-() }) AS likes,
       sum(COUNT { (p)<-[:REPLY_TO]-(:Reply) }) AS replies
ORDER BY day
