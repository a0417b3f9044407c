/*
name: queries/post_link_card_drop
:params {post_id: 1}
*/
// The post shows no card (an edit took its link out). Returns the post when it had one.
MATCH (p:Post {id: $post_id})-[had:HAS_CARD]->(:LinkCard)
DELETE had
RETURN p.id AS post_id
