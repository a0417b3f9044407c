/*
name: queries/media_attachable
:params {owner_id: 1, ids: [1, 2]}
*/
// How many of these images the user uploaded and has not attached to a post yet (an avatar or
// a banner is not a post's image).
MATCH (:User {id: $owner_id})-[:UPLOADED]->(m:Media)
WHERE m.id IN $ids AND NOT EXISTS { (:Post)-[:HAS_MEDIA]->(m) }
  AND NOT EXISTS { (:User)-[:AVATAR]->(m) }
  AND NOT EXISTS { (:User)-[:BANNER]->(m) }
RETURN count(m) AS usable
