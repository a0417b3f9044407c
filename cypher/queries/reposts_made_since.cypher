/*
name: queries/reposts_made_since
:params {since_id: 0, after_id: 0, batch: 1000}
*/
// The ids of the reposts made since an id (ids are times), oldest first, a batch at a time
// after `after_id` (for making Redis good again after it lost writes).
MATCH ()-[r:REPOSTED]->()
WHERE r.id >= $since_id AND r.id > $after_id
RETURN r.id AS id ORDER BY id LIMIT $batch
