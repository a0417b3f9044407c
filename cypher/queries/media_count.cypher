/*
name: queries/media_count
:params {}
*/
// How many images there are (for the progress bar of `flock media rebuild`).
MATCH (m:Media)
RETURN count(m) AS images
