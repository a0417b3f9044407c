/*
name: queries/search_post_docs
:params {ids: [1, 2]}
*/
// Search documents for these posts (tweets and replies), as Typesense stores them.
// Deleted or missing posts are simply absent: the indexer removes their documents.
UNWIND $ids AS id
MATCH (a:User)-[:POSTED]->(p:Post {id: id})
WHERE NOT p:Deleted
RETURN {
  id: toString(p.id),
  kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
  text: p.text,
  author_id: toString(a.id),
  hashtags: [(p)-[:TAGGED]->(h:Hashtag) | h.name],
  created_at: toInteger(p.created_at),
  like_count: COUNT { (p)<-[:LIKES]-() },
  reply_count: COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted }
} AS doc
