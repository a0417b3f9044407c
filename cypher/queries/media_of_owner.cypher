/*
name: queries/media_of_owner
:params {owner_id: 1, id: 1}
*/
// One of the owner's images as described to them (no row when it is not theirs).
MATCH (:User {id: $owner_id})-[:UPLOADED]->(m:Media {id: $id})
RETURN m {
  id: toString(m.id), .content_type, .width, .height, .description,
  url: "/media/" + toString(m.id), thumbnail_url: "/media/" + toString(m.id) + "/thumb"
} AS media
