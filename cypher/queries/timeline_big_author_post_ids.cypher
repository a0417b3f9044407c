/*
name: queries/timeline_big_author_post_ids
:params {author_ids: [2], viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20}
*/
// The newest entries of the big accounts (among $author_ids) that the viewer follows, merged
// into a hot timeline at read time: their posts by the rules of home_timeline_ids, and their
// reposts (whether each is the post's first entry is asked by timeline_first_entries). Muted
// accounts, and posts by accounts muted or blocked either way, are left out.
MATCH (viewer:User {id: $viewer_id})-[:FOLLOWS]->(a:User)
WHERE a.id IN $author_ids AND NOT EXISTS { (viewer)-[:MUTES]->(a) }
CALL (viewer, a) {
  MATCH (a)-[:POSTED]->(p:Post)
  WHERE $since_id < p.id < $max_id
    AND (p:Tweet
         OR p.parent_author_id = viewer.id
         OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
  RETURN p.id AS id, p.id AS post_id, null AS reposter_id
  UNION
  MATCH (a)-[repost:REPOSTED]->(p:Post)<-[:POSTED]-(author:User)
  WHERE $since_id < repost.id < $max_id
    AND NOT EXISTS { (viewer)-[:MUTES|BLOCKS]->(author) }
    AND NOT EXISTS { (viewer)<-[:BLOCKS]-(author) }
  RETURN repost.id AS id, p.id AS post_id, a.id AS reposter_id
}
RETURN id, post_id, reposter_id ORDER BY id DESC LIMIT $limit
