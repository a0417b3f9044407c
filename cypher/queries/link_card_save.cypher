/*
name: queries/link_card_save
:params {url: "https://example.org/", title: "Example", description: "", site: "example.org", image_id: null, width: null, height: null, now: 1764201600.0}
*/
// Keeps what a link shows (`title` null: nothing can be shown), with its picture as an image
// of no one's (served like a post's: /media/<id>/thumb); the picture before is let go.
MERGE (c:LinkCard {url: $url})
SET c.title = $title, c.description = $description, c.site = $site, c.fetched_at = $now
WITH c
OPTIONAL MATCH (c)-[old:CARD_IMAGE]->(:Media)
DELETE old
WITH c
CALL (c) {
  WITH c WHERE $image_id IS NOT NULL
  CREATE (c)-[:CARD_IMAGE]->(:Media {
    id: $image_id, content_type: "image/jpeg", width: $width, height: $height, size: 0,
    created_at: $now
  })
}
RETURN c.url AS url
