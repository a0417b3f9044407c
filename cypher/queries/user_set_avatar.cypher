/*
name: queries/user_set_avatar
:params {user_id: 1, media_id: 1}
*/
// The user's avatar is now this image of theirs (the one before, if any, is let go: an image
// neither a post's nor an avatar is pruned later). No row when either is not there.
MATCH (u:User {id: $user_id})-[:UPLOADED]->(m:Media {id: $media_id})
OPTIONAL MATCH (u)-[old:AVATAR]->(:Media)
DELETE old
MERGE (u)-[:AVATAR]->(m)
RETURN m.id AS media_id
