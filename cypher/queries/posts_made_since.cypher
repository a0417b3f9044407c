/*
name: queries/posts_made_since
:params {since_id: 0, after_id: 0, batch: 1000}
*/
// The ids of the posts made since an id (ids are times), oldest first, a batch at a time
// after `after_id` (for making Redis good again after it lost writes).
MATCH (p:Post)
WHERE p.id >= $since_id AND p.id > $after_id
RETURN p.id AS id ORDER BY id LIMIT $batch
