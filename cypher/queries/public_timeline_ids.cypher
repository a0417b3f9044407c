/*
name: queries/public_timeline_ids
:params {viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20, media_only: false}
*/
// Everyone's tweets (not replies), newest first, between $since_id and $max_id: Flock is one
// server, so this is both the local and the federated timeline. Nothing by an account the
// viewer mutes, nor by one blocked either way.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
WITH COLLECT { MATCH (viewer)-[:MUTES|BLOCKS]->(h:User) RETURN h.id
               UNION MATCH (viewer)<-[:BLOCKS]-(h:User) RETURN h.id } AS hidden
MATCH (p:Tweet)
WHERE $since_id < p.id < $max_id AND NOT p:Deleted
  AND (NOT $media_only OR EXISTS { (p)-[:HAS_MEDIA]->() })
WITH p, hidden ORDER BY p.id DESC
MATCH (a:User)-[:POSTED]->(p)
WHERE NOT a.id IN hidden
RETURN p.id AS id
LIMIT $limit
