/*
name: queries/post_link_card_set
:params {post_id: 1, url: "https://example.org/"}
*/
// The post shows this link's card, if its text still has the link and the card something to
// show; any other card it showed is let go. Returns the post when it shows the card.
MATCH (p:Post {id: $post_id})
WHERE NOT p:Deleted
OPTIONAL MATCH (p)-[old:HAS_CARD]->(:LinkCard)
DELETE old
WITH p
MATCH (c:LinkCard {url: $url})
WHERE p.text CONTAINS $url AND c.title IS NOT NULL
MERGE (p)-[:HAS_CARD]->(c)
RETURN p.id AS post_id
