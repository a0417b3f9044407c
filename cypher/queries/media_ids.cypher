/*
name: queries/media_ids
:params {}
*/
// Every image's id, oldest first (to re-render their served versions).
MATCH (m:Media)
RETURN m.id AS id
ORDER BY id
