/*
name: queries/user_set_banner
:params {user_id: 1, media_id: 1}
*/
// The user's banner is now this image of theirs (the one before, if any, is let go: an image
// neither a post's, an avatar nor a banner is pruned later). No row when either is not there.
MATCH (u:User {id: $user_id})-[:UPLOADED]->(m:Media {id: $media_id})
OPTIONAL MATCH (u)-[old:BANNER]->(:Media)
DELETE old
MERGE (u)-[:BANNER]->(m)
RETURN m.id AS media_id
