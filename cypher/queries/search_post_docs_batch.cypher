/*
name: queries/search_post_docs_batch
:params {after_id: 0, batch: 1000}
*/
// Search documents for every live post, a batch at a time in id order (for a full reindex).
MATCH (a:User)-[:POSTED]->(p:Post)
WHERE p.id > $after_id AND NOT p:Deleted
WITH a, p ORDER BY p.id LIMIT $batch
RETURN p.id AS id, {
  id: toString(p.id),
  kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
  text: p.text,
  author_id: toString(a.id),
  hashtags: [(p)-[:TAGGED]->(h:Hashtag) | h.name],
  created_at: toInteger(p.created_at),
  like_count: COUNT { (p)<-[:LIKES]-() },
  reply_count: COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted }
} AS doc
