/*
name: queries/user_suggestion_signals
:params {user_id: 1, pool: 50}
*/
// Who to follow: candidates from every signal the graph holds, each pool bounded, blended by
// `jobs/stores/suggestions.py` (as Twitter's WTF blended its circle of trust with SALSA):
// - network: accounts followed by the accounts the user follows, by Adamic-Adar (each shared
//   connection adds 1 / log(1 + how many accounts it follows));
// - community: the most central accounts (PageRank) of the user's community, as the graph
//   algorithms last wrote them (`flock analytics run`);
// - engaged: authors of posts the user liked, reposted or answered;
// - follows_you: followers the user has not followed back.
// Never the user, anyone they already follow or mute, or accounts blocked either way.
MATCH (me:User {id: $user_id})
CALL (me) {
  MATCH (me)-[:FOLLOWS]->(friend:User)
  WITH me, friend, 1.0 / log(1.0 + COUNT { (friend)-[:FOLLOWS]->() }) AS weight
  MATCH (friend)-[:FOLLOWS]->(candidate:User)
  WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
    AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
  WITH candidate, sum(weight) AS score, count(friend) AS mutual_count,
       collect(friend.username)[..2] AS followed_by
  ORDER BY score DESC, candidate.id
  LIMIT $pool
  RETURN candidate, "network" AS signal, score, mutual_count, followed_by
  UNION ALL
  MATCH (candidate:User {community: me.community})
  WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
    AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
  WITH candidate
  ORDER BY candidate.pagerank DESC, candidate.id
  LIMIT $pool
  RETURN candidate, "community" AS signal, candidate.pagerank AS score, 0 AS mutual_count,
         [] AS followed_by
  UNION ALL
  MATCH (me)-[:LIKES|REPOSTED]->(:Post)<-[:POSTED]-(candidate:User)
  WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
    AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
  WITH candidate, count(*) AS score
  ORDER BY score DESC, candidate.id
  LIMIT $pool
  RETURN candidate, "engaged" AS signal, toFloat(score) AS score, 0 AS mutual_count,
         [] AS followed_by
  UNION ALL
  MATCH (me)-[:POSTED]->(:Post)-[:REPLY_TO]->(:Post)<-[:POSTED]-(candidate:User)
  WHERE candidate <> me AND NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
    AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
  WITH candidate, count(*) AS score
  ORDER BY score DESC, candidate.id
  LIMIT $pool
  RETURN candidate, "engaged" AS signal, toFloat(score) AS score, 0 AS mutual_count,
         [] AS followed_by
  UNION ALL
  MATCH (me)<-[:FOLLOWS]-(candidate:User)
  WHERE NOT EXISTS { (me)-[:FOLLOWS|MUTES]->(candidate) }
    AND NOT EXISTS { (me)-[:BLOCKS]-(candidate) }
  WITH candidate
  ORDER BY candidate.id DESC
  LIMIT $pool
  RETURN candidate, "follows_you" AS signal, 1.0 AS score, 0 AS mutual_count,
         [] AS followed_by
}
RETURN candidate.id AS id, signal, score, mutual_count, followed_by
