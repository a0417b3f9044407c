/*
name: queries/notifications_page
:params {user_id: 1, max_id: 9223372036854775807, since_id: 0, types: ["like", "repost", "reply", "mention", "quote", "follow"], limit: 20}
*/
// A user's notifications, newest first, between $since_id and $max_id, of the $types asked.
// They are read from the graph itself, not copied: a like, repost, reply, mention, quote or
// follow of theirs by someone else is a notification for as long as it exists, so undoing or
// deleting the cause withdraws it. Each has the id of its cause (the like's, the reply's...),
// which orders the list and tells what is unread (newer than the user's read mark). Nobody is told of their own actions, nor of
// those of accounts they mute or that are blocked either way.
// (Likes and follows made before they had ids use their time's id.) Those the user cleared
// (all up to an id) or dismissed one by one are left out.
MATCH (me:User {id: $user_id})
CALL (me) {
  MATCH (me)-[:POSTED]->(p:Post)<-[l:LIKES]-(actor:User)
  WHERE "like" IN $types
  RETURN "like" AS type, coalesce(l.id, toInteger(l.at * 1000 - 1704067200000) * 4194304) AS id,
         l.at AS at, actor, p AS post
  UNION ALL
  MATCH (me)-[:POSTED]->(p:Post)<-[r:REPOSTED]-(actor:User)
  WHERE "repost" IN $types
  RETURN "repost" AS type, r.id AS id, r.at AS at, actor, p AS post
  UNION ALL
  MATCH (me)-[:POSTED]->(:Post)<-[:REPLY_TO]-(p:Reply)<-[:POSTED]-(actor:User)
  WHERE "reply" IN $types
  RETURN "reply" AS type, p.id AS id, p.created_at AS at, actor, p AS post
  UNION ALL
  MATCH (me)-[:POSTED]->(:Post)<-[:QUOTES]-(p:Post)<-[:POSTED]-(actor:User)
  WHERE "quote" IN $types
  RETURN "quote" AS type, p.id AS id, p.created_at AS at, actor, p AS post
  UNION ALL
  MATCH (me)<-[:MENTIONS]-(p:Post)<-[:POSTED]-(actor:User)
  WHERE "mention" IN $types
    AND NOT EXISTS { (p)-[:REPLY_TO|QUOTES]->(:Post)<-[:POSTED]-(me) }
  RETURN "mention" AS type, p.id AS id, p.created_at AS at, actor, p AS post
  UNION ALL
  MATCH (me)<-[f:FOLLOWS]-(actor:User)
  WHERE "follow" IN $types
  RETURN "follow" AS type, coalesce(f.id, toInteger(f.at * 1000 - 1704067200000) * 4194304) AS id,
         f.at AS at, actor, null AS post
}
WITH me, type, id, at, actor, post
WHERE $since_id < id < $max_id
  AND actor <> me
  AND id > coalesce(me.notifications_cleared_up_to, 0)
  AND NOT id IN coalesce(me.notifications_dismissed, [])
  AND NOT EXISTS { (me)-[:BLOCKS]-(actor) }
  AND NOT EXISTS { (me)-[:MUTES]->(actor) }
RETURN type, id, at, actor.id AS actor_id, post.id AS post_id,
       id > coalesce(me.notifications_read_up_to, 0) AS unread
ORDER BY id DESC
LIMIT $limit
