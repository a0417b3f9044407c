// Posts a tweet with its hashtags and mentions.
MATCH (author:User {id: $author_id})
CREATE (author)-[:POSTED]->(p:Post:Tweet {id: $id, text: $text, created_at: $now})
WITH p
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
RETURN p.id AS id
