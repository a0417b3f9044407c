/*
name: queries/media_prune_unattached
:params {before: 1764115200.0}
*/
// Removes images that are no post's, avatar, banner or link card's picture, and
// are older than $before (epoch seconds); returns their ids, whose stored bytes are deleted next.
MATCH (m:Media)
WHERE m.created_at < $before AND NOT EXISTS { (:Post)-[:HAS_MEDIA]->(m) }
  AND NOT EXISTS { (:User)-[:AVATAR]->(m) }
  AND NOT EXISTS { (:User)-[:BANNER]->(m) }
  AND NOT EXISTS { (:LinkCard)-[:CARD_IMAGE]->(m) }
WITH m, m.id AS id
DETACH DELETE m
RETURN collect(id) AS ids
