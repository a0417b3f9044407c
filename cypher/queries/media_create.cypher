/*
name: queries/media_create
:params {owner_id: 1, id: 1, content_type: "image/jpeg", width: 1200, height: 800, size: 48213, now: 1764201600.0}
*/
// Records an uploaded image; it is attached to a post later, by the post's creation.
MATCH (owner:User {id: $owner_id})
CREATE (owner)-[:UPLOADED]->(m:Media {
  id: $id, content_type: $content_type, width: $width, height: $height, size: $size,
  created_at: $now
})
RETURN m {
  id: toString(m.id), .content_type, .width, .height, .description,
  url: "/media/" + toString(m.id), thumbnail_url: "/media/" + toString(m.id) + "/thumb"
} AS media
