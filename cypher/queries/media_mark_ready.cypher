// The media job made the served versions (large and thumbnail): serve them from now on.
MATCH (m:Media {id: $id})
SET m.ready = true
