/*
name: queries/post_quotes_page
:params {id: 1, max_id: 9223372036854775807, limit: 20}
*/
// The posts that quote a post, newest first, older than $max_id: their ids.
MATCH (:Post {id: $id})<-[:QUOTES]-(q:Post)
WHERE q.id < $max_id AND NOT q:Deleted
RETURN q.id AS id ORDER BY id DESC LIMIT $limit
