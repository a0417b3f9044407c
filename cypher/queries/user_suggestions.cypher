/*
name: queries/user_suggestions
:params {user_id: 1, limit: 20}
*/
// Who to follow, by Adamic-Adar over the follow graph: accounts followed by the accounts the
// user follows. Each shared connection `friend` adds 1 / log(1 + how many accounts it follows),
// so a friend who follows few people is a stronger hint than one who follows everybody.
// Excludes the user, everyone they already follow or mute, and accounts blocked either way.
MATCH (me:User {id: $user_id})-[:FOLLOWS]->(friend:User)
WITH me, friend, 1.0 / log(1.0 + COUNT { (friend)-[:FOLLOWS]->() }) AS weight
MATCH (friend)-[:FOLLOWS]->(candidate:User)
WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
  AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
WITH candidate, sum(weight) AS score, count(friend) AS mutual_count,
     collect(friend.username)[..2] AS followed_by
ORDER BY score DESC, candidate.id
LIMIT $limit
RETURN candidate.id AS id, score, mutual_count, followed_by
