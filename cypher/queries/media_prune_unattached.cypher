/*
name: queries/media_prune_unattached
:params {before: 1764115200.0}
*/
// Removes uploads that were never attached to a post nor are anyone's avatar or banner, and
// are older than $before (epoch seconds); returns their ids, whose stored bytes are deleted next.
MATCH (m:Media)
WHERE m.created_at < $before AND NOT EXISTS { (:Post)-[:HAS_MEDIA]->(m) }
  AND NOT EXISTS { (:User)-[:AVATAR]->(m) }
  AND NOT EXISTS { (:User)-[:BANNER]->(m) }
WITH m, m.id AS id
DETACH DELETE m
RETURN collect(id) AS ids
