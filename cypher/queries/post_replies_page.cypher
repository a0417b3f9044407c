/*
name: queries/post_replies_page
:params {id: 1, after_id: 0, limit: 20}
*/
// The direct replies to a post, oldest first, after the cursor's id: their ids, tombstones
// included (the posts are shown through posts_views).
MATCH (:Post {id: $id})<-[:REPLY_TO]-(p:Reply)
WHERE p.id > $after_id
RETURN p.id AS id ORDER BY id ASC LIMIT $limit
