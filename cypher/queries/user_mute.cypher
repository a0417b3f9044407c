/*
name: queries/user_mute
:params {user_id: 1, target_id: 2, now: 1764201600.0}
*/
// Mutes a user, once: their posts and reposts leave the muter's home timeline, notifications
// and search; nothing else changes, and they are not told.
MATCH (me:User {id: $user_id})
MATCH (them:User {id: $target_id})
WHERE me <> them
MERGE (me)-[mute:MUTES]->(them)
  ON CREATE SET mute.at = $now
RETURN them.id AS id
