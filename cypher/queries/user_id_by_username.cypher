/*
name: queries/user_id_by_username
:params {username: "ann", viewer_id: null}
*/
// A user's id by name; none when the viewer ($viewer_id, or null for anyone) and they are
// blocked either way (each is hidden from the other).
MATCH (u:User {username_key: toLower($username)})
OPTIONAL MATCH (viewer:User {id: $viewer_id})
WITH u, viewer
WHERE viewer IS NULL OR NOT EXISTS { (viewer)-[:BLOCKS]-(u) }
RETURN u.id AS id
