/*
name: queries/media_describe
:params {owner_id: 1, id: 1, description: "A heron on one leg"}
*/
// The owner describes an image (its alt text, for screen readers); the post it is attached
// to, if any, is returned (its copy is then stale). No row when it is not theirs.
MATCH (:User {id: $owner_id})-[:UPLOADED]->(m:Media {id: $id})
SET m.description = $description
RETURN m {
  id: toString(m.id), .content_type, .width, .height, .description,
  url: "/media/" + toString(m.id), thumbnail_url: "/media/" + toString(m.id) + "/thumb"
} AS media, [(p:Post)-[:HAS_MEDIA]->(m) | p.id][0] AS post_id
