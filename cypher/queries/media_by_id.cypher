/*
name: queries/media_by_id
:params {id: 1}
*/
// Whether an image exists (its post or account may have been deleted since it was linked).
MATCH (m:Media {id: $id})
RETURN m.id AS id
