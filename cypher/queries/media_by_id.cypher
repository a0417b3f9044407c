// One image's stored facts (for serving it and making its served versions).
MATCH (m:Media {id: $id})
RETURN m.content_type AS content_type, coalesce(m.ready, false) AS ready
