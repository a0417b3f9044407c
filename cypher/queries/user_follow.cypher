/*
name: queries/user_follow
:params {user_id: 1, target_id: 2, now: 1764201600.0, follow_id: 3}
*/
// Follows a user, once (the follower is locked first so concurrent MERGEs cannot duplicate).
// A follow's id orders the followee's notifications. No row when either blocks the other.
MATCH (me:User {id: $user_id})
MATCH (them:User {id: $target_id})
WHERE me <> them AND NOT EXISTS { (me)-[:BLOCKS]-(them) }
SET me._lock = true
REMOVE me._lock
MERGE (me)-[follow:FOLLOWS]->(them)
  ON CREATE SET follow.at = $now, follow.id = $follow_id
RETURN follow.at AS at, follow.id = $follow_id AS created,
       NOT EXISTS { (them)-[:MUTES]->(me) } AS notify
