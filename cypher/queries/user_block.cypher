/*
name: queries/user_block
:params {user_id: 1, target_id: 2, now: 1764201600.0}
*/
// Blocks a user, once; the follows between the two, both ways, end at once. Returns who
// followed whom before (for the after-effects), or no row when the target does not exist.
MATCH (me:User {id: $user_id})
MATCH (them:User {id: $target_id})
WHERE me <> them
MERGE (me)-[block:BLOCKS]->(them)
  ON CREATE SET block.at = $now
WITH me, them
OPTIONAL MATCH (me)-[follow:FOLLOWS]-(them)
WITH me, them, collect(follow) AS follows
FOREACH (f IN follows | DELETE f)
RETURN them.id AS id
