/*
name: queries/post_edit
:params {id: 1, revision_id: 4, now: 1764201600.0, text: "hello #flock @bob", hashtags: ["flock"], mentions: ["bob"]}
*/
// Edits a post: the text it replaces is kept as a :Revision; tags and mentions follow the new text.
MATCH (p:Post {id: $id})
WHERE NOT p:Deleted
CREATE (p)-[:REVISION]->(:Revision {
  id: $revision_id, text: p.text, written_at: coalesce(p.edited_at, p.created_at), replaced_at: $now
})
SET p.text = $text, p.edited_at = $now
WITH p
CALL (p) {
  MATCH (p)-[old:TAGGED|MENTIONS]->()
  DELETE old
}
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
