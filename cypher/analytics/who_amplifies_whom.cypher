/*
name: analytics/who_amplifies_whom
:params {limit: 20}
*/
// Who amplifies whom: pairs of accounts by how many of the author's posts the amplifier reposted
// or quoted, with whether the amplifier follows the author.
CALL () {
  MATCH (amplifier:User)-[:REPOSTED]->(:Post)<-[:POSTED]-(author:User)
  WHERE amplifier <> author
  RETURN amplifier, author, "repost" AS how
  UNION ALL
  MATCH (amplifier:User)-[:POSTED]->(:Post)-[:QUOTES]->(:Post)<-[:POSTED]-(author:User)
  WHERE amplifier <> author
  RETURN amplifier, author, "quote" AS how
}
WITH amplifier, author, how, count(*) AS times
RETURN amplifier.username AS amplifier, author.username AS author, how, times,
       EXISTS { (amplifier)-[:FOLLOWS]->(author) } AS follows
ORDER BY times DESC, amplifier, author, how
LIMIT $limit
