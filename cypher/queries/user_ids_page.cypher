// Every user id, a batch at a time (for rebuilding derived stores).
MATCH (u:User)
WHERE u.id > $after_id
RETURN u.id AS id ORDER BY id LIMIT $batch
