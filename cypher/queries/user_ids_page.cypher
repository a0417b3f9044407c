/*
name: queries/user_ids_page
:params {after_id: 0, batch: 1000}
*/
// Every user id, a batch at a time (for rebuilding derived stores).
MATCH (u:User)
WHERE u.id > $after_id
RETURN u.id AS id ORDER BY id LIMIT $batch
