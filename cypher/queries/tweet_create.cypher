/*
name: queries/tweet_create
:params {author_id: 1, id: 1, text: "hello #flock @bob", now: 1764201600.0, hashtags: ["flock"], mentions: ["bob"], media_ids: []}
*/
// Posts a tweet with its hashtags, mentions and images (the author's own uploads, in order).
MATCH (author:User {id: $author_id})
CREATE (author)-[:POSTED]->(p:Post:Tweet {id: $id, text: $text, created_at: $now})
WITH p, author
CALL (p) {
  UNWIND $hashtags AS tag
  MERGE (h:Hashtag {name: tag})
  CREATE (p)-[:TAGGED]->(h)
}
CALL (p) {
  UNWIND $mentions AS name
  MATCH (m:User {username_key: name})
  CREATE (p)-[:MENTIONS]->(m)
}
CALL (p, author) {
  UNWIND range(0, size($media_ids) - 1) AS position
  MATCH (author)-[:UPLOADED]->(m:Media {id: $media_ids[position]})
  CREATE (p)-[:HAS_MEDIA {position: position}]->(m)
}
RETURN p.id AS id
