/*
name: queries/user_follow
:params {user_id: 1, target_id: 2, now: 1764201600.0}
*/
// Follows a user, once (the follower is locked first so concurrent MERGEs cannot duplicate).
MATCH (me:User {id: $user_id})
MATCH (them:User {id: $target_id})
WHERE me <> them
SET me._lock = true
REMOVE me._lock
MERGE (me)-[follow:FOLLOWS]->(them)
  ON CREATE SET follow.at = $now
RETURN follow.at AS at
