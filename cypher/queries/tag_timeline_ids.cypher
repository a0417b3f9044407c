/*
name: queries/tag_timeline_ids
:params {tag: "flock", viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20, media_only: false}
*/
// The posts tagged with a hashtag (its name lower-cased, without #), newest first, between
// $since_id and $max_id. Nothing by an account the viewer mutes, nor by one blocked either way.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
WITH COLLECT { MATCH (viewer)-[:MUTES|BLOCKS]->(h:User) RETURN h.id
               UNION MATCH (viewer)<-[:BLOCKS]-(h:User) RETURN h.id } AS hidden
MATCH (:Hashtag {name: $tag})<-[:TAGGED]-(p:Post)<-[:POSTED]-(a:User)
WHERE $since_id < p.id < $max_id AND NOT p:Deleted AND NOT a.id IN hidden
  AND (NOT $media_only OR EXISTS { (p)-[:HAS_MEDIA]->() })
RETURN p.id AS id
ORDER BY id DESC
LIMIT $limit
