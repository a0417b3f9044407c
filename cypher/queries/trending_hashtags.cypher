/*
name: queries/trending_hashtags
:params {since: 1764115200.0, now: 1764201600.0, half_life_seconds: 21600, limit: 20}
*/
// Trends: hashtags by time-decayed use since $since. Each use counts 0.5^(age / half-life), so
// a tag used ten times in the last hour beats one used twenty times yesterday.
MATCH (p:Post)-[:TAGGED]->(h:Hashtag)
WHERE p.created_at >= $since
WITH h, count(p) AS post_count,
     sum(0.5 ^ (($now - p.created_at) / $half_life_seconds)) AS score
ORDER BY score DESC, post_count DESC, h.name
LIMIT $limit
RETURN h.name AS hashtag, score, post_count
