/*
name: queries/notifications_unread_count
:params {user_id: 1, cap: 100}
*/
// How many notifications a user has not read (newer than the id they marked read up to),
// counted up to $cap (a badge shows "99+"). The same sources and rules as notifications_page.
MATCH (me:User {id: $user_id})
WITH me, coalesce(me.notifications_read_up_to, 0) AS seen
CALL (me, seen) {
  MATCH (me)-[:POSTED]->(:Post)<-[l:LIKES]-(actor:User)
  WHERE coalesce(l.id, toInteger(l.at * 1000 - 1704067200000) * 4194304) > seen
  RETURN actor
  UNION ALL
  MATCH (me)-[:POSTED]->(:Post)<-[r:REPOSTED]-(actor:User)
  WHERE r.id > seen
  RETURN actor
  UNION ALL
  MATCH (me)-[:POSTED]->(:Post)<-[:REPLY_TO|QUOTES]-(p:Post)<-[:POSTED]-(actor:User)
  WHERE p.id > seen
  RETURN actor
  UNION ALL
  MATCH (me)<-[:MENTIONS]-(p:Post)<-[:POSTED]-(actor:User)
  WHERE p.id > seen AND NOT EXISTS { (p)-[:REPLY_TO|QUOTES]->(:Post)<-[:POSTED]-(me) }
  RETURN actor
  UNION ALL
  MATCH (me)<-[f:FOLLOWS]-(actor:User)
  WHERE coalesce(f.id, toInteger(f.at * 1000 - 1704067200000) * 4194304) > seen
  RETURN actor
}
WITH me, actor
WHERE actor <> me
  AND NOT EXISTS { (me)-[:BLOCKS]-(actor) }
  AND NOT EXISTS { (me)-[:MUTES]->(actor) }
WITH actor LIMIT $cap
RETURN count(*) AS unread
