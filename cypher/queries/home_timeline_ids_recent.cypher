/*
name: queries/home_timeline_ids_recent
:params {viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20, scan: 500, following_at_least: 1000}
*/
// The cold home timeline of a viewer who follows many accounts (at least $following_at_least),
// read from the newest posts and reposts of the whole site rather than from every account
// they follow: the $scan newest posts and the $scan newest reposts below $max_id, each checked
// against the viewer (the same rules as home_timeline_ids, which reads every followed
// account's posts: for 10,000 of them, a quarter of a second of Neo4j). Entries are complete
// down to `floor`: a page is served from these when it holds `limit` entries above it; else
// (or for a viewer who follows fewer, `following` says) the caller reads home_timeline_ids.
// An entry shows a post at its first entry: a repost only when the post is not itself in the
// timeline and no earlier repost of it is.
MATCH (viewer:User {id: $viewer_id})
WITH viewer, COUNT { (viewer)-[:FOLLOWS]->() } AS following,
     COLLECT { MATCH (viewer)-[:MUTES]->(m:User) RETURN m } AS muted,
     COLLECT { MATCH (viewer)-[:MUTES|BLOCKS]->(h:User) RETURN h
               UNION
               MATCH (viewer)<-[:BLOCKS]-(h:User) RETURN h } AS hidden
CALL (following) {  // nothing read for a viewer who follows fewer
  WITH following WHERE following >= $following_at_least
  MATCH (p:Post) WHERE $since_id < p.id < $max_id
  WITH p ORDER BY p.id DESC LIMIT $scan
  RETURN collect(p) AS posts
}
CALL (following) {
  WITH following WHERE following >= $following_at_least
  MATCH ()-[r:REPOSTED]->() WHERE $since_id < r.id < $max_id
  WITH r ORDER BY r.id DESC LIMIT $scan
  RETURN collect(r) AS reposts
}
WITH viewer, following, muted, hidden, posts, reposts,
     CASE WHEN size(posts) = $scan THEN posts[-1].id ELSE $since_id END AS post_floor,
     CASE WHEN size(reposts) = $scan THEN reposts[-1].id ELSE $since_id END AS repost_floor
WITH viewer, following, muted, hidden, posts, reposts,
     CASE WHEN post_floor > repost_floor THEN post_floor ELSE repost_floor END AS floor
CALL (viewer, muted, hidden, posts, reposts, floor) {
  UNWIND posts AS p
  WITH p WHERE p.id > floor
  MATCH (author:User)-[:POSTED]->(p)
  WHERE (author = viewer OR EXISTS { (viewer)-[:FOLLOWS]->(author) })
    AND (p:Tweet OR p.parent_author_id = viewer.id
         OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
    AND NOT author IN hidden
  RETURN p.id AS id, p.id AS post_id, null AS reposter_id
  UNION
  UNWIND reposts AS repost
  WITH repost WHERE repost.id > floor
  MATCH (reposter:User)-[repost]->(p:Post)
  WHERE (reposter = viewer OR EXISTS { (viewer)-[:FOLLOWS]->(reposter) })
    AND NOT reposter IN muted
    AND NOT EXISTS { MATCH (h:User)-[:POSTED]->(p) WHERE h IN hidden }
    AND NOT EXISTS {
      MATCH (author:User)-[:POSTED]->(p)
      WHERE (author = viewer OR EXISTS { (viewer)-[:FOLLOWS]->(author) })
        AND (p:Tweet OR p.parent_author_id = viewer.id
             OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
    }
    AND NOT EXISTS {
      MATCH (other:User)-[earlier:REPOSTED]->(p)
      WHERE earlier.id < repost.id AND NOT other IN muted
        AND (other = viewer OR EXISTS { (viewer)-[:FOLLOWS]->(other) })
    }
  RETURN repost.id AS id, p.id AS post_id, reposter.id AS reposter_id
}
WITH following, floor, id, post_id, reposter_id ORDER BY id DESC LIMIT $limit
RETURN following, floor, collect({id: id, post_id: post_id, reposter_id: reposter_id}) AS entries
